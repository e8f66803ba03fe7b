from tests.support.sandboxes import fastpay_sandbox, fib_books, fib_sandbox  # noqa: F401
