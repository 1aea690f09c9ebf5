"""(being written)"""


def register_panels() -> None:
    """Add this module's panels to the pages of lower contexts."""
