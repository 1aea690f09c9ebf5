"""Cutting room: pattern import, nesting, marker outputs and cut-order planning."""
