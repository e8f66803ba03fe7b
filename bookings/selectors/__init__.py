"""Every read of the bookings engine, one module per feature; each takes what scopes it
(the viewer, filters) and owns its joins, so lists run a constant number of queries."""
