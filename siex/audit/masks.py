"""What the logs never hold, and what they write in its place. No Django imports: the logging
configuration reads this before the apps are loaded (``log_filters.py``)."""

# Any query parameter whose name contains this is stored as MASK: a municipality's own reference
# is what the pseudonym hides, so it never reaches the log.
SENSITIVE_PARAMETER = "reference"
MASK = "***"
# Stored as the value of a search that was refused because it looked like a BSN: the log records
# that the search was refused, never what was typed.
SEARCH_REFUSED = "refused:bsn"
