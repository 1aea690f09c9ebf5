"""What the floor announces to the contexts above it (core.hooks)."""

from seamline.core.hooks import Hook

__all__ = ["garments_packed"]

# run(order) inside the packing's transaction: passports are issued for what was packed.
garments_packed = Hook("garments packed")
