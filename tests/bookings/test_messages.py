"""Messages: inquiry and booking threads, read receipts and unread counts, masking of contact
details until payment, attachments judged by content, and the per-sender rate limit."""

import io
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from bookings.models import Booking, Message, Notification, Thread
from bookings.services import booking_mark_paid
from bookings.services.messages import message_rate_keys
from tests.bookings.conftest import assert_error, party, provider_party, staff_party
from tests.bookings.factories import listing_of
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
from tests.factories import tenant_context
from tests.media.conftest import gif_headers

PHONE_AND_MAIL = "Call me on 0770 123 4567 or write to ali.k@example.iq, thanks"


@pytest.fixture
def clear_rates():
    """Forget the rate counters of the users a test names, before and after it."""
    named: list = []

    def clear(marketplace, *users):
        named.extend((marketplace, user) for user in users)
        _drop(marketplace, users)

    yield clear
    for marketplace, user in named:
        _drop(marketplace, [user])


def _drop(marketplace, users):
    with tenant_context(marketplace):
        for user in users:
            # The current minute and day, and the windows around them a test may travel to.
            for moment in (time.time() + step for step in (-60, 0, 60, 120)):
                cache.delete_many(message_rate_keys(user_id=user.pk, now=moment))


def _listing(marketplace, type_slug, **fields):
    provider, profile = provider_party(marketplace)
    with tenant_context(marketplace):
        listing = listing_of(type_slug, provider=profile, **fields)
    return provider, profile, listing


def _ask(customer, listing, body="Are you free on 12 June?"):
    return customer.api.post("/api/v1/threads/", {"listing_id": listing.pk, "body": body})


def _png(size=(20, 10)) -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(data, format="PNG")
    data.seek(0)
    data.name = "photo.png"
    return data


def _multipart(who, thread_id, **fields):
    return who.api.client.post(f"/api/v1/threads/{thread_id}/messages/", fields)


def test_inquiry_thread_read_receipts_and_unread_counts(fire, clear_rates):
    provider, _, listing = _listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user, provider.user)

    first = _ask(customer, listing)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] is True
    thread_id = body["thread"]["id"]
    assert body["thread"]["listing"] == {"id": listing.pk, "title": listing.title}
    assert body["thread"]["booking"] is None
    assert body["message"]["from_you"] is True
    # Asking again reuses the same inquiry thread.
    again = _ask(customer, listing, "And on the 13th?")
    assert again.status_code == 200, again.content
    assert again.json()["created"] is False and again.json()["thread"]["id"] == thread_id

    threads = provider.api.get("/api/v1/threads/").json()["results"]
    assert [t["id"] for t in threads] == [thread_id]
    assert threads[0]["unread_count"] == 2
    assert threads[0]["your_role"] == "provider"
    assert threads[0]["last_message"]["body"] == "And on the 13th?"
    assert provider.api.get("/api/v1/threads/unread/").json() == {"unread": 2}
    assert customer.api.get("/api/v1/threads/unread/").json() == {"unread": 0}
    # One feed entry for the provider, counting the unread messages.
    with tenant_context(fire):
        entry = Notification.objects.get(user=provider.user, kind="new_message")
        assert entry.data == {"thread_id": thread_id, "count": 2}
        assert entry.emailed_at is None

    page = provider.api.get(f"/api/v1/threads/{thread_id}/messages/").json()
    assert [m["body"] for m in page["results"]] == ["Are you free on 12 June?", "And on the 13th?"]
    assert [m["read"] for m in page["results"]] == [False, False]
    newest = page["results"][-1]["id"]
    # The customer sees that nothing was read yet.
    mine = customer.api.get(f"/api/v1/threads/{thread_id}/messages/").json()
    assert mine["read_by_other_up_to"] == 0 and not any(m["read"] for m in mine["results"])

    read = provider.api.post(f"/api/v1/threads/{thread_id}/read/")
    assert read.status_code == 200, read.content
    assert read.json() == {"last_read_message_id": newest, "unread_total": 0}
    mine = customer.api.get(f"/api/v1/threads/{thread_id}/messages/").json()
    assert mine["read_by_other_up_to"] == newest
    assert all(m["read"] for m in mine["results"])
    with tenant_context(fire):
        assert Notification.objects.get(user=provider.user, kind="new_message").read_at
    # Marks never move back.
    provider.api.post(f"/api/v1/threads/{thread_id}/read/", {"up_to": 1})
    assert customer.api.get(f"/api/v1/threads/{thread_id}/").json()["read_by_other_up_to"] == (
        newest
    )

    reply = provider.api.post(f"/api/v1/threads/{thread_id}/messages/", {"body": "Yes, I am."})
    assert reply.status_code == 201, reply.content
    assert customer.api.get("/api/v1/threads/unread/").json() == {"unread": 1}
    listed = customer.api.get("/api/v1/threads/").json()["results"][0]
    assert listed["unread_count"] == 1 and listed["last_message"]["body"] == "Yes, I am."


