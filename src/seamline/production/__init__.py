"""Production orders: their breakdown, states and moves."""
