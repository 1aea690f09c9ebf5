"""The panels contexts above drops add to a drop's dashboard (core.panels): its lead time to the doorstep
(delivery); and to the customer's order page: the link to follow its delivery (delivery)."""

from seamline.core.panels import Panels

__all__ = ["DROP_PANELS", "PREORDER_PANELS"]

DROP_PANELS = Panels("drop")
PREORDER_PANELS = Panels("pre-order")  # the customer's private order page; its subject is the pre-order
