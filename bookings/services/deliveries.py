"""deliveries of the bookings engine."""
