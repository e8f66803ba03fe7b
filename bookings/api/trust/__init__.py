"""Reviews (with report and appeal) and disputes: the trust endpoints of the bookings API."""
