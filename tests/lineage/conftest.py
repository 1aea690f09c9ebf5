"""The lineage tests read the ledger of orders taken from roll to doorstep (the trace tests' fixtures)."""

from tests.trace.conftest import delivered, sewn

__all__ = ["delivered", "sewn"]
