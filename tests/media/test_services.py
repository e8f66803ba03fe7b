"""Media services: validation by content, storage under the marketplace prefix, ordering."""

import io
import os
import struct
import zlib

import pytest
from django_tenants.utils import tenant_context
from PIL import Image

from catalog.models import MediaItem
from catalog.services.media import media_add, media_delete, media_reorder, media_set_primary
from config.errors import BusinessRuleViolation, InvalidInput, NotAllowed
from tests.support.factories.catalog import make_listing, make_provider
from tests.support.files import box, image_bytes, minimal_mp4, stored_files, upload


@pytest.fixture
def kat(fire):
    with tenant_context(fire):
        yield make_provider("kat@example.com")


def add(owner, name, data, **kwargs):
    return media_add(owner=owner, upload=upload(name, data), actor=owner_user(owner), **kwargs)


def owner_user(owner):
    return owner.user if hasattr(owner, "user") else owner.provider.user


def refused(code, owner, name, data):
    with pytest.raises(InvalidInput) as caught:
        add(owner, name, data)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_jpeg_is_stored_under_the_marketplace_with_thumbnails(kat, media_root, settings):
    settings.SOUK_MEDIA_SYNC_MAX_PIXELS = 2_000_000  # processed in the call, not by a worker
    item = add(kat, "photo.jpeg", image_bytes(size=(1600, 1200)), caption="On stage")

    assert (item.kind, item.content_type, item.width, item.height) == (
        "image",
        "image/jpeg",
        1600,
        1200,
    )
    assert item.is_primary and item.position == 0 and item.caption == "On stage"
    assert item.file.name.startswith(f"media/providers/{kat.pk}/")
    assert item.file.name.endswith(".jpg")
    assert set(item.thumbnails) == {"small", "medium", "large"}
    files = stored_files(media_root)
    assert len(files) == 4
    assert all(f.startswith(f"fire_test/media/providers/{kat.pk}/") for f in files)
    sizes = {}
    for name, stored in item.thumbnails.items():
        with Image.open(media_root / "fire_test" / stored) as thumb:
            sizes[name] = (thumb.format, thumb.size)
    assert sizes == {
        "small": ("WEBP", (160, 120)),
        "medium": ("WEBP", (480, 360)),
        "large": ("WEBP", (1200, 900)),
    }
    assert item.size_bytes == (media_root / "fire_test" / item.file.name).stat().st_size
    # A photo counts towards the profile's completeness.
    before = kat.completeness
    kat.refresh_from_db()
    assert kat.completeness > before


def test_small_images_are_not_upscaled(kat, media_root):
    item = add(kat, "small.png", image_bytes("PNG", size=(300, 200)))
    with Image.open(media_root / "fire_test" / item.thumbnails["large"]) as large:
        assert large.size == (300, 200)


def test_png_named_jpg_is_recognised_as_png(kat, media_root):
    item = add(kat, "holiday.jpg", image_bytes("PNG"))
    assert item.content_type == "image/png"
    assert item.file.name.endswith(".png")
    with Image.open(media_root / "fire_test" / item.file.name) as stored:
        assert stored.format == "PNG"


def test_webp_and_gif_are_accepted(kat):
    assert add(kat, "a.webp", image_bytes("WEBP")).content_type == "image/webp"
    assert add(kat, "b.gif", image_bytes("GIF")).content_type == "image/gif"


def test_exif_orientation_is_applied_and_metadata_stripped(kat, media_root):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "Secret Camera Co"
    data = image_bytes(size=(300, 100), exif=exif.tobytes())

    item = add(kat, "sideways.jpg", data)

    assert (item.width, item.height) == (100, 300)
    with Image.open(media_root / "fire_test" / item.file.name) as stored:
        assert stored.size == (100, 300)
        assert not stored.getexif()
        assert b"Secret Camera" not in (media_root / "fire_test" / item.file.name).read_bytes()


def test_text_named_jpg_is_refused_and_nothing_is_stored(kat, media_root):
    error = refused("unsupported_media", kat, "cv.jpg", b"Just some text, not a picture.\n" * 20)
    assert "image/jpeg" in error.details["images"]
    assert stored_files(media_root) == []
    assert not MediaItem.objects.exists()


