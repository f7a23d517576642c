"""The result tables (``cells.ResultTable``) as the API writes them: columns, rows of typed
cells with their value and their text in the language of the request."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .cells import KIND_VALUES, Cell, Kind, Row
from .formats import cell_text


class ResultColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    # A field named "label": the serializer's metaclass takes declared fields off the class, so it
    # does not replace Field.label; the stubs do not know that.
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=list(KIND_VALUES))
    decimals = serializers.IntegerField(source="places")


class ResultCellSerializer(serializers.Serializer):
    value = serializers.JSONField(
        allow_null=True,
        help_text=gettext_lazy(
            "A number (euros, a count, a fraction for a percentage or share, a year), a text, "
            "true or false, a list of years, or null for no value."
        ),
    )
    kind = serializers.ChoiceField(choices=list(KIND_VALUES))
    decimals = serializers.IntegerField()
    text = serializers.SerializerMethodField(
        help_text=gettext_lazy("The value as SIEX shows it, in the language of the request.")
    )

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, cell: Cell) -> str:
        return cell_text(cell)


class ResultRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("The code of what the row is about: an actor, a year, a figure."),
    )
    cells = ResultCellSerializer(
        many=True,
        help_text=gettext_lazy(
            "One per column; a cell left empty (a total that is not summed) has the value null "
            'and the text "".'
        ),
    )
    note = serializers.CharField(allow_null=True)

    def to_representation(self, instance: Row) -> dict:
        blank = Cell(None, Kind.TEXT, missing="")
        cells = tuple(blank if cell is None else cell for cell in instance.cells)
        return super().to_representation(replace(instance, cells=cells))


class ResultTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    explanation = serializers.CharField()
    facts = serializers.BooleanField(
        help_text=gettext_lazy("A list of measures with a value each, rather than a grid.")
    )
    columns = ResultColumnSerializer(many=True)
    rows = ResultRowSerializer(many=True)
    totals = ResultRowSerializer(allow_null=True)
    empty = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("What to say when the table has no rows.")
    )
