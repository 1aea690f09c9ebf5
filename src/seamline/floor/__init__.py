"""The floor after the cut: bundles sewn into serialized garments, finishing steps, QC, packing, shipping and
delivery, each recorded in the ledger."""
