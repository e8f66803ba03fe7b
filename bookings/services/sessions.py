"""sessions of the bookings engine."""
