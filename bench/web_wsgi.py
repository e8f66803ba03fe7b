"""bench/web.py's server: the application as production runs it, plus the uploaded photos.

Production serves media from S3 (or a web server in front); DEBUG off, the application does
not serve them at all. So that the measured pages show their photos as visitors see them,
WhiteNoise serves MEDIA_ROOT under MEDIA_URL in front of the application here, cached for
good as a CDN in front of the bucket would be told to: an upload's name (a random hex, its
thumbnails beside it) never gets other content. Never used outside the bench.
"""

from django.conf import settings
from whitenoise import WhiteNoise

from config.wsgi import application as django_application

application = WhiteNoise(
    django_application,
    root=str(settings.MEDIA_ROOT),
    prefix=settings.MEDIA_URL,
    autorefresh=True,
    immutable_file_test=lambda path, url: True,
)
