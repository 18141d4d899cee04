"""Replay Investigator: an offline investigator for exported web-session archives."""

__version__ = "0.1.0"
