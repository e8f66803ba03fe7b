"""reviews of the bookings engine."""
