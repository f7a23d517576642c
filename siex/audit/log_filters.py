"""A logging filter that masks search texts and references in the query strings of log lines.

The development server (logger ``django.server``) writes every request line with its query
string. SIEX keeps the municipality's own reference out of addresses, but an address typed or
linked by hand can still hold one, so the values of ``q`` and of any parameter whose name holds
"reference" are masked before a line is written — also when the query string is itself encoded
in another parameter (``?next=/huishoudens/%3Fq%3D...``). Gunicorn's access log leaves query
strings out altogether (``gunicorn.conf.py``).
"""

from __future__ import annotations

import logging
import re

from .masks import MASK, SENSITIVE_PARAMETER

# A parameter's start (after ?, & or ;, or their encoded forms %3F and %26), its name, the equals
# sign (or %3D) and its value up to the next parameter, white space or quote.
_PARAMETER = re.compile(
    r"(?P<start>[?&;]|%3F|%26)"
    rf"(?P<name>q|[\w.%-]*{SENSITIVE_PARAMETER}[\w.%-]*)"
    r"(?P<equals>=|%3D)"
    r"(?P<value>(?:(?!%26)[^&;\s\"'#])*)",
    re.IGNORECASE,
)


def masked_query_strings(text: str) -> str:
    """``text`` with the value of every search text and reference parameter replaced by ***."""

    def mask(match: re.Match) -> str:
        if not match["value"]:
            return match[0]
        return f"{match['start']}{match['name']}{match['equals']}{MASK}"

    return _PARAMETER.sub(mask, text)


class QueryStringMaskFilter(logging.Filter):
    """Masks search texts and references in a record's message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = masked_query_strings(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                masked_query_strings(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.args, dict):
            record.args = {
                key: masked_query_strings(arg) if isinstance(arg, str) else arg
                for key, arg in record.args.items()
            }
        return True
