"""Images among the bookings' private files (deliverables, message attachments, dispute
evidence) are judged from their headers by the catalog's bounded walk and never decoded in the
request; attachments and evidence lose their metadata with their pixel data untouched.
Attachments are tested in test_messages.py with these helpers."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from bookings.models import Delivery, DisputeEvidence
from tests.bookings.test_disputes import _evidence
from tests.bookings.test_package_orders import _deliver, _paid_and_started, stored
from tests.support.client import assert_error
from tests.support.files import gif_headers, gif_in_tiny_sub_blocks
from tests.support.orders import paid_gig_order

GPS_IFD, ORIENTATION, MAKE = 0x8825, 0x0112, 0x010F


def named(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def many_block_gif() -> bytes:
    """A valid GIF (Pillow decodes it) whose image data is cut into 1-byte sub-blocks: more
    blocks than a file of its size has, which the header walk refuses."""
    noise = io.BytesIO()
    Image.effect_noise((300, 300), 100).convert("P").save(noise, format="GIF")
    rebuilt = gif_in_tiny_sub_blocks(noise.getvalue())
    with Image.open(io.BytesIO(rebuilt)) as image:
        image.load()
    return rebuilt


def junk_before_scan(jpeg: bytes, junk: int = 2 * 1024 * 1024) -> bytes:
    """The JPEG with stray bytes between its frame header and its scan: the catalog's header
    walk stops at the frame header, and Pillow skips them one at a time in Python."""
    sof = jpeg.index(b"\xff\xc0")
    cut = sof + 2 + int.from_bytes(jpeg[sof + 2 : sof + 4], "big")
    return jpeg[:cut] + b"\x00" * junk + jpeg[cut:]


def phone_photo() -> bytes:
    """A JPEG as a phone writes it: EXIF with a GPS position, the maker, an orientation (the
    camera was turned: 6 = rotate 90°), and a comment."""
    exif = Image.Exif()
    exif[ORIENTATION], exif[MAKE] = 6, "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (51.0, 30.0, 12.0)
    out = io.BytesIO()
    Image.effect_noise((64, 48), 60).convert("RGB").save(
        out, format="JPEG", exif=exif, comment=b"shot at home"
    )
    return out.getvalue()


def scan(jpeg: bytes) -> bytes:
    # Entropy-coded data stuffs every 0xFF, so the last FFDA is the start of the (one) scan.
    return jpeg[jpeg.rindex(b"\xff\xda") :]


def download(who, url: str) -> bytes:
    response = who.api.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


# --- Deliverables: kept byte for byte, after the header walk --------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [("art.gif", lambda: many_block_gif()), ("art.jpg", lambda: junk_before_scan(phone_photo()))],
)
def test_a_deliverable_image_of_more_blocks_than_its_size_allows_is_refused(
    gigs, media_root, name, make
):
    provider, _, booking_id = _paid_and_started(gigs)
    blocks = SimpleUploadedFile(name, make())

    body = assert_error(_deliver(provider, booking_id, files=[blocks]), 400, "corrupt_file")

    assert body["details"]["files"] == [f"{name}: this image is damaged."]
    assert stored(media_root) == []
    with tenant_context(gigs):
        assert not Delivery.objects.filter(booking_id=booking_id).exists()


def test_a_deliverable_image_is_kept_byte_for_byte(gigs, media_root):
    provider, customer, booking_id = _paid_and_started(gigs)
    photo = phone_photo()

    sent = _deliver(provider, booking_id, files=[SimpleUploadedFile("shot.jpg", photo)])

    assert sent.status_code == 201, sent.content
    with tenant_context(gigs):
        kept = Delivery.objects.get(booking_id=booking_id).files.get()
        assert kept.content_type == "image/jpeg"
        with kept.file.open("rb") as stored_file:
            assert stored_file.read() == photo


# --- Evidence: never decoded here, metadata removed -----------------------------------------


def test_evidence_is_judged_from_its_headers_and_loses_its_metadata(gigs, media_root):
    customer, provider, booking_id = paid_gig_order(gigs)
    opened = customer.api.post(f"/api/v1/bookings/{booking_id}/dispute/", {"reason": "Late."})
    assert opened.status_code == 201, opened.content
    junk = gif_headers(40, (1000, 800))
    photo = phone_photo()

    animation = _evidence(customer, booking_id, file=SimpleUploadedFile("a.gif", junk))
    shot = _evidence(customer, booking_id, file=SimpleUploadedFile("shot.jpg", photo))

    assert animation.status_code == 201, animation.content
    assert shot.status_code == 201, shot.content
    assert download(provider, animation.json()["file"]["url"]) == junk
    received = download(provider, shot.json()["file"]["url"])
    assert scan(received) == scan(photo)
    with Image.open(io.BytesIO(received)) as image:
        assert dict(image.getexif()) == {ORIENTATION: 6}
    refused = _evidence(customer, booking_id, file=SimpleUploadedFile("b.gif", many_block_gif()))
    assert_error(refused, 400, "corrupt_image")
    with tenant_context(gigs):
        assert DisputeEvidence.objects.filter(dispute__booking_id=booking_id).count() == 2
