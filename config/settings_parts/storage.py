"""Static files, public media (the file system or S3) and private files, and the origins media
are served from (for the Content-Security-Policy)."""

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from config.settings_parts.environment import BASE_DIR, env, env_bool, env_list

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The woff2 files of the fonts themes serve, copied out of node_modules by scripts/fonts.py
# (make runs it after npm ci); git-ignored, served as static/fonts/.
SOUK_FONTS_DIR = Path(env("SOUK_FONTS_DIR", str(BASE_DIR / ".local" / "fonts")))
# The npm packages' browser builds the pages load (hls.js), copied out of node_modules by
# scripts/vendor.py (make runs it after npm ci); git-ignored, served as static/vendor/.
SOUK_VENDOR_DIR = Path(env("SOUK_VENDOR_DIR", str(BASE_DIR / ".local" / "vendor")))
STATICFILES_DIRS = [
    (prefix, folder)
    for prefix, folder in (("fonts", SOUK_FONTS_DIR), ("vendor", SOUK_VENDOR_DIR))
    if folder.is_dir()
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".local" / "media")))
# Media of each marketplace lives under its own prefix: <schema>/...
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
if env("SOUK_MEDIA_STORAGE", "filesystem") == "s3":
    # boto3 reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment itself.
    AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", "") or None
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", "") or None
    # Public media (photos, videos, thumbnails) get plain URLs that do not expire, on the
    # bucket or on a CDN's domain; objects are written public-read unless the bucket's policy
    # does that (AWS_DEFAULT_ACL empty, e.g. for stores without ACLs).
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN", "") or None
    AWS_QUERYSTRING_AUTH = env_bool("AWS_QUERYSTRING_AUTH")
    AWS_DEFAULT_ACL = env("AWS_DEFAULT_ACL", "public-read") or None
    DEFAULT_FILE_STORAGE_BACKEND = "tenants.storage.TenantS3Storage"
else:
    DEFAULT_FILE_STORAGE_BACKEND = "django_tenants.files.storage.TenantFileSystemStorage"
WHITENOISE_USE_FINDERS = True
# Private files (deliverables, message attachments, dispute evidence) are never served by URL;
# the API streams them to the booking's parties. On S3 they sit under "private/" with a
# private ACL; on disk outside MEDIA_ROOT.
SOUK_PRIVATE_MEDIA_ROOT = Path(env("SOUK_PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".local" / "private")))
if DEFAULT_FILE_STORAGE_BACKEND == "tenants.storage.TenantS3Storage":
    PRIVATE_STORAGE = {
        "BACKEND": "tenants.storage.TenantS3Storage",
        "OPTIONS": {
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
        },
    }
else:
    PRIVATE_STORAGE = {"BACKEND": "tenants.storage.TenantPrivateFileSystemStorage"}
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    "private": PRIVATE_STORAGE,
    # Hashed names and gzip copies made by collectstatic, served forever (config/staticfiles.py).
    "staticfiles": {"BACKEND": "config.staticfiles.HashedStaticFilesStorage"},
}

# Where images and videos may come from besides our own origin: the bucket or CDN with S3.
_media_origins: list[str] = []
if DEFAULT_FILE_STORAGE_BACKEND == "tenants.storage.TenantS3Storage":
    if AWS_S3_CUSTOM_DOMAIN:
        _media_origins = [f"https://{AWS_S3_CUSTOM_DOMAIN.split('/')[0]}"]
    elif AWS_S3_ENDPOINT_URL:
        _endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        _media_origins = [
            f"{_endpoint.scheme}://{_endpoint.netloc}",
            f"{_endpoint.scheme}://{AWS_STORAGE_BUCKET_NAME}.{_endpoint.netloc}",
        ]
    else:
        _media_origins = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
        if AWS_S3_REGION_NAME:
            _media_origins.append(
                f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"
            )
SOUK_CSP_MEDIA_ORIGINS = env_list("SOUK_CSP_MEDIA_ORIGINS", ",".join(_media_origins))
