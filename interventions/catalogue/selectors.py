"""Reads for the catalogue pages: the assumptions register (intervention types and outcomes with
every assumption, filtered by life domain and confidence grade), the change history of a record,
a plain-language explanation of each term, and the register as CSV and XLSX downloads.

The catalogue holds no household data, so every role (council members too) may read all of this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import django_filters
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils.formats import get_format
from django.utils.functional import Promise, lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siex.audit.selectors import field_changes
from siex.core.spreadsheets import (
    AMOUNT_FORMAT,
    csv_text,
    xlsx_append,
    xlsx_bytes,
    xlsx_cell,
    xlsx_sheet,
    xlsx_workbook,
)

from .models import (
    COST_PHASING_FIELDS,
    ConfidenceGrade,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    Outcome,
    OutcomeValue,
    ValueType,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
#: The change history shows at most this many entries, newest first.
HISTORY_LIMIT = 100

# --- Filters --------------------------------------------------------------------------------------


class _CatalogueFilter(django_filters.FilterSet):
    """Life domain and confidence grade, the two filters of the register (one query string for
    both lists)."""

    grade_field = ""

    life_domain = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Life domain"),
        queryset=LifeDomain.objects.all(),
        to_field_name="code",
        empty_label=gettext_lazy("All life domains"),
    )
    grade = django_filters.ChoiceFilter(
        label=gettext_lazy("Confidence grade"),
        choices=ConfidenceGrade.choices,
        empty_label=gettext_lazy("All grades"),
        method="filter_grade",
    )

    def filter_grade(self, queryset, name, value):
        return queryset.filter(**{self.grade_field: int(value)}) if value else queryset


class InterventionTypeFilter(_CatalogueFilter):
    grade_field = "cost_confidence_grade"

    class Meta:
        model = InterventionType
        fields = ["life_domain", "grade"]


class OutcomeFilter(_CatalogueFilter):
    grade_field = "confidence_grade"

    class Meta:
        model = Outcome
        fields = ["life_domain", "grade"]


# --- Lists and records ----------------------------------------------------------------------------


def intervention_types() -> QuerySet[InterventionType]:
    """Intervention types with everything the register shows, outcomes by success probability."""
    links = InterventionOutcome.objects.select_related("outcome").order_by(
        "-success_probability", "outcome__name_nl"
    )
    return InterventionType.objects.select_related(
        "life_domain", "paying_actor", "paying_budget_line__actor"
    ).prefetch_related(Prefetch("outcome_links", queryset=links))


def outcomes() -> QuerySet[Outcome]:
    """Outcomes with their values per actor."""
    values = OutcomeValue.objects.select_related("actor", "budget_line").order_by(
        "actor__sort_order", "actor__code", "value_type", "budget_line__code"
    )
    return Outcome.objects.select_related("life_domain").prefetch_related(
        Prefetch("values", queryset=values)
    )


def catalogue_summary() -> dict:
    """Counts for the start page: intervention types in use, outcomes, outcomes per grade."""
    return {
        "intervention_types": InterventionType.objects.filter(is_active=True).count(),
        "outcomes": Outcome.objects.count(),
        "outcomes_per_grade": list(
            Outcome.objects.values("confidence_grade")
            .annotate(n=Count("id"))
            .order_by("confidence_grade")
        ),
    }


def intervention_type_list(*, filters: dict | None = None) -> QuerySet[InterventionType]:
    return InterventionTypeFilter(filters or {}, queryset=intervention_types()).qs


def outcome_list(*, filters: dict | None = None) -> QuerySet[Outcome]:
    return OutcomeFilter(filters or {}, queryset=outcomes()).qs


def outcome_links_of(outcome: Outcome) -> QuerySet[InterventionOutcome]:
    """The intervention types that can bring ``outcome``, most likely first."""
    return (
        InterventionOutcome.objects.filter(outcome=outcome)
        .select_related("intervention_type")
        .order_by("-success_probability", "intervention_type__name_nl")
    )


def registration_count(intervention_type: InterventionType) -> int:
    """How many registered interventions use the type (for the project lead only)."""
    return intervention_type.registrations.count()


def outcome_choices() -> QuerySet[Outcome]:
    return Outcome.objects.select_related("life_domain").order_by("name_nl")


def percent(fraction: Decimal | None) -> Decimal | None:
    """A share 0-1 as a percentage 0-100 (success probabilities, cost shares)."""
    return None if fraction is None else Decimal(fraction) * HUNDRED


def cost_phasing_percentages(intervention_type: InterventionType) -> list[Decimal]:
    """The cost phasing as percentages per year after intake, without trailing zero years."""
    return [share * HUNDRED for share in intervention_type.cost_phasing]


def ramp_up_percentages(outcome: Outcome) -> list[Decimal]:
    return [Decimal(str(share)) * HUNDRED for share in outcome.ramp_up or []]


# --- Plain-language explanation -------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    anchor: str
    term: Promise
    explanation: Promise


GLOSSARY: tuple[Term, ...] = (
    Term(
        "unit-cost",
        gettext_lazy("Unit cost"),
        gettext_lazy(
            "What the intervention costs on average for one household, in euros at today's prices."
        ),
    ),
    Term(
        "cost-phasing",
        gettext_lazy("Cost phasing"),
        gettext_lazy(
            "How the unit cost is spread over the years after the household starts: “60% · 40%” "
            "means 60% in the year of intake and 40% in the year after. Together always 100%."
        ),
    ),
    Term(
        "paid-by",
        gettext_lazy("Paid by and budget line"),
        gettext_lazy(
            "The party that pays the intervention and, for the municipality, from which part of "
            "its budget."
        ),
    ),
    Term(
        "duration",
        gettext_lazy("Typical duration"),
        gettext_lazy("How long a household usually receives the intervention, in months."),
    ),
    Term(
        "success-probability",
        gettext_lazy("Success probability"),
        gettext_lazy(
            "The chance that a household receiving the intervention reaches the outcome. 35% "
            "means: of every 100 households, 35 are expected to reach it."
        ),
    ),
    Term(
        "lag",
        gettext_lazy("Lag"),
        gettext_lazy(
            "The number of years between the intake and the first year in which the outcome "
            "yields something. 0 means: already in the year of intake."
        ),
    ),
    Term(
        "effect-duration",
        gettext_lazy("Duration of the effect"),
        gettext_lazy("How many years the outcome lasts once it has started."),
    ),
    Term(
        "drop-off",
        gettext_lazy("Drop-off"),
        gettext_lazy(  # xgettext:no-python-format
            "The share of the effect that is lost every following year, for example because "
            "people fall back. With 20% drop-off, 80% of last year's effect remains each year."
        ),
    ),
    Term(
        "deadweight",
        gettext_lazy("Deadweight"),
        gettext_lazy(
            "The share of the outcome that would have happened anyway, also without the "
            "intervention. It is not counted as a result of the programme."
        ),
    ),
    Term(
        "attribution",
        gettext_lazy("Attribution to others"),
        gettext_lazy(
            "The share of the outcome that is owed to others: family, volunteers, other schemes "
            "or organisations. It is subtracted."
        ),
    ),
    Term(
        "displacement",
        gettext_lazy("Displacement"),
        gettext_lazy(
            "The share that only moves the problem elsewhere, for example a job another "
            "jobseeker would otherwise have found. It is subtracted."
        ),
    ),
    Term(
        "ramp-up",
        gettext_lazy("Ramp-up"),
        gettext_lazy(
            "How much of the full effect is reached in the first years of the effect: “50%” "
            "means half the effect in its first year and the full effect after that. Empty: the "
            "full effect from the first year."
        ),
    ),
    Term(
        "confidence-grade",
        gettext_lazy("Confidence grade"),
        gettext_lazy(
            "How well an assumption is founded, from 1 (audited evidence from the programme "
            "itself) to 6 (an expert's guess). A scenario cuts outcomes with a weaker grade down "
            "more (the optimism-bias cut)."
        ),
    ),
    Term(
        "value",
        gettext_lazy("Value per year per actor"),
        gettext_lazy(
            "What the outcome is worth in one year, for one household that reaches it, to one "
            "party (actor): the household itself, the municipality, the state, a health insurer, "
            "a housing corporation, an employer. A negative amount is a loss for that party."
        ),
    ),
    Term(
        "value-type",
        gettext_lazy("Value type"),
        gettext_lazy(
            "Fiscal, cashable: money that really stays in a public budget, such as a benefit "
            "that stops. Fiscal, not cashable: less use of public services whose cost does not "
            "drop at once, such as a team's time. Economic: income or production of households "
            "and businesses. Social: wellbeing and quality of life, expressed in money."
        ),
    ),
    Term(
        "transfer",
        gettext_lazy("Transfer"),
        gettext_lazy(
            "Money that only moves from one party to another, such as a benefit that stops: a "
            "gain for the municipality and an equal loss for the household. It counts in each "
            "party's own view but adds up to zero for society as a whole."
        ),
    ),
    Term(
        "source",
        gettext_lazy("Source"),
        gettext_lazy(
            "Where the assumption comes from. When a figure is an estimate, the source says so."
        ),
    ),
)


def confidence_grades() -> list[tuple[int, str]]:
    return [(grade.value, str(grade.label)) for grade in ConfidenceGrade]


# --- Change history -------------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    """One line of a record's change history: who, when, and which fields went from what to
    what. ``subject`` names the nested row (an outcome link, a value) the entry is about."""

    timestamp: datetime
    actor: str
    action: str
    subject: str = ""
    changes: list[dict[str, str]] = field(default_factory=list)


def plain_number(value: Decimal | float | int) -> str:
    """A number with the locale's decimal separator, no grouping, no trailing zeros."""
    number = Decimal(str(value))
    text = format(number.normalize() if number == number.to_integral() else number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def _child_ids(
    model: type[InterventionOutcome] | type[OutcomeValue], parent_field: str, parent: Model
) -> set[int]:
    """Ids of the nested rows that belong or belonged to ``parent``: the ones stored now and the
    ones the change log saw created or removed under it."""
    ids = set(model.objects.filter(**{parent_field: parent}).values_list("pk", flat=True))
    key = str(parent.pk)
    logged = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).filter(
        Q(**{f"changes__{parent_field}__0": key}) | Q(**{f"changes__{parent_field}__1": key})
    )
    ids.update(pk for pk in logged.values_list("object_id", flat=True) if pk is not None)
    return ids


