"""Local sandboxes of the payment providers: small HTTP servers that speak each provider's
protocol, keep state per payment, and let a test or the demo decide the outcome.

They are separate programs (``python -m sandboxes.<provider> --port N``), reached over real
HTTP by the real drivers; nothing in Souk imports them.
"""
