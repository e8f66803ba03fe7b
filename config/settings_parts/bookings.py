"""Bookings (bookings/): delivered files, messages, live sessions; the upload handlers that refuse
oversized files while they are read."""

from config.settings_parts.environment import env, env_bool

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
# Live streams: the secret the ingest server (nginx-rtmp, platform/nginx-rtmp.conf) sends with
# its publish callbacks (empty: every callback is refused), and where its HLS files are served.
SOUK_INGEST_SECRET = env("SOUK_INGEST_SECRET", "")
# Unset in production, viewers get no playlist URL (rather than one on this machine's loopback).
SOUK_HLS_BASE_URL = env(
    "SOUK_HLS_BASE_URL", "http://127.0.0.1:8080/hls" if env_bool("DJANGO_DEBUG") else ""
).rstrip("/")
# A viewer who has not said they are still watching for this long is no longer counted.
SOUK_STREAM_VIEWER_SECONDS = int(env("SOUK_STREAM_VIEWER_SECONDS", "60"))
# Chat lines one user may send to one stream per minute.
SOUK_STREAM_CHAT_PER_MINUTE = int(env("SOUK_STREAM_CHAT_PER_MINUTE", "12"))
# The RTMP address a provider's broadcasting software publishes to (shown on the go-live page,
# the stream key beside it); ``{slug}`` becomes the marketplace's slug, for an ingest server
# with one application per marketplace. Empty: the page names no address.
SOUK_INGEST_RTMP_URL = env(
    "SOUK_INGEST_RTMP_URL", "rtmp://127.0.0.1:1935/live" if env_bool("DJANGO_DEBUG") else ""
)