def change_history(record: InterventionType | Outcome) -> list[HistoryEntry]:
    """Who changed ``record`` or its nested rows (outcome links or values per actor), when, and
    which fields from which value to which, newest first."""
    child_model: type[InterventionOutcome] | type[OutcomeValue]
    if isinstance(record, InterventionType):
        child_model, parent_field = InterventionOutcome, "intervention_type"
    else:
        child_model, parent_field = OutcomeValue, "outcome"
    own = ContentType.objects.get_for_model(type(record))
    child = ContentType.objects.get_for_model(child_model)
    entries = list(
        LogEntry.objects.filter(
            Q(content_type=own, object_id=record.pk)
            | Q(content_type=child, object_id__in=_child_ids(child_model, parent_field, record))
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:HISTORY_LIMIT]
    )
    history = []
    for entry, changes in zip(entries, field_changes(entries), strict=True):
        is_child = entry.content_type_id == child.pk
        actor = entry.actor.get_username() if entry.actor else _("system (file or command)")
        item = HistoryEntry(timestamp=entry.timestamp, actor=actor, action="")
        if entry.action == LogEntry.Action.CREATE:
            item.action = _("Added") if is_child else _("Created")
            item.subject = entry.object_repr if is_child else ""
        elif entry.action == LogEntry.Action.DELETE:
            item.action = _("Removed") if is_child else _("Deleted")
            item.subject = entry.object_repr
        else:
            item.action = _("Changed")
            item.subject = entry.object_repr if is_child else ""
            # In the words of the audit pages: labels, amounts in euros, decimal commas.
            item.changes = [
                {"field": capfirst(change.field), "old": change.old, "new": change.new}
                for change in changes
            ]
        history.append(item)
    return history


