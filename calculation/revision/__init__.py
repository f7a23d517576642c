"""The yearly revision (herziening) and the closing (afsluiting) of an exploitation (DESIGN §4).

``actuals`` reads what happened (registered volumes and paid costs; realised outcomes later),
``variance`` splits plan versus actual into volume, price and timing (pure, see
``docs/revision.md``), ``services`` makes revisions and closes, ``selectors`` reads the
comparisons, ``tables`` declares their tables once for the page, the API and the downloads.
"""
