from bookings.models.booking import RELEASED_STATES, Actor, Booking, BookingEvent
from bookings.models.conversation import Message, Notification, Thread, ThreadReadMark
from bookings.models.fulfilment import Attendee, Delivery, DeliveryFile, LiveSession
from bookings.models.payment import BookingPayment
from bookings.models.trust import (
    Dispute,
    DisputeEvidence,
    Review,
    ReviewReport,
    ReviewReportEvent,
)

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
    "LiveSession",
    "Message",
    "Notification",
    "Review",
    "ReviewReport",
    "ReviewReportEvent",
    "Thread",
    "ThreadReadMark",
]
