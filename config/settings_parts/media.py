"""Media uploads (catalog/media): sizes, decompression-bomb guards, processing, thumbnails."""

from config.settings_parts.environment import env, env_list

# Uploads over these sizes are refused while they are read, before anything is stored.
SOUK_MAX_IMAGE_BYTES = int(env("SOUK_MAX_IMAGE_BYTES", str(10 * 1024 * 1024)))
SOUK_MAX_VIDEO_BYTES = int(env("SOUK_MAX_VIDEO_BYTES", str(100 * 1024 * 1024)))
# Decompression-bomb guards: a small file may decode to a huge bitmap.
SOUK_MAX_IMAGE_PIXELS = int(env("SOUK_MAX_IMAGE_PIXELS", str(40_000_000)))
SOUK_MAX_IMAGE_SIDE = int(env("SOUK_MAX_IMAGE_SIDE", "10000"))
SOUK_MAX_IMAGE_FRAMES = int(env("SOUK_MAX_IMAGE_FRAMES", "200"))
# All frames together (width × height × frames), judged from the headers before decoding.
SOUK_MAX_IMAGE_TOTAL_PIXELS = int(env("SOUK_MAX_IMAGE_TOTAL_PIXELS", str(100_000_000)))
# Still images up to this many pixels are processed in the request; larger ones and every
# animation by a Celery worker (0: every image by a worker).
SOUK_MEDIA_SYNC_MAX_PIXELS = int(env("SOUK_MEDIA_SYNC_MAX_PIXELS", str(500_000)))
# An item still processing this long after its task was sent gets the task again (a sweep
# every 5 minutes), until it was sent this many times; then it is marked failed.
SOUK_MEDIA_PROCESS_RETRY_SECONDS = int(env("SOUK_MEDIA_PROCESS_RETRY_SECONDS", "900"))
SOUK_MEDIA_PROCESS_MAX_ATTEMPTS = int(env("SOUK_MEDIA_PROCESS_MAX_ATTEMPTS", "3"))
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
