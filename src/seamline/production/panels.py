"""The panels contexts above production add to an order's page (core.panels): its work and materials and
cut plans (cutting), its floor (floor), its mass balance (lineage), its passports (passport)."""

from seamline.core.panels import Panels

__all__ = ["ORDER_PANELS"]

ORDER_PANELS = Panels("order")
