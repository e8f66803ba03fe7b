from tests.support.sandboxes import fib_books, fib_sandbox  # noqa: F401 (fixtures)