def test_only_the_parties_write_staff_read_and_strangers_get_404(fire, talent, clear_rates):
    provider, _, listing = _listing(fire, "performance")
    customer, stranger, staff = party(fire), party(fire), staff_party(fire)
    clear_rates(fire, customer.user, staff.user, stranger.user)
    thread_id = _ask(customer, listing).json()["thread"]["id"]
    base = f"/api/v1/threads/{thread_id}"

    for who in (stranger, party(talent)):
        assert_error(who.api.get(f"{base}/"), 404, "thread_not_found")
        assert_error(who.api.get(f"{base}/messages/"), 404, "thread_not_found")
        assert_error(who.api.post(f"{base}/messages/", {"body": "hi"}), 404, "thread_not_found")
        assert_error(who.api.post(f"{base}/read/"), 404, "thread_not_found")
        assert who.api.get("/api/v1/threads/").json()["results"] == []
    # Another marketplace's listing id means nothing here.
    assert_error(_ask(party(talent), listing), 404, "listing_not_found")

    assert staff.api.get(f"{base}/messages/").status_code == 200
    assert_error(staff.api.post(f"{base}/messages/", {"body": "hi"}), 403, "staff_read_only")
    assert_error(staff.api.post(f"{base}/read/"), 403, "staff_read_only")
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id).count() == 1


def test_bad_input_writes_nothing(fire, clear_rates):
    provider, profile, listing = _listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user, provider.user)

    assert_error(customer.api.post("/api/v1/threads/", {"listing_id": listing.pk}), 400)
    assert_error(
        customer.api.post(
            "/api/v1/threads/", {"listing_id": listing.pk, "provider_id": profile.pk, "body": "x"}
        ),
        400,
        "invalid_subject",
    )
    assert_error(
        customer.api.post("/api/v1/threads/", {"provider_id": 999999, "body": "x"}),
        404,
        "provider_not_found",
    )
    assert_error(_ask(provider, listing), 422, "own_listing")
    with tenant_context(fire):
        assert not Thread.objects.filter(listing=listing).exists()

    thread_id = customer.api.post(
        "/api/v1/threads/", {"provider_id": profile.pk, "body": "Hello"}
    ).json()["thread"]["id"]
    url = f"/api/v1/threads/{thread_id}/messages/"
    assert_error(customer.api.post(url, {"body": "   "}), 400, "empty_message")
    assert_error(customer.api.post(url, {"body": "x" * 5001}), 400)
    assert_error(customer.api.get(url, {"before": "abc"}), 400, "invalid_cursor")
    assert_error(customer.api.get(url, {"before": 5, "after": 1}), 400, "invalid_cursor")
    assert_error(customer.api.post(f"/api/v1/threads/{thread_id}/read/", {"up_to": -1}), 400)
    text = io.BytesIO(b"just some text, not an image")
    text.name = "notes.png"
    assert_error(_multipart(customer, thread_id, attachment=text), 400, "unsupported_attachment")
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id).count() == 1


