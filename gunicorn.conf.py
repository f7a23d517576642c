"""Gunicorn's settings for SIEX. Gunicorn reads this file by itself when it starts in the project
folder (the web container; ``gunicorn siex.wsgi:application`` from a shell).

The access log names the path without its query string. The register and the API keep the
municipality's own reference out of addresses (it is searched by POST), but an address typed or
linked by hand can still hold one, and a web server's log is no place for it.
"""

# Apache's combined format with the request line's path instead of its full address (%(U)s, not
# %(r)s), and without the referring page, whose address could hold a query string too.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
