"""No query string with a search text or reference reaches a web server's log: the development
server's lines are masked, gunicorn's access log leaves the query string out."""

import io
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

from siex.audit.log_filters import masked_query_strings

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = "WIJ-2024-00123"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            f"GET /huishoudens/?q={REFERENCE}&area=3 HTTP/1.1",
            "GET /huishoudens/?q=***&area=3 HTTP/1.1",
        ),
        (
            f"GET /api/v1/households/?page_size=5&reference={REFERENCE} HTTP/1.1",
            "GET /api/v1/households/?page_size=5&reference=*** HTTP/1.1",
        ),
        (
            f"GET /account/inloggen/?next=/huishoudens/%3Fq%3D{REFERENCE}%26area%3D3 HTTP/1.1",
            "GET /account/inloggen/?next=/huishoudens/%3Fq%3D***%26area%3D3 HTTP/1.1",
        ),
        (
            f"GET /x/?external_reference={REFERENCE};q=1 HTTP/1.1",
            "GET /x/?external_reference=***;q=*** HTTP/1.1",
        ),
        (
            "GET /huishoudens/?area=3&quarter=2 HTTP/1.1",
            "GET /huishoudens/?area=3&quarter=2 HTTP/1.1",
        ),
        ("GET /huishoudens/?q= HTTP/1.1", "GET /huishoudens/?q= HTTP/1.1"),
    ],
)
def test_search_texts_and_references_are_masked(line, expected):
    assert masked_query_strings(line) == expected


def test_the_development_server_log_masks_them(settings):
    """What runserver writes for a request, through the logging configuration of the settings."""
    stream = io.StringIO()
    handler = next(h for h in logging.getLogger("django.server").handlers)
    old_stream = handler.setStream(stream)
    try:
        request = SimpleNamespace()
        handler_self = WSGIRequestHandler.__new__(WSGIRequestHandler)
        handler_self.request = request
        handler_self.client_address = ("127.0.0.1", 50000)
        handler_self.requestline = f"GET /huishoudens/?q={REFERENCE} HTTP/1.1"
        handler_self.log_message('"%s" %s %s', handler_self.requestline, "200", "512")
        handler_self.log_message(
            '"%s" %s %s', f"GET /api/v1/households/?reference={REFERENCE} HTTP/1.1", "400", "90"
        )
    finally:
        handler.setStream(old_stream)
    written = stream.getvalue()
    assert "GET /huishoudens/?q=*** HTTP/1.1" in written
    assert "reference=***" in written
    assert REFERENCE not in written


def test_gunicorns_access_log_leaves_the_query_string_out():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    config.set("accesslog", "-")
    logger = Logger(config)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.setStream(stream)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/huishoudens/?q={REFERENCE}",
        "PATH_INFO": "/huishoudens/",
        "QUERY_STRING": f"q={REFERENCE}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://siex.example.nl/huishoudens/?q={REFERENCE}",
        "HTTP_USER_AGENT": "Firefox",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=512)
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12))
    written = stream.getvalue()
    assert '"GET /huishoudens/ HTTP/1.1" 200 512' in written
    assert REFERENCE not in written


def test_the_web_container_reads_that_configuration():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"--config", "gunicorn.conf.py"' in dockerfile