def test_attachments_are_judged_by_content_and_served_to_the_parties_only(
    fire, settings, tmp_path, clear_rates
):
    provider, _, listing = _listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    thread_id = _ask(customer, listing).json()["thread"]["id"]

    sent = _multipart(customer, thread_id, body="Our venue", attachment=_png())
    assert sent.status_code == 201, sent.content
    attachment = sent.json()["attachment"]
    assert attachment["content_type"] == "image/png"
    assert attachment["name"] == "photo.png"
    with tenant_context(fire):
        stored = Message.objects.get(pk=sent.json()["id"]).attachment.name
    assert stored.startswith(f"messages/{thread_id}/") and stored.endswith(".png")
    # Private: outside MEDIA_ROOT, under the marketplace's prefix.
    assert (tmp_path / "private" / fire.schema_name / stored).exists()

    download = provider.api.client.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert_error(party(fire).api.client.get(attachment["url"]), 404)

    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    pdf.name = "rider.pdf"
    sent = _multipart(customer, thread_id, attachment=pdf)
    assert sent.status_code == 201, sent.content
    assert sent.json()["attachment"]["content_type"] == "application/pdf"
    assert sent.json()["body"] == ""

    settings.SOUK_MESSAGE_ATTACHMENT_MAX_BYTES = 20
    assert_error(_multipart(customer, thread_id, attachment=_png()), 400, "file_too_large")
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id).count() == 3


def test_contact_details_are_masked_until_the_booking_is_paid(talent, clear_rates):
    provider, _, listing = _listing(talent, "quoted-service")
    customer = party(talent)
    clear_rates(talent, customer.user, provider.user)
    created = customer.api.post("/api/v1/bookings/", {"listing_id": listing.pk, "note": "Wedding"})
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]

    thread = customer.api.get(f"/api/v1/bookings/{booking_id}/thread/")
    assert thread.status_code == 200, thread.content
    thread = thread.json()
    assert thread["booking"]["id"] == booking_id and thread["contact_details_hidden"] is True
    assert provider.api.get(f"/api/v1/bookings/{booking_id}/thread/").json()["id"] == thread["id"]
    assert_error(party(talent).api.get(f"/api/v1/bookings/{booking_id}/thread/"), 404)

    url = f"/api/v1/threads/{thread['id']}/messages/"
    sent = customer.api.post(url, {"body": PHONE_AND_MAIL})
    assert sent.status_code == 201, sent.content
    hidden = "[بيانات الاتصال مخفية حتى دفع الحجز]"  # the marketplace's language: Arabic
    masked = f"Call me on {hidden} or write to {hidden}, thanks"
    # Hidden for both sides, the sender included; stored as written.
    assert sent.json()["body"] == masked and sent.json()["masked"] is True
    assert provider.api.get(url).json()["results"][0]["body"] == masked
    assert customer.api.get("/api/v1/threads/").json()["results"][0]["last_message"]["body"] == (
        masked
    )
    with tenant_context(talent):
        assert Message.objects.get(pk=sent.json()["id"]).body == PHONE_AND_MAIL

    provider.api.post(
        f"/api/v1/bookings/{booking_id}/transitions/quote/", {"price_minor": 50_000_000}
    )
    customer.api.post(f"/api/v1/bookings/{booking_id}/transitions/accept/")
    assert provider.api.get(url).json()["results"][0]["body"] == masked
    with tenant_context(talent):
        booking = Booking.objects.get(pk=booking_id)
        booking_mark_paid(
            booking_id=booking_id,
            amount_minor=booking.buyer_total_minor,
            currency=booking.currency,
            reference="pay-1",
        )
    for who in (provider, customer):
        page = who.api.get(url).json()
        assert page["contact_details_hidden"] is False
        assert page["results"][0]["body"] == PHONE_AND_MAIL
        assert page["results"][0]["masked"] is False


