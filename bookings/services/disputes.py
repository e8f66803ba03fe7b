"""disputes of the bookings engine."""
