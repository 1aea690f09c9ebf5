"""Traceability ledger engines: GS1 EPCIS 2.0 event hashing and schema validation (no Django)."""