def test_contact_details_are_never_masked_where_the_marketplace_does_not_mask(events, clear_rates):
    _, _, listing = _listing(events, "ticketed-event")
    customer = party(events)
    clear_rates(events, customer.user)
    sent = _ask(customer, listing, PHONE_AND_MAIL)
    assert sent.status_code == 201, sent.content
    assert sent.json()["message"]["body"] == PHONE_AND_MAIL
    assert sent.json()["thread"]["contact_details_hidden"] is False


def test_senders_are_rate_limited_per_minute_and_per_day(fire, settings, clear_rates):
    settings.SOUK_MESSAGE_RATE_PER_MINUTE = 3
    settings.SOUK_MESSAGE_RATE_PER_DAY = 5
    provider, _, listing = _listing(fire, "performance")
    customer = party(fire)
    # Early in a minute at noon UTC: the test's minutes and day are the windows it means.
    start = timezone.now().replace(hour=12, minute=0, second=1, microsecond=0).timestamp()
    with time_machine.travel(start, tick=False):
        clear_rates(fire, customer.user, provider.user)
        thread_id = _ask(customer, listing).json()["thread"]["id"]
        url = f"/api/v1/threads/{thread_id}/messages/"
        assert customer.api.post(url, {"body": "two"}).status_code == 201
        assert customer.api.post(url, {"body": "three"}).status_code == 201
        refused = assert_error(
            customer.api.post(url, {"body": "four"}), 429, "message_rate_limited"
        )
        assert refused["details"]["window"] == "minute"
        assert 0 < refused["details"]["retry_after"] <= 60
        # Another sender has their own count.
        assert provider.api.post(url, {"body": "reply"}).status_code == 201
    with time_machine.travel(start + 61, tick=False):
        assert customer.api.post(url, {"body": "five"}).status_code == 201
        # The refused message counted too: 3 + 1 refused + 1 = 5 today.
        refused = assert_error(customer.api.post(url, {"body": "six"}), 429)
        assert refused["details"]["window"] == "day"
        _drop(fire, [customer.user, provider.user])
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id, sender=customer.user).count() == 4


def _threads_for(provider_profile, count):
    from tests.factories import VerifiedUserFactory

    for _ in range(count):
        customer = VerifiedUserFactory()
        thread = Thread.objects.create(provider=provider_profile, customer=customer)
        Message.objects.create(thread=thread, sender=customer, body="Hello")
        Message.objects.create(thread=thread, sender=provider_profile.user, body="Hi")


def test_thread_list_runs_a_constant_number_of_queries(fire):
    provider, profile = provider_party(fire)
    with tenant_context(fire):
        _threads_for(profile, 1)
    provider.api.get("/api/v1/threads/")  # warm the per-process caches (routing, token)
    with CaptureQueriesContext(connection) as one:
        response = provider.api.get("/api/v1/threads/")
    assert len(response.json()["results"]) == 1
    with tenant_context(fire):
        _threads_for(profile, 9)
    with CaptureQueriesContext(connection) as ten:
        response = provider.api.get("/api/v1/threads/")
    results = response.json()["results"]
    assert len(results) == 10
    assert {t["unread_count"] for t in results} == {1}
    assert len(ten.captured_queries) == len(one.captured_queries)


def test_older_messages_page_by_cursor(fire):
    provider, profile = provider_party(fire)
    customer = party(fire)
    with tenant_context(fire):
        thread = Thread.objects.create(provider=profile, customer=customer.user)
        ids = [
            Message.objects.create(thread=thread, sender=customer.user, body=str(n)).pk
            for n in range(5)
        ]
    url = f"/api/v1/threads/{thread.pk}/messages/"
    newest = customer.api.get(url, {"limit": 2}).json()
    assert [m["id"] for m in newest["results"]] == ids[3:]
    assert (newest["has_older"], newest["has_newer"]) == (True, False)
    older = customer.api.get(url, {"limit": 2, "before": ids[3]}).json()
    assert [m["id"] for m in older["results"]] == ids[1:3]
    assert (older["has_older"], older["has_newer"]) == (True, True)
    newer = customer.api.get(url, {"limit": 10, "after": ids[1]}).json()
    assert [m["id"] for m in newer["results"]] == ids[2:]
    assert (newer["has_older"], newer["has_newer"]) == (True, False)


