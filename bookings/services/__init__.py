"""Every write of the bookings engine, one module per feature. Importing this package loads
the modules that register the transitions' guards (bookings.services.effects, and limits
through creation); each step's effects are named by its definition in
bookings.services.steps."""

from bookings.services import (  # noqa: F401
    creation,
    deliveries,
    disputes,
    effects,
    messages,
    reviews,
    sessions,
    tickets,
)