# --- Downloads ------------------------------------------------------------------------------------

TEXT, INTEGER, EURO, PERCENT, YES_NO = "text", "integer", "euro", "percent", "yes_no"


@dataclass(frozen=True)
class Column:
    header: StrOrPromise
    kind: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """One table of the register as a download: ``slug`` names it in the URL and the file."""

    slug: str
    title: Promise
    columns: tuple[Column, ...]
    rows: Callable[[dict], Iterable[Any]]

    def values(self, filters: dict) -> list[list[Any]]:
        return [[column.value(row) for column in self.columns] for row in self.rows(filters)]


def _cost_share_header_text(n: int) -> str:
    return _("Share of cost in year %(n)s (%%)") % {"n": n}


_cost_share_header = lazy(_cost_share_header_text, str)


def _cost_share(name: str) -> Callable[[InterventionType], Decimal | None]:
    """One year's cost share as a percentage, read from that year's field."""
    return lambda t: percent(getattr(t, name))


def _budget_line_name(line) -> str:
    return line.name_nl if line else ""


def _grade_label(grade: int) -> str:
    return str(ConfidenceGrade(grade).label)


def _link_rows(filters: dict) -> Iterable[InterventionOutcome]:
    for intervention_type in intervention_type_list(filters=filters):
        yield from intervention_type.outcome_links.all()


