"""Static files with hashed names, compressed, whatever DEBUG says.

``collectstatic`` (make demo, make test, CI, a deployment) copies every static file into
STATIC_ROOT under a name carrying a hash of its content (``site/site.3f2a9c1e0b7d.css``),
writes gzip (and brotli, when installed) copies beside it and a manifest of the names;
WhiteNoise serves them with a far-future ``immutable`` Cache-Control, since a changed file is a
new name. The fonts' files (settings.SOUK_FONTS_DIR, ``static/fonts/``) are hashed the same
way, so /theme.css's ``@font-face`` rules name hashed files too.

Django's manifest storage hands out plain names under DEBUG; this one hashes under DEBUG as
well, so ``make demo`` and the browser tests' live server (DJANGO_DEBUG=1) serve what production
serves. Only under DEBUG, for a file the manifest does not list (``collectstatic`` never ran,
as in a fresh checkout's in-process tests, or the file is newer than the last run), is the name
left plain, which WhiteNoise's finders serve. Without DEBUG a missing manifest or entry is an
error, never a silent fallback. make re-runs ``collectstatic`` when a static file changed.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def url(self, name, force: bool = False) -> str:
        if settings.DEBUG and self.hash_key(self.clean_name(name)) not in self.hashed_files:
            return StaticFilesStorage.url(self, name)
        return self._url(self.stored_name, name, force=True)
