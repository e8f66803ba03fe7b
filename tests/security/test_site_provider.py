"""The provider's pages (/provider/…) show and change only their own marketplace: a fire
provider's session replayed on talent's host is nobody there, and a talent provider given
fire's booking, listing and media ids finds nothing and changes nothing."""

from django.conf import settings
from django_tenants.utils import tenant_context

from bookings.models import Booking, Message
from bookings.selectors.messages import thread_id_of_booking
from bookings.services.messages import message_send
from catalog.models import Listing
from tests.support.client import api
from tests.support.factories.bookings import provider_party
from tests.support.factories.catalog import listing_of
from tests.support.site_provider import date_request, site_client

SECRET = "Fireonly Quillbrand"


def _fire_booking(fire):
    provider, pages, booking_id = date_request(fire)
    with tenant_context(fire):
        booking = Booking.objects.select_related("listing", "provider").get(pk=booking_id)
        Listing.objects.filter(pk=booking.listing_id).update(title=SECRET)
        booking.provider.display_name = SECRET
        booking.provider.save(update_fields=["display_name"])
        draft = listing_of("performance", provider=booking.provider, title=f"{SECRET} draft",
                           status=Listing.Status.DRAFT, published_at=None)  # fmt: skip
        thread_id = thread_id_of_booking(booking_id=booking.pk)
        message_send(actor=booking.customer, thread_id=thread_id, body=f"{SECRET} asks")
    return pages, booking, draft, thread_id


def test_a_providers_session_on_another_host_is_nobody_there(fire, talent):
    pages, booking, _draft, thread_id = _fire_booking(fire)
    assert SECRET in pages.get(f"/provider/bookings/{booking.pk}/").content.decode()
    session = pages.cookies[settings.SESSION_COOKIE_NAME].value
    replay = api(talent, own_address=True, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session}")
    thread = f"/provider/messages/{thread_id}/"
    assert SECRET in pages.get(thread).content.decode()
    for path in ("/provider/", f"/provider/bookings/{booking.pk}/", "/provider/earnings/", thread):
        response = replay.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
        assert SECRET not in response.content.decode()
    accept = replay.post_form(f"/provider/bookings/{booking.pk}/step/", {"transition": "accept"})
    assert accept.status_code in (302, 403)
    assert replay.post_form(thread, {"body": "Replayed"}).status_code in (302, 403)
    with tenant_context(fire):
        assert Booking.objects.get(pk=booking.pk).state == "requested"
        assert not Message.objects.filter(body="Replayed").exists()


def test_another_marketplaces_ids_find_nothing_and_change_nothing(fire, talent):
    _pages, booking, draft, thread_id = _fire_booking(fire)
    talent_provider, _profile = provider_party(talent)
    pages = site_client(talent_provider)
    reads = (f"/provider/bookings/{booking.pk}/", f"/provider/listings/{draft.pk}/",
             f"/provider/listings/{booking.listing_id}/",
             f"/provider/messages/{thread_id}/")  # fmt: skip
    for path in reads:
        response = pages.get(path)
        assert response.status_code == 404, path
        assert SECRET not in response.content.decode()
    writes = {
        f"/provider/bookings/{booking.pk}/step/": {"transition": "decline", "decline-reason": "no"},
        f"/provider/bookings/{booking.pk}/deliver/": {"deliver-message": "x"},
        f"/provider/listings/{draft.pk}/status/": {"action": "publish"},
        f"/provider/listings/{draft.pk}/": {"title": "Taken", "category": "1"},
        f"/provider/listings/{draft.pk}/media/": {},
        f"/provider/messages/{thread_id}/": {"body": "Taken over"},
    }
    for path, data in writes.items():
        response = pages.post_form(path, data)
        assert response.status_code == 404, path
        assert SECRET not in response.content.decode()
    for path in ("/provider/", "/provider/bookings/", "/provider/listings/"):
        assert SECRET not in pages.get(path).content.decode()
    with tenant_context(fire):
        assert Booking.objects.get(pk=booking.pk).state == "requested"
        assert not Message.objects.filter(body="Taken over").exists()
        draft.refresh_from_db()
        assert (draft.status, draft.title) == (Listing.Status.DRAFT, f"{SECRET} draft")
