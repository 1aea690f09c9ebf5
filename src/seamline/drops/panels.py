"""The panels contexts above drops add to a drop's dashboard (core.panels): its lead time to the doorstep
(delivery); to the customer's order page: the link to follow its delivery (delivery); and to the drop's public
page: what changed because of the comments of its live fittings (fitting);
to the drop form: when a run funded today would be delivered (planning)."""

from seamline.core.panels import Panels

__all__ = ["DROP_FORM_PANELS", "DROP_PANELS", "DROP_PUBLIC_PANELS", "PREORDER_PANELS"]

DROP_PANELS = Panels("drop")
PREORDER_PANELS = Panels("pre-order")  # the customer's private order page; its subject is the pre-order
DROP_PUBLIC_PANELS = Panels("public drop")  # the drop's public page, for anyone; its subject is the drop
DROP_FORM_PANELS = Panels("drop form")  # the new drop's form (planning's what-if); its subject: the form