def test_oversize_image_is_refused_and_nothing_is_stored(kat, media_root, settings):
    settings.SOUK_MAX_IMAGE_BYTES = 2000
    data = image_bytes(size=(800, 600), quality=95)
    noisy = Image.effect_noise((800, 600), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG")
    error = refused("file_too_large", kat, "big.jpg", out.getvalue() + data)
    assert error.details == {"kind": "image", "max_bytes": 2000}
    assert stored_files(media_root) == []
    assert not MediaItem.objects.exists()


def test_oversize_video_is_refused(kat, media_root, settings):
    settings.SOUK_MAX_VIDEO_BYTES = 500
    refused("file_too_large", kat, "clip.mp4", minimal_mp4())
    assert stored_files(media_root) == []


def test_truncated_image_is_corrupt(kat, media_root):
    noisy = Image.effect_noise((400, 300), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG")
    refused("corrupt_image", kat, "cut.jpg", out.getvalue()[: len(out.getvalue()) // 2])
    refused("corrupt_image", kat, "header-only.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert stored_files(media_root) == []
    assert not MediaItem.objects.exists()


def _png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge bitmap: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bombs_are_refused_before_decoding(kat, media_root):
    refused("image_too_large_dimensions", kat, "bomb.png", _png_header_claiming(60000, 60000))
    # Below Pillow's own limit, ours (from settings) still refuses before any pixel is decoded.
    error = refused("image_too_large_dimensions", kat, "bomb.png", _png_header_claiming(9000, 9000))
    assert error.details["width"] == 9000
    assert stored_files(media_root) == []


def test_pixel_and_side_limits_come_from_settings(kat, settings):
    settings.SOUK_MAX_IMAGE_SIDE = 500
    refused("image_too_large_dimensions", kat, "wide.jpg", image_bytes(size=(640, 100)))
    settings.SOUK_MAX_IMAGE_SIDE = 10000
    settings.SOUK_MAX_IMAGE_PIXELS = 10_000
    refused("image_too_large_dimensions", kat, "many.jpg", image_bytes(size=(200, 200)))


def test_random_bytes_named_mp4_are_refused(kat, media_root):
    refused("unsupported_media", kat, "clip.mp4", os.urandom(4096))
    # An ftyp box of an image format (HEIC) is not a video we accept.
    heic = box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic") + box(b"mdat", b"x" * 64)
    refused("unsupported_media", kat, "photo.mp4", heic)
    # A lone ftyp box with garbage after it is not a file either.
    refused(
        "unsupported_media", kat, "fake.mp4", box(b"ftyp", b"isom\x00\x00\x00\x00") + os.urandom(64)
    )
    assert stored_files(media_root) == []
    assert not MediaItem.objects.exists()


def test_minimal_mp4_and_webm_are_accepted_as_video(kat, media_root):
    mp4 = minimal_mp4()
    item = add(kat, "no-extension", mp4)
    assert (item.kind, item.content_type, item.size_bytes) == ("video", "video/mp4", len(mp4))
    assert item.file.name.endswith(".mp4") and item.thumbnails == {}
    assert (media_root / "fire_test" / item.file.name).read_bytes() == mp4

    quicktime = (
        box(b"ftyp", b"qt  \x00\x00\x02\x00qt  ") + box(b"wide", b"") + box(b"mdat", b"1" * 32)
    )
    assert add(kat, "clip.mov", quicktime).content_type == "video/quicktime"

    # EBML header: DocType (0x4282) "webm", then the start of a Segment.
    ebml_body = b"\x42\x86\x81\x01" + b"\x42\x82\x84webm" + b"\x42\x87\x81\x04"
    webm = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(ebml_body)]) + ebml_body + b"\x18\x53\x80\x67"
    assert add(kat, "clip.webm", webm + os.urandom(256)).content_type == "video/webm"

    matroska_body = b"\x42\x82\x88matroska"
    matroska = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(matroska_body)]) + matroska_body
    refused("unsupported_media", kat, "clip.webm", matroska + os.urandom(64))


def test_thumbnail_failure_stores_nothing(kat, media_root, settings):
    # A size name that cannot be a file name makes storing the thumbnails fail after the
    # original was written: the original must go again.
    settings.SOUK_THUMBNAIL_SIZES = {"small": 160, "../../../escape": 480}
    with pytest.raises(Exception):  # noqa: B017 - the storage's SuspiciousFileOperation
        add(kat, "photo.jpg", image_bytes())
    assert stored_files(media_root) == []
    assert not MediaItem.objects.exists()


def test_primary_reorder_and_delete(kat, media_root, django_capture_on_commit_callbacks):
    first = add(kat, "1.jpg", image_bytes())
    second = add(kat, "2.png", image_bytes("PNG"))
    third = add(kat, "3.jpg", image_bytes())
    assert [(i.position, i.is_primary) for i in (first, second, third)] == [
        (0, True),
        (1, False),
        (2, False),
    ]

    media_set_primary(item=third, actor=kat.user)
    assert list(MediaItem.objects.filter(is_primary=True)) == [third]

    media_reorder(owner=kat, ordered_ids=[third.pk, first.pk, second.pk], actor=kat.user)
    assert list(MediaItem.objects.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]

    with pytest.raises(InvalidInput) as caught:
        media_reorder(owner=kat, ordered_ids=[third.pk, first.pk], actor=kat.user)
    assert caught.value.code == "invalid_order"
    assert caught.value.details["missing"] == [second.pk]

    third_files = [third.file.name, *third.thumbnails.values()]
    with django_capture_on_commit_callbacks(execute=True):
        media_delete(item=third, actor=kat.user)
    assert not MediaItem.objects.filter(pk=third.pk).exists()
    for name in third_files:
        assert not (media_root / "fire_test" / name).exists()
    # The next item in order took over as primary.
    assert list(MediaItem.objects.filter(is_primary=True)) == [first]
    assert len(stored_files(media_root)) == 8


def test_listing_media_and_ownership(kat, fire, media_root):
    listing = make_listing(kat)
    item = add(listing, "show.jpg", image_bytes())
    assert item.listing_id == listing.pk and item.is_primary
    assert item.file.name.startswith(f"media/listings/{listing.pk}/")

    other = make_provider("rival@example.com")
    with pytest.raises(NotAllowed):
        media_add(owner=listing, upload=upload("x.jpg", image_bytes()), actor=other.user)
    with pytest.raises(NotAllowed):
        media_set_primary(item=item, actor=other.user)
    with pytest.raises(NotAllowed):
        media_delete(item=item, actor=other.user)
    assert MediaItem.objects.count() == 1


def test_media_per_owner_limit(kat, settings, media_root):
    settings.SOUK_MAX_MEDIA_PER_OWNER = 2
    add(kat, "1.jpg", image_bytes())
    add(kat, "2.jpg", image_bytes())
    with pytest.raises(BusinessRuleViolation) as caught:
        add(kat, "3.jpg", image_bytes())
    assert caught.value.code == "too_many_media"
    assert len(stored_files(media_root)) == 8
