"""The panels contexts above drops add to a drop's dashboard (core.panels): its lead time to the doorstep
(delivery)."""

from seamline.core.panels import Panels

__all__ = ["DROP_PANELS"]

DROP_PANELS = Panels("drop")
