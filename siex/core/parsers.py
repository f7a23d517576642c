"""How the API reads a request body (REST framework's ``DEFAULT_PARSER_CLASSES``)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from siex.core.forms import json_document


class JsonDocumentParser(JSONParser):
    """Every JSON request body of the API, read as the upload pages and ``manage.py calculate``
    read a JSON file (``siex.core.forms.json_document``): the same messages for a number too long
    or too large, NaN, or nesting too deep, and never an error the API cannot answer (REST
    framework's own reader lets a deeply nested body through as a RecursionError, and reads 1e999
    as infinity).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return json_document(stream.read())
        except DjangoValidationError as error:
            raise ParseError(" ".join(error.messages)) from error
