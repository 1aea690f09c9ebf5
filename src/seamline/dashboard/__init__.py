"""The dashboard: an organization's open orders, fabric on hand and facilities, at a glance."""
