"""The indicators of the neighbourhood photo (wijkfoto): their versioned definitions, their values
per area and period, the imports those came from, and the context notes that explain a series."""
