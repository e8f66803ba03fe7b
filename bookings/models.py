# Bookings, orders, tickets and metered sessions arrive with the bookings engine.