def _value_rows(filters: dict) -> Iterable[OutcomeValue]:
    for outcome in outcome_list(filters=filters):
        for value in outcome.values.all():
            value.outcome = outcome
            yield value


TABLES: dict[str, Table] = {
    table.slug: table
    for table in (
        Table(
            "interventies",
            gettext_lazy("Interventions"),
            (
                Column(gettext_lazy("Code"), TEXT, lambda t: t.code),
                Column(gettext_lazy("Intervention"), TEXT, lambda t: t.name_nl),
                Column(gettext_lazy("Provider"), TEXT, lambda t: t.provider),
                Column(gettext_lazy("Life domain"), TEXT, lambda t: t.life_domain.name_nl),
                Column(gettext_lazy("Unit cost (EUR)"), EURO, lambda t: t.unit_cost),
                *(
                    Column(_cost_share_header(n), PERCENT, _cost_share(name))
                    for n, name in enumerate(COST_PHASING_FIELDS, start=1)
                ),
                Column(gettext_lazy("Paid by"), TEXT, lambda t: t.paying_actor.name_nl),
                Column(
                    gettext_lazy("Budget line"),
                    TEXT,
                    lambda t: _budget_line_name(t.paying_budget_line),
                ),
                Column(
                    gettext_lazy("Typical duration (months)"),
                    INTEGER,
                    lambda t: t.typical_duration_months,
                ),
                Column(
                    gettext_lazy("Confidence grade of the unit cost"),
                    INTEGER,
                    lambda t: t.cost_confidence_grade,
                ),
                Column(
                    gettext_lazy("Meaning of the grade"),
                    TEXT,
                    lambda t: _grade_label(t.cost_confidence_grade),
                ),
                Column(gettext_lazy("Source of the unit cost"), TEXT, lambda t: t.cost_source),
                Column(gettext_lazy("In use"), YES_NO, lambda t: t.is_active),
                Column(gettext_lazy("Description"), TEXT, lambda t: t.description),
            ),
            lambda filters: intervention_type_list(filters=filters),
        ),
        Table(
            "slagingskansen",
            gettext_lazy("Success probabilities"),
            (
                Column(
                    gettext_lazy("Intervention code"),
                    TEXT,
                    lambda link: link.intervention_type.code,
                ),
                Column(
                    gettext_lazy("Intervention"), TEXT, lambda link: link.intervention_type.name_nl
                ),
                Column(gettext_lazy("Outcome code"), TEXT, lambda link: link.outcome.code),
                Column(gettext_lazy("Outcome"), TEXT, lambda link: link.outcome.name_nl),
                Column(
                    gettext_lazy("Success probability (%)"),
                    PERCENT,
                    lambda link: percent(link.success_probability),
                ),
                Column(gettext_lazy("Note"), TEXT, lambda link: link.note),
            ),
            _link_rows,
        ),
        Table(
            "effecten",
            gettext_lazy("Outcomes"),
            (
                Column(gettext_lazy("Code"), TEXT, lambda o: o.code),
                Column(gettext_lazy("Outcome"), TEXT, lambda o: o.name_nl),
                Column(gettext_lazy("Life domain"), TEXT, lambda o: o.life_domain.name_nl),
                Column(gettext_lazy("Lag (years)"), INTEGER, lambda o: o.lag_years),
                Column(gettext_lazy("Duration (years)"), INTEGER, lambda o: o.duration_years),
                Column(gettext_lazy("Drop-off per year (%)"), PERCENT, lambda o: o.drop_off_pct),
                Column(gettext_lazy("Deadweight (%)"), PERCENT, lambda o: o.deadweight_pct),
                Column(
                    gettext_lazy("Attribution to others (%)"), PERCENT, lambda o: o.attribution_pct
                ),
                Column(gettext_lazy("Displacement (%)"), PERCENT, lambda o: o.displacement_pct),
                Column(
                    gettext_lazy(  # xgettext:no-python-format
                        "Ramp-up (% of the full effect per year)"
                    ),
                    TEXT,
                    lambda o: "; ".join(plain_number(p) for p in ramp_up_percentages(o)),
                ),
                Column(gettext_lazy("Confidence grade"), INTEGER, lambda o: o.confidence_grade),
                Column(
                    gettext_lazy("Meaning of the grade"),
                    TEXT,
                    lambda o: _grade_label(o.confidence_grade),
                ),
                Column(gettext_lazy("Source"), TEXT, lambda o: o.source),
                Column(gettext_lazy("Description"), TEXT, lambda o: o.description),
            ),
            lambda filters: outcome_list(filters=filters),
        ),
        Table(
            "waarderingen",
            gettext_lazy("Values per actor"),
            (
                Column(gettext_lazy("Outcome code"), TEXT, lambda v: v.outcome.code),
                Column(gettext_lazy("Outcome"), TEXT, lambda v: v.outcome.name_nl),
                Column(gettext_lazy("Actor"), TEXT, lambda v: v.actor.name_nl),
                Column(
                    gettext_lazy("Budget line"), TEXT, lambda v: _budget_line_name(v.budget_line)
                ),
                Column(
                    gettext_lazy("Value type"),
                    TEXT,
                    lambda v: str(ValueType(v.value_type).label),
                ),
                Column(gettext_lazy("Transfer"), YES_NO, lambda v: v.is_transfer),
                Column(gettext_lazy("Amount per year (EUR)"), EURO, lambda v: v.annual_amount),
                Column(gettext_lazy("Note"), TEXT, lambda v: v.note),
            ),
            _value_rows,
        ),
    )
}


