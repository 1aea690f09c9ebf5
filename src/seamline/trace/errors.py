"""The ledger's own errors (beside core.errors' ValidationError and ConflictError)."""

from seamline.core.errors import DomainError

__all__ = ["CaptureTooLarge"]


class CaptureTooLarge(DomainError):
    """A capture with more events than the ledger takes at once (GS1: CaptureLimitExceededException)."""

    status = 413
    code = "capture-limit-exceeded"
    title = "Capture payload too large"
