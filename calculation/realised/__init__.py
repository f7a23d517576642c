"""Realised returns (gerealiseerd rendement): outcome events valued with a scenario version's frozen
catalogue, set against the forecast for the same households (realisation degree), transitions
between assessment levels and the comparison group. See ``docs/realised-returns.md``.

``arithmetic`` is pure (events and engine inputs in, rows out); ``selectors`` reads the database.
"""
