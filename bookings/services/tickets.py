"""tickets of the bookings engine."""
