"""Souk settings. Every value that differs between machines comes from the environment."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.settings_parts.beat import CELERY_BEAT_SCHEDULE  # noqa: F401  (Celery beat)
from config.settings_parts.bookings import *  # noqa: F403
from config.settings_parts.environment import BASE_DIR, env, env_bool, env_list
from config.settings_parts.media import *  # noqa: F403
from config.settings_parts.realtime import *  # noqa: F403
from config.settings_parts.storage import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG")
# A secret is required outside debug mode; the development default is never used in production.
SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-dev-key-only-for-debug" if DEBUG else None)
# "*": marketplaces add domains at run time, which a static list cannot follow. Host-header
# poisoning is still impossible: routing answers only operator hosts and registered domains
# (anything else is a 404 before any view runs), and links in e-mails use those hosts.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "*")

# Hosts that serve the operator side (public schema): console, operator API, marketplace sign-up.
# No default outside debug: anyone can send "Host: localhost" to a production server.
SOUK_OPERATOR_HOSTS = env_list(
    "SOUK_OPERATOR_HOSTS", "localhost,127.0.0.1,souk.localhost" if DEBUG else ""
)
if not SOUK_OPERATOR_HOSTS:
    raise ImproperlyConfigured(
        "Set the environment variable SOUK_OPERATOR_HOSTS to the host names of the operator "
        "side (e.g. ops.example.com); outside debug mode it has no default."
    )
# How links in e-mails reach a marketplace: <scheme>://<primary domain>[:<port>]/...
SOUK_URL_SCHEME = env("SOUK_URL_SCHEME", "http" if DEBUG else "https")
SOUK_URL_PORT = env("SOUK_URL_PORT", "")
# Domain suffix given to marketplaces created without an explicit domain: <slug>.<suffix>.
SOUK_BASE_DOMAIN = env("SOUK_BASE_DOMAIN", "localhost")
# The payment providers' local sandboxes (sandboxes/), which `make demo` starts; the demo
# marketplaces pay through them. SOUK_SANDBOX_FIB_URL etc. move one elsewhere.
# Fernet key sealing each marketplace's payment-provider credentials (billing/credentials.py);
# without it a key is derived from SECRET_KEY.
SOUK_CREDENTIALS_KEY = env("SOUK_CREDENTIALS_KEY", "")
SOUK_SANDBOX_URLS = {
    "fib": env("SOUK_SANDBOX_FIB_URL", "http://127.0.0.1:8701"),
    "fastpay": env("SOUK_SANDBOX_FASTPAY_URL", "http://127.0.0.1:8702"),
    "nasswallet": env("SOUK_SANDBOX_NASSWALLET_URL", "http://127.0.0.1:8703"),
    "areeba": env("SOUK_SANDBOX_AREEBA_URL", "http://127.0.0.1:8704"),
    "stripe": env("SOUK_SANDBOX_STRIPE_URL", "http://127.0.0.1:8705"),
}
# Pre-cloned spare schemas kept ready so provisioning is a rename, not a clone: as many as
# marketplaces were created in the last SOUK_SPARE_SCHEMAS_WINDOW_S seconds, at least
# SOUK_SPARE_SCHEMAS and at most SOUK_SPARE_SCHEMAS_MAX (tenants.schemas.spare_pool_target).
SOUK_SPARE_SCHEMAS = int(env("SOUK_SPARE_SCHEMAS", "2"))
SOUK_SPARE_SCHEMAS_MAX = int(env("SOUK_SPARE_SCHEMAS_MAX", "10"))
SOUK_SPARE_SCHEMAS_WINDOW_S = int(env("SOUK_SPARE_SCHEMAS_WINDOW_S", "3600"))
# A connection that has served this many distinct schemas is closed at the end of its request.
SOUK_CONNECTION_MAX_SCHEMAS = int(env("SOUK_CONNECTION_MAX_SCHEMAS", "50"))
# Seconds a cached host -> marketplace entry may live if an invalidation message was missed.
SOUK_ROUTING_CACHE_TTL = float(env("SOUK_ROUTING_CACHE_TTL", "30"))
# Days a deleted marketplace is kept (restorable) before its schema and files are purged.
SOUK_DELETION_GRACE_DAYS = int(env("SOUK_DELETION_GRACE_DAYS", "30"))
# The purge task removes at most this many marketplaces per run, each in its own transaction
# that gives up after SOUK_PURGE_LOCK_TIMEOUT_S waiting for a lock (retried next run).
SOUK_PURGE_BATCH = int(env("SOUK_PURGE_BATCH", "50"))
SOUK_PURGE_LOCK_TIMEOUT_S = float(env("SOUK_PURGE_LOCK_TIMEOUT_S", "5"))
# Cells (platform/CELLS.md): full deployments, each with its own PostgreSQL, Redis and workers.
# SOUK_CELL names this one ("" when there are none); SOUK_CELL_ORIGINS ("a=https://a.cells.
# example.com,b=...") is where each cell's web tier is reached, named in the answer a cell
# gives for a marketplace that lives in another. SOUK_CELLS_FILE (JSON, secrets: only on hosts
# that move marketplaces) gives each cell's database, Redis and file storages.
SOUK_CELL = env("SOUK_CELL", "")
SOUK_CELL_ORIGINS = dict(
    item.split("=", 1) for item in env_list("SOUK_CELL_ORIGINS") if "=" in item
)
SOUK_CELLS_FILE = env("SOUK_CELLS_FILE", "")
# Retry-After, in seconds, of the writes refused while a marketplace moves between cells.
SOUK_MOVE_RETRY_AFTER_S = int(env("SOUK_MOVE_RETRY_AFTER_S", "5"))
# How long a move waits for the transactions already writing to the marketplace to finish.
SOUK_MOVE_DRAIN_S = float(env("SOUK_MOVE_DRAIN_S", "10"))
# The fleet migration (migrate_schemas): worker processes, each with its own connection; the
# canary wave (the template, the spares, these marketplaces by slug and this many more); then
# waves of this many marketplaces, each started only when the one before had no failure.
SOUK_MIGRATE_WORKERS = int(env("SOUK_MIGRATE_WORKERS", "4"))
SOUK_MIGRATE_CANARY = env_list("SOUK_MIGRATE_CANARY", "")
SOUK_MIGRATE_CANARY_COUNT = int(env("SOUK_MIGRATE_CANARY_COUNT", "5"))
SOUK_MIGRATE_WAVE_SIZE = int(env("SOUK_MIGRATE_WAVE_SIZE", "100"))
# A worker's session gives up on a lock after this long (PostgreSQL's lock_timeout, e.g. "5s";
# empty: waits): the schema fails with LockNotAvailable and a rerun tries it again.
SOUK_MIGRATE_LOCK_TIMEOUT = env("SOUK_MIGRATE_LOCK_TIMEOUT", "")
# A payment still pending this long after its last change is asked about by the reconciliation
# beat (a notification can be lost, and FastPay sends none for a failure).
SOUK_PAYMENTS_RECONCILE_AFTER_S = int(env("SOUK_PAYMENTS_RECONCILE_AFTER_S", "120"))
# Entries per sitemap file (the protocol's limit is 50,000); past it sitemap.xml is an index.
SOUK_SITEMAP_PAGE_SIZE = int(env("SOUK_SITEMAP_PAGE_SIZE", "50000"))

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
    "api",
    # API tokens are accounts.ApiToken; rest_framework.authtoken is gone (its table is dropped
    # by accounts' migration 0002).
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "allauth",
    "allauth.account",
    "djstripe",
    "channels",
    # No models; its souk_demo command provisions marketplaces from the public schema.
    "demo",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "accounts",
    "django.contrib.sessions",
    "django.contrib.admin",
    "allauth",
    "allauth.account",
    "catalog",
    "bookings",
    "billing",
    "realtime",
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
    "config.security.ContentSecurityPolicyMiddleware",
    "tenants.routing.MarketplaceRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, /theme.css and API answers gzipped for clients that accept it (static files are
    # answered above, from collectstatic's own compressed copies). Django's middleware pads
    # each body against BREACH, and CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "themes.middleware.MarketplaceLanguageMiddleware",
    # After the language is chosen, so its 400 speaks the request's language.
    "api.middleware.RejectNulInAddress",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # A marketplace's own templates (themes.loaders) before the default theme's.
            "loaders": [
                "themes.loaders.MarketplaceLoader",
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                ),
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "themes.context_processors.marketplace",
            ],
            # {% csp_nonce %} on every template: inline <style> needs this request's nonce.
            "builtins": ["config.security"],
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
# The hot paths' statements are prepared once per connection (tenants.db's prepared_cursor);
# off for a connection pooler in transaction mode that cannot keep prepared statements.
SOUK_DB_PREPARED_STATEMENTS = env("SOUK_DB_PREPARED_STATEMENTS", "1") == "1"
ORIGINAL_BACKEND = "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
# The suite runs in parallel workers (pytest-xdist, `make test`) that share one Redis: each
# worker, and the servers and Celery workers it starts, keep keys of their own ("" otherwise).
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key carries the schema of the marketplace it was written for.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "souk") + TEST_WORKER,
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
# Where tasks go when none is named: one queue per deployment unless two share a broker.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connections around every task unless told to
# reuse them: a new PostgreSQL backend per task costs more than most tasks. Reused for this
# many tasks (Django's CONN_MAX_AGE and health checks still apply), then reopened.
CELERY_DB_REUSE_MAX = int(env("CELERY_DB_REUSE_MAX", "200"))
# A task taken by a worker that dies before acknowledging it (tasks that ask for acks_late)
# is delivered again after this many seconds (Redis transport).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "600")),
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 gives every connection a 5 s socket timeout, and channels-redis waits
            # for a socket's next message with BZPOPMIN for 5 s: an answer a moment late timed
            # the read out, failed the consumer and dropped its socket. The timeout must
            # outlast the blocking pop; it still notices a Redis that stopped answering.
            # redis-py's asyncio pool refuses a connection past its maximum (100 by default)
            # rather than waiting for one: a burst of joins, leaves and sends from hundreds of
            # sockets of one process (a thousand closing at once) failed their consumers.
            "hosts": [
                {
                    "address": REDIS_URL,
                    "socket_timeout": 15,
                    "max_connections": int(env("SOUK_CHANNEL_LAYER_MAX_CONNECTIONS", "1000")),
                }
            ],
            "prefix": f"{CACHES['default']['KEY_PREFIX']}:channels",
        },
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # ModelBackend behind the log-in limiter (per account and client, with lock-outs).
    "accounts.backends.LimitedModelBackend",
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
# --- Client address, log-in limits, mail caps, API tokens (accounts/, api/throttles.py) --------
# The client is REMOTE_ADDR, unless this many proxies of ours stand in front: then the address
# that many hops from the right of X-Forwarded-For (the one our outermost proxy saw). With 0,
# X-Forwarded-For is ignored, so a client cannot become many clients by forging it.
SOUK_TRUSTED_PROXY_COUNT = int(env("SOUK_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = SOUK_TRUSTED_PROXY_COUNT
# Password log-in, web and API alike (accounts/services/login_limits.py): after this many
# failures for one account (e-mail) or one client address, each further attempt waits for a
# lock-out that starts at SOUK_LOGIN_LOCKOUT_SECONDS and doubles up to the maximum.
SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT = int(env("SOUK_LOGIN_FREE_FAILURES_PER_ACCOUNT", "5"))
SOUK_LOGIN_FREE_FAILURES_PER_CLIENT = int(env("SOUK_LOGIN_FREE_FAILURES_PER_CLIENT", "20"))
SOUK_LOGIN_LOCKOUT_SECONDS = int(env("SOUK_LOGIN_LOCKOUT_SECONDS", "60"))
SOUK_LOGIN_LOCKOUT_MAX_SECONDS = int(env("SOUK_LOGIN_LOCKOUT_MAX_SECONDS", "3600"))
# Account mails a stranger can trigger (verification, reset, magic link, log-in code,
# "unknown account", "already registered"): at most this many per address and kind an hour;
# beyond that the request is answered the same way but nothing is sent.
SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR = int(env("SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR", "3"))
# Requests that send such mails (sign-up, reset, magic link, log-in code) per client an hour.
SOUK_AUTH_MAILS_PER_CLIENT_PER_HOUR = int(env("SOUK_AUTH_MAILS_PER_CLIENT_PER_HOUR", "20"))
# API tokens expire this many days after issue (fixed, not sliding: log in again).
SOUK_TOKEN_TTL_DAYS = int(env("SOUK_TOKEN_TTL_DAYS", "30"))
_MAILS_PER_CLIENT = f"{SOUK_AUTH_MAILS_PER_CLIENT_PER_HOUR}/h/ip"
ACCOUNT_RATE_LIMITS = {
    # Failed log-ins are limited by accounts/services/login_limits.py on the web and the API
    # alike (per client and per account, with backoff); allauth's own counter is off.
    "login_failed": "",
    "signup": _MAILS_PER_CLIENT,
    "reset_password": f"{_MAILS_PER_CLIENT},{SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR}/h/key",
    "request_login_code": f"{_MAILS_PER_CLIENT},{SOUK_AUTH_MAILS_PER_ADDRESS_PER_HOUR}/h/key",
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Where django.core.mail.backends.filebased.EmailBackend writes each mail (the browser tests).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / ".local" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Souk <no-reply@souk.localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Security, 401 and the NUL 400 of every operation derived from its view (api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "api.schema.SoukAutoSchema",
    # JSON bodies only: form encodings would turn every typed field into a string the
    # serializers then coerce. Views that take files name their own parsers (multipart).
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env("SOUK_AUTH_THROTTLE", "30/min"),
        "auth_mail": f"{SOUK_AUTH_MAILS_PER_CLIENT_PER_HOUR}/hour",
        # Anonymous search, per client address (or per user when logged in); autocomplete
        # sends a request per keystroke, hence its own, larger allowance.
        "search": env("SOUK_SEARCH_THROTTLE", "120/min"),
        "suggest": env("SOUK_SUGGEST_THROTTLE", "600/min"),
        # Joining a live stream (again every ~30 s to stay counted), per client address: caps
        # how far one address can inflate a viewer count with made-up viewer tokens.
        "stream_viewer": env("SOUK_STREAM_VIEWER_THROTTLE", "600/min"),
    },
    # DRF's own client address (get_ident) follows the same rule as api.throttles.client_address.
    "NUM_PROXIES": SOUK_TRUSTED_PROXY_COUNT,
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
    # No badge fetched from validator.swagger.io: it would leak the schema URL and break the CSP.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One name per choice set shared by several serializers.
    "ENUM_NAME_OVERRIDES": {
        "BadgeEnum": "catalog.models.providers.Badge",
        "ListingStatusEnum": "catalog.models.listings.Listing.Status",
        "DisputeStatusEnum": "bookings.models.disputes.Dispute.Status",
        "DisputeResolutionEnum": "bookings.models.disputes.Dispute.Resolution",
        "FontEnum": "themes.fonts.FONT_CHOICES",
    },
}

# dj-stripe lives in the public schema (see docs/architecture-notes.md).
STRIPE_LIVE_MODE = env_bool("STRIPE_LIVE_MODE")
STRIPE_TEST_SECRET_KEY = env("STRIPE_TEST_SECRET_KEY", "sk_test_souk_sandbox")
# Defined only when set: dj-stripe points the stripe library at any STRIPE_API_HOST it finds,
# an empty one included (and its deploy check flags it).
if env("STRIPE_API_HOST", ""):
    STRIPE_API_HOST = env("STRIPE_API_HOST")
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
DJSTRIPE_USE_NATIVE_JSONFIELD = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
# The project's own catalog (locale/ar/LC_MESSAGES/django.po, compiled .mo committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files, public media and private files: config/settings_parts/storage.py.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
SILENCED_SYSTEM_CHECKS = ["auth.W004"]  # e-mail is unique case-insensitively (a constraint)

# --- Production security: HTTPS, cookies, headers, Content-Security-Policy (config/security.py)
# Each default is the production one unless DJANGO_DEBUG=1 (plain http on *.localhost).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Path regexes (no leading slash) also answered over plain http, e.g. "^healthz/$" for a load
# balancer's health check that cannot speak https.
SECURE_REDIRECT_EXEMPT = env_list("DJANGO_SECURE_REDIRECT_EXEMPT")
# Only our own proxies may say a request came over https (they must overwrite the client's
# X-Forwarded-Proto); without one, the header is the client's word and is ignored.
if SOUK_TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
# Off by default: marketplaces are served on their owners' domains, often the apex (example.com),
# where includeSubDomains would force https on every subdomain of the owner's domain, which we
# neither serve nor control; preload (which needs it) bakes that into browsers for months. Turn
# both on only when every host is under a domain of the operator's own.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD")
if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    SILENCED_SYSTEM_CHECKS.append("security.W005")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies stay host-only (no *_COOKIE_DOMAIN): one marketplace's cookies never reach another.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
# Django accepts an Origin equal to the request's own scheme://host, so every marketplace's
# pages and same-origin API calls need nothing here (token-authenticated calls need no CSRF at
# all). Only a front end on another origin posting with the session cookie needs an entry,
# e.g. "https://app.example.com" or "https://*.example.com".
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Where images and videos may come from besides our own origin: SOUK_CSP_MEDIA_ORIGINS, with the
# storage settings (config/settings_parts/storage.py).
# --- End of production security ----------------------------------------------------------------
