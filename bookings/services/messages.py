"""messages of the bookings engine."""
