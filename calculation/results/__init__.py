"""The results of a calculation run as tables: each table declared once (``tables``), with the
rows it reads from a results document (``readers``) and the key figures (``figures``); typed
cells (``cells``), their text in the Dutch locale (``formats``) and the command line's rendering
(``text``). The results page, the API and the Excel workbook render from the same tables."""
