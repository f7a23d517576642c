"""Two to six scenario versions side by side against a chosen baseline: the key figures, the net
per calendar year, the benefits per actor and per life domain, each with its difference to the
baseline (``differences``, pure functions over results documents), drawn as charts with their
tables and downloads (``charts``); the page and the downloads (``forms``, ``views``) read the
versions a reader may compare and the results as that reader may see them."""
