"""Domain errors: one code for programs, one Chinese sentence for the clerk."""


class DomainError(Exception):
    """A rule refused an action. Nothing was written."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.detail = detail


class ValidationError(DomainError):
    code = "validation_error"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class SoldOut(DomainError):
    code = "sold_out"


class NotFound(DomainError):
    code = "not_found"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class ProviderFailed(DomainError):
    """The payment provider refused or could not be reached; nothing was written."""

    code = "provider_failed"
