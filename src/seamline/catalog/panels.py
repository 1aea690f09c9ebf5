"""The panels contexts above the catalog add to its pages (core.panels): a style's pattern versions and
orders, a roll's downstream from the ledger."""

from seamline.core.panels import Panels

__all__ = ["ROLL_PANELS", "STYLE_PANELS"]

STYLE_PANELS = Panels("style")
ROLL_PANELS = Panels("roll")
