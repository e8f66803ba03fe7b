"""Messages: attachments judged by content (never decoded from their headers alone), served to
the parties only, stripped of their metadata.
"""

import io

import pytest
from django_tenants.utils import tenant_context
from PIL import Image

from bookings.models import Message
from tests.bookings.messaging import ask, post_with_files, provider_listing
from tests.bookings.test_files import (
    GPS_IFD,
    MAKE,
    ORIENTATION,
    download,
    junk_before_scan,
    many_block_gif,
    named,
    phone_photo,
    scan,
)
from tests.support.client import assert_error
from tests.support.factories.bookings import party
from tests.support.files import gif_headers


def _png(size=(20, 10)) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(data, format="PNG")
    data.seek(0)
    data.name = "photo.png"
    return data


def test_attachments_are_judged_by_content_and_served_to_the_parties_only(
    fire, settings, tmp_path, clear_rates
):
    provider, _, listing = provider_listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    thread_id = ask(customer, listing).json()["thread"]["id"]

    sent = post_with_files(customer, thread_id, body="Our venue", attachment=_png())
    assert sent.status_code == 201, sent.content
    attachment = sent.json()["attachment"]
    assert attachment["content_type"] == "image/png"
    assert attachment["name"] == "photo.png"
    with tenant_context(fire):
        stored = Message.objects.get(pk=sent.json()["id"]).attachment.name
    assert stored.startswith(f"messages/{thread_id}/") and stored.endswith(".png")
    # Private: outside MEDIA_ROOT, under the marketplace's prefix.
    assert (tmp_path / "private" / fire.schema_name / stored).exists()

    download = provider.api.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert_error(party(fire).api.get(attachment["url"]), 404)

    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    pdf.name = "rider.pdf"
    sent = post_with_files(customer, thread_id, attachment=pdf)
    assert sent.status_code == 201, sent.content
    assert sent.json()["attachment"]["content_type"] == "application/pdf"
    assert sent.json()["body"] == ""

    settings.SOUK_MESSAGE_ATTACHMENT_MAX_BYTES = 20
    assert_error(post_with_files(customer, thread_id, attachment=_png()), 400, "file_too_large")
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id).count() == 3


def test_an_attachment_loses_its_metadata_but_not_its_pixels_or_orientation(fire, clear_rates):
    provider, _, listing = provider_listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    thread_id = ask(customer, listing).json()["thread"]["id"]
    photo = phone_photo()

    sent = post_with_files(customer, thread_id, attachment=named("venue.jpg", photo))

    assert sent.status_code == 201, sent.content
    attachment = sent.json()["attachment"]
    assert attachment["content_type"] == "image/jpeg"
    received = download(provider, attachment["url"])
    # The same compressed pixels: nothing was decoded or re-encoded.
    assert scan(received) == scan(photo)
    with Image.open(io.BytesIO(received)) as image:
        exif = image.getexif()
        assert dict(exif) == {ORIENTATION: 6}
        assert exif.get_ifd(GPS_IFD) == {}
        assert "comment" not in image.info
        assert image.size == (64, 48)
    assert len(received) < len(photo)


@pytest.mark.parametrize(
    ("fmt", "save", "left_out"),
    [
        ("PNG", {"pnginfo": "GPS 51.5 N"}, b"tEXt"),
        ("WEBP", {"exif": "exif"}, b"EXIF"),
        ("GIF", {"comment": b"shot at home"}, b"shot at home"),
    ],
)
def test_attachments_of_every_format_lose_their_metadata(fire, clear_rates, fmt, save, left_out):
    provider, _, listing = provider_listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    thread_id = ask(customer, listing).json()["thread"]["id"]
    image = Image.effect_noise((40, 30), 60).convert("RGB" if fmt != "GIF" else "P")
    options = dict(save)
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", save["pnginfo"])
        options["pnginfo"] = info
    if fmt == "WEBP":
        exif = Image.Exif()
        exif[MAKE] = "PhoneMaker"
        options["exif"] = exif
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    original = out.getvalue()
    assert left_out in original

    sent = post_with_files(customer, thread_id, attachment=named(f"a.{fmt.lower()}", original))

    assert sent.status_code == 201, sent.content
    received = download(provider, sent.json()["attachment"]["url"])
    assert left_out not in received
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(received)) as after:
        assert after.format == fmt
        assert after.tobytes() == before.tobytes()


def test_an_attachment_is_judged_from_its_headers_and_never_decoded(fire, clear_rates):
    """Three 2000×1500 frames whose image data is junk: decoding any of it would fail
    (``corrupt_image``). Accepted as sent, it was never decoded; the limits still hold."""
    provider, _, listing = provider_listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    thread_id = ask(customer, listing).json()["thread"]["id"]
    junk = gif_headers(3, (2000, 1500))
    photo = phone_photo()

    sent = post_with_files(customer, thread_id, attachment=named("anim.gif", junk))

    assert sent.status_code == 201, sent.content
    assert download(provider, sent.json()["attachment"]["url"]) == junk
    for refused in (
        post_with_files(customer, thread_id, attachment=named("a.gif", many_block_gif())),
        post_with_files(customer, thread_id, attachment=named("a.jpg", junk_before_scan(photo))),
    ):
        assert "blocks" in assert_error(refused, 400, "corrupt_image")["message"]
    many = gif_headers(60, (2000, 1000))
    assert_error(
        post_with_files(customer, thread_id, attachment=named("b.gif", many)),
        400,
        "image_too_large_dimensions",
    )
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id, attachment="").count() == 1
