"""Souk settings. Every value that differs between machines comes from the environment."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
# A secret is required outside debug mode; the development default is never used in production.
SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-dev-key-only-for-debug" if DEBUG else None)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "*")

# Hosts that serve the operator side (public schema): console, operator API, marketplace sign-up.
SOUK_OPERATOR_HOSTS = env_list("SOUK_OPERATOR_HOSTS", "localhost,127.0.0.1,souk.localhost")
# How links in e-mails reach a marketplace: <scheme>://<primary domain>[:<port>]/...
SOUK_URL_SCHEME = env("SOUK_URL_SCHEME", "http" if DEBUG else "https")
SOUK_URL_PORT = env("SOUK_URL_PORT", "")
# Domain suffix given to marketplaces created without an explicit domain: <slug>.<suffix>.
SOUK_BASE_DOMAIN = env("SOUK_BASE_DOMAIN", "localhost")
# Pre-cloned spare schemas kept ready so provisioning is a rename, not a clone.
SOUK_SPARE_SCHEMAS = int(env("SOUK_SPARE_SCHEMAS", "2"))
# A connection that has served this many distinct schemas is closed at the end of its request.
SOUK_CONNECTION_MAX_SCHEMAS = int(env("SOUK_CONNECTION_MAX_SCHEMAS", "50"))
# Seconds a cached host -> marketplace entry may live if an invalidation message was missed.
SOUK_ROUTING_CACHE_TTL = float(env("SOUK_ROUTING_CACHE_TTL", "30"))

SHARED_APPS = [
    # tenants first: its migrate_schemas command overrides django-tenants' one.
    "tenants",
    "django_tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "accounts",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "allauth",
    "allauth.account",
    "djstripe",
    "channels",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "accounts",
    "django.contrib.sessions",
    "django.contrib.admin",
    "rest_framework.authtoken",
    "allauth",
    "allauth.account",
    "catalog",
    "bookings",
    "billing",
    "themes",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Marketplace"
TENANT_DOMAIN_MODEL = "tenants.Domain"
TENANT_BASE_SCHEMA = "souk_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
TENANT_COLOR_ADMIN_APPS = False

MIDDLEWARE = [
    "tenants.routing.MarketplaceRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.RejectNulInAddress",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "themes.context_processors.marketplace",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": {
        **dj_database_url.parse(
            env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/souk"),
            conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "300")),
            conn_health_checks=True,
        ),
        "ENGINE": "tenants.db",
        # Lets parallel test runs on one server use separate test databases.
        "TEST": {"NAME": os.environ.get("DATABASE_TEST_NAME") or None},
    }
}
ORIGINAL_BACKEND = "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key carries the schema of the marketplace it was written for.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "souk"),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "refill-spare-schemas": {"task": "tenants.tasks.refill_spare_schemas", "schedule": 300.0},
    # Booking timers (expiries, holds, auto-completion) and late-delivery flags, every minute.
    "booking-timers": {"task": "bookings.tasks.run_due_timers_everywhere", "schedule": 60.0},
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": "souk:channels"},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Stored random keys per schema: allauth's HMAC keys sign only the address's id, which another
# marketplace's table may hold too.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = SOUK_URL_SCHEME
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Souk <no-reply@souk.localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": env("SOUK_AUTH_THROTTLE", "30/min")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Souk API",
    "DESCRIPTION": "The shared API of every Souk marketplace. The Host header selects the "
    "marketplace; tokens and ids of one marketplace mean nothing on another.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI assets are served from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# dj-stripe lives in the public schema (see docs/architecture-notes.md).
STRIPE_LIVE_MODE = env_bool("STRIPE_LIVE_MODE")
STRIPE_TEST_SECRET_KEY = env("STRIPE_TEST_SECRET_KEY", "sk_test_souk_sandbox")
STRIPE_API_HOST = env("STRIPE_API_HOST", "")
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
DJSTRIPE_USE_NATIVE_JSONFIELD = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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
    PRIVATE_STORAGE = {"BACKEND": "bookings.storage.TenantPrivateFileSystemStorage"}
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
SILENCED_SYSTEM_CHECKS = ["auth.W004"]  # e-mail is unique case-insensitively (a constraint)

# --- Media uploads (catalog/media) ------------------------------------------------------------
# Uploads over these sizes are refused while they are read, before anything is stored.
SOUK_MAX_IMAGE_BYTES = int(env("SOUK_MAX_IMAGE_BYTES", str(10 * 1024 * 1024)))
SOUK_MAX_VIDEO_BYTES = int(env("SOUK_MAX_VIDEO_BYTES", str(100 * 1024 * 1024)))
# Decompression-bomb guards: a small file may decode to a huge bitmap.
SOUK_MAX_IMAGE_PIXELS = int(env("SOUK_MAX_IMAGE_PIXELS", str(40_000_000)))
SOUK_MAX_IMAGE_SIDE = int(env("SOUK_MAX_IMAGE_SIDE", "10000"))
SOUK_MAX_IMAGE_FRAMES = int(env("SOUK_MAX_IMAGE_FRAMES", "200"))
SOUK_MAX_MEDIA_PER_OWNER = int(env("SOUK_MAX_MEDIA_PER_OWNER", "30"))
# Longest side in pixels by size name, e.g. "small:160,medium:480,large:1200".
SOUK_THUMBNAIL_SIZES = {
    name.strip(): int(pixels)
    for name, pixels in (
        item.split(":", 1)
        for item in env_list("SOUK_THUMBNAIL_SIZES", "small:160,medium:480,large:1200")
    )
}
SOUK_THUMBNAIL_FORMAT = env("SOUK_THUMBNAIL_FORMAT", "WEBP").upper()  # WEBP or JPEG
# --- End of media uploads ---------------------------------------------------------------------

# --- Bookings (bookings/) ---------------------------------------------------------------------
SOUK_DELIVERY_MAX_FILES = int(env("SOUK_DELIVERY_MAX_FILES", "10"))
SOUK_DELIVERY_MAX_BYTES = int(env("SOUK_DELIVERY_MAX_BYTES", str(100 * 1024 * 1024)))
SOUK_MESSAGE_ATTACHMENT_MAX_BYTES = int(
    env("SOUK_MESSAGE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)
SOUK_MESSAGE_RATE_PER_MINUTE = int(env("SOUK_MESSAGE_RATE_PER_MINUTE", "10"))
SOUK_MESSAGE_RATE_PER_DAY = int(env("SOUK_MESSAGE_RATE_PER_DAY", "200"))
# A live session with no heartbeat for this long is ended by the timers run.
SOUK_SESSION_SILENCE_SECONDS = int(env("SOUK_SESSION_SILENCE_SECONDS", "120"))
FILE_UPLOAD_HANDLERS = [
    "catalog.media.upload.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
