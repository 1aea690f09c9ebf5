"""Seamline: the operating system of small-batch apparel."""

__version__ = "0.1.0"
