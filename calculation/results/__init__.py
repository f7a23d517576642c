"""The results of a calculation run as tables: each table declared once (``tables``), typed cells
(``cells``), their text in the Dutch locale (``formats``) and the command line's rendering
(``text``). The results page, the API and the Excel workbook render from the same tables."""
