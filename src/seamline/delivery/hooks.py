"""What local delivery announces to the contexts above it (core.hooks)."""

from seamline.core.hooks import Hook

__all__ = ["routes_planned"]

# run(routes) inside the plan's saving transaction: the footprint gives each route its kg CO2e.
routes_planned = Hook("routes planned")
