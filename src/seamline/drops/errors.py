from seamline.core.errors import ConflictError, DomainError


class SoldOut(ConflictError):
    """The basket does not fit what is left; `shortfalls` maps SKU (or "run") to the units too many."""

    code = "sold-out"
    title = "Sold out"

    def __init__(self, detail: str, *, shortfalls: dict[str, int]) -> None:
        super().__init__(detail, fields={sku: f"{n} too many" for sku, n in shortfalls.items()})
        self.shortfalls = shortfalls


class DropClosed(ConflictError):
    code = "drop-closed"
    title = "The drop is not taking pre-orders"


class IdempotencyConflict(ConflictError):
    """The same Idempotency-Key came back with a different request body."""

    code = "idempotency-key-reused"
    title = "Idempotency-Key reused with a different request"


class PaymentFailed(DomainError):
    status = 402
    code = "payment-failed"
    title = "The payment was not accepted"


__all__ = ["DropClosed", "IdempotencyConflict", "PaymentFailed", "SoldOut"]
