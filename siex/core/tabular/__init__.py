"""Bounded reading of uploaded tables (CSV and XLSX) for every import of SIEX: the file's size,
type, encoding, delimiter, rows and columns held to the limits in the settings
(``SIEX_IMPORT_MAX_BYTES``, ``SIEX_IMPORT_MAX_ROWS``, ``SIEX_IMPORT_MAX_COLUMNS``), column names
normalised, and cells read the Dutch way (numbers, dates). What the columns mean is the importer's
business, not this package's."""
