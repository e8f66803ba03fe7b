from tests.support.iraqi import (  # noqa: F401
    areeba_books,
    areeba_sandbox,
    iraqi_sandboxes,
    nasswallet_books,
    nasswallet_sandbox,
    receiver,
)
from tests.support.sandboxes import fastpay_sandbox, fib_books, fib_sandbox  # noqa: F401
from tests.support.stripe_books import stripe_books  # noqa: F401
from tests.support.stripe_sandbox import stripe_sandbox, webhook_inbox  # noqa: F401