@pytest.mark.parametrize(
    "text",
    [
        "+964 770 123 4567",
        "0770-123-4567",
        "077.012.34567",
        "(020) 7946 0958",
        "٠٧٧٠ ١٢٣ ٤٥٦٧",
        "me@example.com",
        "me at example dot com",
        "me (at) example (dot) co (dot) uk",
    ],
)
def test_masking_recognises_common_contact_formats(text):
    from bookings.selectors.messages import mask_contact_details

    masked, found = mask_contact_details(f"reach {text} today", replacement="[x]")
    assert (masked, found) == ("reach [x] today", True)


@pytest.mark.parametrize(
    "text", ["on 2027-06-12 at 19:00", "12.06.2027", "1 500 000 IQD", "80 guests for 3 hours"]
)
def test_masking_leaves_dates_and_amounts_alone(text):
    from bookings.selectors.messages import mask_contact_details

    assert mask_contact_details(text, replacement="[x]") == (text, False)


def test_a_new_inquiry_thread_after_a_day(fire, clear_rates):
    """The inquiry is one thread per customer, provider and listing, however long apart."""
    _, _, listing = _listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    first = _ask(customer, listing).json()["thread"]["id"]
    with time_machine.travel(timedelta(days=2)):
        clear_rates(fire, customer.user)
        assert _ask(customer, listing).json()["thread"]["id"] == first


# --- Images: never decoded in the request, metadata removed (bookings.files) ---------------


def test_an_attachment_loses_its_metadata_but_not_its_pixels_or_orientation(fire, clear_rates):
    provider, _, listing = _listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    thread_id = _ask(customer, listing).json()["thread"]["id"]
    photo = phone_photo()

    sent = _multipart(customer, thread_id, attachment=named("venue.jpg", photo))

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
    provider, _, listing = _listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    thread_id = _ask(customer, listing).json()["thread"]["id"]
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

    sent = _multipart(customer, thread_id, attachment=named(f"a.{fmt.lower()}", original))

    assert sent.status_code == 201, sent.content
    received = download(provider, sent.json()["attachment"]["url"])
    assert left_out not in received
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(received)) as after:
        assert after.format == fmt
        assert after.tobytes() == before.tobytes()


def test_an_attachment_is_judged_from_its_headers_and_never_decoded(fire, clear_rates):
    """Three 2000×1500 frames whose image data is junk: decoding any of it would fail
    (``corrupt_image``). Accepted as sent, it was never decoded; the limits still hold."""
    provider, _, listing = _listing(fire, "performance")
    customer = party(fire)
    clear_rates(fire, customer.user)
    thread_id = _ask(customer, listing).json()["thread"]["id"]
    junk = gif_headers(3, (2000, 1500))
    photo = phone_photo()

    sent = _multipart(customer, thread_id, attachment=named("anim.gif", junk))

    assert sent.status_code == 201, sent.content
    assert download(provider, sent.json()["attachment"]["url"]) == junk
    for refused in (
        _multipart(customer, thread_id, attachment=named("a.gif", many_block_gif())),
        _multipart(customer, thread_id, attachment=named("a.jpg", junk_before_scan(photo))),
    ):
        assert "blocks" in assert_error(refused, 400, "corrupt_image")["message"]
    many = gif_headers(60, (2000, 1000))
    assert_error(
        _multipart(customer, thread_id, attachment=named("b.gif", many)),
        400,
        "image_too_large_dimensions",
    )
    with tenant_context(fire):
        assert Message.objects.filter(thread_id=thread_id, attachment="").count() == 1