def _csv_cell(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return ""
    if kind == YES_NO:
        return _("yes") if value else _("no")
    if kind == EURO:
        return Decimal(value).quantize(CENT)
    if kind in (INTEGER, PERCENT):
        return Decimal(str(value)).normalize()  # no trailing zeros
    return str(value)


def table_csv(table: Table, filters: dict) -> str:
    """A table as CSV for a spreadsheet in the current language: with a decimal comma (Dutch) the
    columns are separated by semicolons, as Excel expects; starts with a byte-order mark so that
    Excel reads UTF-8."""
    separator = get_format("DECIMAL_SEPARATOR")
    rows = (
        [_csv_cell(value, column.kind) for value, column in zip(row, table.columns, strict=True)]
        for row in table.values(filters)
    )
    return csv_text(
        [column.header for column in table.columns],
        rows,
        delimiter=";" if separator == "," else ",",
        decimal_separator=separator,
    )


def _xlsx_cell(sheet, value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == YES_NO:
        return _("yes") if value else _("no")
    if kind == EURO:
        return xlsx_cell(sheet, Decimal(value), number_format=AMOUNT_FORMAT)
    if kind == PERCENT:
        return Decimal(value)
    if kind == INTEGER:
        return int(value)
    return str(value) if value != "" else None


def register_xlsx(filters: dict) -> bytes:
    """The register as a workbook: one sheet per table and one that explains the terms."""
    from openpyxl.styles import Alignment

    workbook = xlsx_workbook()
    for table in TABLES.values():
        sheet = xlsx_sheet(
            workbook,
            table.title,
            [column.header for column in table.columns],
            widths=[14 if column.kind != TEXT else 30 for column in table.columns],
        )
        for row in table.values(filters):
            xlsx_append(
                sheet,
                [
                    _xlsx_cell(sheet, value, column.kind)
                    for value, column in zip(row, table.columns, strict=True)
                ],
            )
    sheet = xlsx_sheet(workbook, _("Explanation of terms"), [_("Term"), _("Explanation")])
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    explained = [(term.term, term.explanation) for term in GLOSSARY] + [
        (_("Confidence grade %(grade)s") % {"grade": grade}, label)
        for grade, label in confidence_grades()
    ]
    for term, explanation in explained:
        xlsx_append(sheet, [term, xlsx_cell(sheet, explanation, alignment=wrap)])
    return xlsx_bytes(workbook)
