from bookings.models.booking import RELEASED_STATES, Actor, Booking, BookingEvent
from bookings.models.deliveries import Delivery, DeliveryFile
from bookings.models.disputes import Dispute, DisputeEvidence
from bookings.models.messages import Message, Thread, ThreadReadMark
from bookings.models.notifications import Notification
from bookings.models.payment import BookingPayment
from bookings.models.reviews import Review, ReviewReport, ReviewReportEvent
from bookings.models.sessions import LiveSession
from bookings.models.streams import Gift, GiftSent, LiveStream, LiveStreamEvent
from bookings.models.tickets import Attendee, TicketLine

__all__ = [
    "RELEASED_STATES",
    "Actor",
    "Attendee",
    "Booking",
    "BookingEvent",
    "BookingPayment",
    "Delivery",
    "DeliveryFile",
    "Dispute",
    "DisputeEvidence",
    "Gift",
    "GiftSent",
    "LiveSession",
    "LiveStream",
    "LiveStreamEvent",
    "Message",
    "Notification",
    "Review",
    "ReviewReport",
    "ReviewReportEvent",
    "Thread",
    "TicketLine",
    "ThreadReadMark",
]
