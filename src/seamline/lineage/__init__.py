"""Lineage: what reads the ledger across contexts. A garment's journey back to its rolls, a roll's
downstream, an order's mass balance and EPCIS export, and their pictures."""
