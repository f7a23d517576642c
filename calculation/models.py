"""Scenarios and calculation runs (DESIGN §4)."""
