"""Filters of the audit pages (django-filter): user, action, period, kind of record, record id."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siex.core.forms import DateField

from . import selectors
from .models import AccessAction, AccessLogEntry

# The id of the <datalist> of usernames the page offers as suggestions.
USERNAMES_LIST = "audit-usernames"


class DateFilter(django_filters.DateFilter):
    """A day typed as 31-03-2026, as in every date field of SIEX (not the browser's date picker,
    whose notation follows the browser's language)."""

    field_class = DateField


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number."""

    field_class = forms.IntegerField


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class PeriodFilterSet(django_filters.FilterSet):
    """From and until are whole days in the municipality's time zone, both included. They become
    a range on the timestamp itself (not on its date), so the timestamp's index is used."""

    date_from = DateFilter(label=_("From"), method="filter_from")
    date_until = DateFilter(label=_("Until"), method="filter_until")

    def filter_from(self, queryset, name, value):
        return queryset.filter(timestamp__gte=_start_of(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(timestamp__lt=_start_of(value + timedelta(days=1)))

    def is_valid(self):
        valid = super().is_valid()
        data = self.form.cleaned_data if valid else {}
        if (
            data.get("date_from")
            and data.get("date_until")
            and data["date_until"] < data["date_from"]
        ):
            self.form.add_error("date_until", _("The end of the period lies before its start."))
            return False
        return valid


class AccessLogFilter(PeriodFilterSet):
    user = django_filters.CharFilter(
        field_name="username",
        label=_("User"),
        help_text=_("The exact username."),
        widget=forms.TextInput(attrs={"list": USERNAMES_LIST, "autocomplete": "off"}),
    )
    action = django_filters.ChoiceFilter(
        choices=AccessAction.choices, label=_("Action"), empty_label=_("All actions")
    )
    model = django_filters.ChoiceFilter(
        choices=selectors.access_log_model_choices,
        label=_("Kind of data"),
        empty_label=_("All kinds"),
    )
    record = IdFilter(
        label=_("Record id"),
        method="filter_record",
        min_value=1,
        help_text=_(
            "Entries that name this record. Large exports store the number of records and "
            "the filter instead of each id."
        ),
    )

    class Meta:
        model = AccessLogEntry
        fields = ["user", "action", "date_from", "date_until", "model", "record"]

    def filter_record(self, queryset, name, value):
        record = int(value)
        if connection.vendor == "postgresql":
            # jsonb containment, answered from the GIN index on object_ids.
            return queryset.filter(object_ids__contains=[record])
        # SQLite (the embedded demo) has no JSON containment: look inside each list.
        # The table name is the model's own; the record id is a query parameter.
        contains = RawSQL(  # noqa: S611 - the model's own table name; the id is a parameter
            f'EXISTS (SELECT 1 FROM json_each("{AccessLogEntry._meta.db_table}"."object_ids") '  # noqa: S608 - as above
            "WHERE json_each.value = %s)",
            (record,),
            output_field=BooleanField(),
        )
        return queryset.alias(names_record=contains).filter(names_record=True)


class ChangeHistoryFilter(PeriodFilterSet):
    user = django_filters.CharFilter(
        field_name="actor__username",
        label=_("User"),
        help_text=_("The exact username."),
        widget=forms.TextInput(attrs={"list": USERNAMES_LIST, "autocomplete": "off"}),
    )
    action = django_filters.ChoiceFilter(
        choices=selectors.CHANGE_ACTIONS, label=_("Action"), empty_label=_("All actions")
    )
    # Its choices are the kinds of record the signed-in user may read (set in __init__).
    model = django_filters.ChoiceFilter(
        choices=(),
        label=_("Kind of record"),
        empty_label=_("All kinds"),
        method="filter_model",
    )
    record = IdFilter(field_name="object_id", label=_("Record id"), min_value=1)

    class Meta:
        model = LogEntry
        fields = ["user", "action", "date_from", "date_until", "model", "record"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["model"].extra["choices"] = selectors.change_history_model_choices(
            self.request.user
        )

    def filter_model(self, queryset, name, value):
        app_label, model = value.split(".", 1)
        return queryset.filter(Q(content_type__app_label=app_label, content_type__model=model))
