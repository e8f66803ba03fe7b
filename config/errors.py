"""Domain errors raised by services; the API maps each to one status and error shape."""

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class InvalidInput(ServiceError):
    status = 400
    code = "invalid"

    @classmethod
    def of_field(cls, message: str, field_name: str, code: str = "invalid") -> "InvalidInput":
        """A refusal of one field's value: the message, also as that field's detail."""
        return cls(message, code=code, details={field_name: [message]})


class NotAllowed(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class StateConflict(ServiceError):
    status = 409
    code = "conflict"


class BusinessRuleViolation(ServiceError):
    status = 422
    code = "rule_violated"


class AuthenticationFailed(ServiceError):
    status = 401
    code = "authentication_failed"


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"
