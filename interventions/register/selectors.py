"""Reads for the register: the list, a household with its interventions, the start page's counts
and tasks, and the participating households per wijk for council members."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from interventions.catalogue.models import ZERO, InterventionType
from monitoring.models import Area
from monitoring.selectors import current_districts
from monitoring.suppression import DisclosureRules, protect_line
from siex.audit.masks import MASK

from .extensions import ExpectedReturn, expected_return
from .models import Household, Intervention, InterventionStatus
from .pseudonyms import pseudonymise, validate_reference


def participating(on: date | None = None) -> Q:
    """Households whose participation has started and not ended on ``on`` (default today)."""
    on = on or timezone.localdate()
    return Q(participation_start__lte=on) & (
        Q(participation_end__isnull=True) | Q(participation_end__gte=on)
    )


def register_summary(*, visible: QuerySet[Household], on: date | None = None) -> dict[str, int]:
    """Counts of the households ``visible`` to the user (``scopes.households_visible_to``) for
    the start page."""
    interventions = Intervention.objects.filter(household__in=visible)
    return {
        "households": visible.count(),
        "participating": visible.filter(participating(on)).count(),
        "interventions": interventions.count(),
        "active_interventions": interventions.filter(status=InterventionStatus.ACTIVE).count(),
    }


# --- A policy officer's next tasks (start page) ---------------------------------------------------

# A household has no follow-up when nothing has happened for it for this many days.
FOLLOW_UP_DAYS = 90
# Statuses of an intervention that has not ended.
NOT_ENDED = (InterventionStatus.PLANNED, InterventionStatus.ACTIVE)
TASKS_SHOWN = 10


class Task:
    """The register list's filter of a task (``?task=…``)."""

    NO_FOLLOW_UP = "no_follow_up"
    PAST_PLANNED_END = "past_planned_end"


def without_follow_up(on: date | None = None) -> Q:
    """Households without follow-up on ``on`` (default today): participating, with no
    intervention planned or active, and none registered or changed in the last FOLLOW_UP_DAYS
    days — also a household that has had no intervention at all yet."""
    on = on or timezone.localdate()
    since = timezone.make_aware(datetime.combine(on - timedelta(days=FOLLOW_UP_DAYS), time.min))
    activity = Intervention.objects.filter(household=OuterRef("pk")).filter(
        Q(status__in=NOT_ENDED) | Q(updated_at__gte=since)
    )
    # Q & Exists is a Q (Django combines any conditional expression); the stubs allow only Q & Q.
    return participating(on) & ~Exists(activity)  # type: ignore[return-value]


def past_planned_end(on: date | None = None) -> Q:
    """Interventions still planned or active whose end date has passed."""
    on = on or timezone.localdate()
    return Q(status__in=NOT_ENDED, end_date__lt=on)


def with_intervention_past_planned_end(on: date | None = None) -> Exists:
    """Households with an intervention past its planned end (``past_planned_end``)."""
    return Exists(Intervention.objects.filter(past_planned_end(on), household=OuterRef("pk")))


@dataclass
class TaskList:
    """The first rows of a task and whether there are more (no COUNT over the register)."""

    rows: list
    has_more: bool


def _first(queryset, limit: int) -> TaskList:
    rows = list(queryset[: limit + 1])
    return TaskList(rows=rows[:limit], has_more=len(rows) > limit)


def officer_tasks(
    *, visible: QuerySet[Household], on: date | None = None, limit: int = TASKS_SHOWN
) -> dict[str, TaskList]:
    """A policy officer's next tasks among the households ``visible`` to them: households
    without follow-up, longest in the programme first, and interventions past their planned end,
    the longest overdue first."""
    return {
        Task.NO_FOLLOW_UP: _first(
            visible.filter(without_follow_up(on))
            .select_related("area")
            .order_by("participation_start", "id"),
            limit,
        ),
        Task.PAST_PLANNED_END: _first(
            Intervention.objects.filter(past_planned_end(on), household__in=visible)
            .select_related("household", "intervention_type")
            .order_by("end_date", "id"),
            limit,
        ),
    }


def participating_per_district(*, rules: DisclosureRules, on: date | None = None) -> dict:
    """Participating households per wijk through disclosure control (small cells hidden, counts
    and the total rounded): safe for a council member."""
    districts = list(
        current_districts().annotate(
            participating=Count("households", filter=_participating_via_relation(on))
        )
    )
    counts = [district.participating for district in districts]
    shown = protect_line(counts, rules)
    return {
        "rows": [
            {"area": district, "inhabitants": district.inhabitants, "participating": value}
            for district, value in zip(districts, shown.cells, strict=True)
        ],
        "total": shown.total,
        "rounding": rules.rounding,
    }


def _participating_via_relation(on: date | None) -> Q:
    on = on or timezone.localdate()
    return Q(households__participation_start__lte=on) & (
        Q(households__participation_end__isnull=True) | Q(households__participation_end__gte=on)
    )


# --- The household register (policy officers' list and household page) --------------------------


class ParticipationStatus:
    """Where a household stands in the programme on a day."""

    PARTICIPATING = "participating"
    ENDED = "ended"
    NOT_STARTED = "not_started"


REGISTER_ORDERINGS = {
    # key: (fields, label); every ordering ends on the primary key, so pages never overlap.
    "-participation_start": ("-participation_start", "-id"),
    "participation_start": ("participation_start", "id"),
    "pseudonym": ("pseudonym",),
    "area": ("area__name", "-participation_start", "-id"),
    "-updated_at": ("-updated_at", "-id"),
}
DEFAULT_REGISTER_ORDERING = "-participation_start"
# Counting every match of a broad search is what makes a list of 30,000 slow; beyond this the
# list says "more than".
REGISTER_COUNT_CAP = 1000
_HEX = re.compile(r"^[0-9a-f]{4,64}$")


@dataclass(frozen=True)
class RegisterQuery:
    """The register list's search and filters, validated by forms.RegisterFilterForm."""

    text: str = ""
    area: Area | None = None
    income_source: str = ""
    debt_situation: str = ""
    participation: str = ""
    intervention_type: InterventionType | None = None
    task: str = ""
    ordering: str = DEFAULT_REGISTER_ORDERING

    def is_search(self) -> bool:
        return bool(
            self.text
            or self.area
            or self.income_source
            or self.debt_situation
            or self.participation
            or self.intervention_type
            or self.task
        )

    def for_log(self, *, text_shown: bool = True) -> dict:
        """The filters for the access log. The search text is kept when it is the start of a
        pseudonym that the list's address shows (``text_shown``); any other text is masked, as it
        may be an own reference."""
        logged = {
            "area": self.area.code if self.area else "",
            "income_source": self.income_source,
            "debt_situation": self.debt_situation,
            "participation": self.participation,
            "intervention_type": self.intervention_type.code if self.intervention_type else "",
            "task": self.task,
            "ordering": self.ordering,
        }
        if self.text:
            shown = text_shown and _HEX.match(self.text.lower())
            logged["text"] = self.text if shown else MASK
        return {key: value for key, value in logged.items() if value}


def _text_filter(text: str) -> Q:
    """A search text in the list's address matches the start of a pseudonym or the name of a
    wijk. The municipality's own reference is never in an address: ``register_search_text``
    turns it into the pseudonym of its household before the list is asked for."""
    condition = Q(area__name__icontains=text)
    lowered = text.lower()
    if _HEX.match(lowered):
        condition |= Q(pseudonym__startswith=lowered)
    return condition


def register_search_text(text: str, *, visible: QuerySet[Household]) -> str | None:
    """What the register list's address may carry for a text an officer typed, or None when it
    may carry nothing (then the text matches no household).

    A search goes in by POST, so what was typed reaches no address, browser history or web server
    log. Typed is one of three things: the municipality's own reference, which becomes the
    pseudonym of the household registered under it; the start of a pseudonym; or part of a wijk's
    name. The last two may stay in the address, but only when they match something: a reference
    of a household that is not registered is also a valid text (and may well be all digits, like
    the start of a pseudonym), and an address is no place for it. The reference is refused before
    this point when it looks like a BSN.
    """
    text = text.strip()
    if not text:
        return ""
    try:
        reference = validate_reference(text)
    except ValidationError:
        reference = None
    if reference is not None:
        pseudonym = pseudonymise(reference)
        if visible.filter(pseudonym=pseudonym).exists():
            return pseudonym
    lowered = text.lower()
    if _HEX.match(lowered) and visible.filter(pseudonym__startswith=lowered).exists():
        return lowered
    if current_districts().filter(name__icontains=text).exists():
        return text
    return None


def participation_filter(status: str, on: date | None = None) -> Q:
    on = on or timezone.localdate()
    if status == ParticipationStatus.PARTICIPATING:
        return participating(on)
    if status == ParticipationStatus.ENDED:
        return Q(participation_end__lt=on)
    if status == ParticipationStatus.NOT_STARTED:
        return Q(participation_start__gt=on)
    return Q()


def household_search(query: RegisterQuery, *, visible: QuerySet[Household]) -> QuerySet[Household]:
    """The households of ``visible`` (``scopes.households_visible_to``) that match ``query``."""
    households = visible.select_related("area")
    if query.text:
        households = households.filter(_text_filter(query.text))
    if query.area:
        households = households.filter(area=query.area)
    if query.income_source:
        households = households.filter(income_source=query.income_source)
    if query.debt_situation:
        households = households.filter(debt_situation=query.debt_situation)
    if query.participation:
        households = households.filter(participation_filter(query.participation))
    if query.intervention_type:
        households = households.filter(
            Exists(
                Intervention.objects.filter(
                    household=OuterRef("pk"), intervention_type=query.intervention_type
                )
            )
        )
    if query.task == Task.NO_FOLLOW_UP:
        households = households.filter(without_follow_up())
    elif query.task == Task.PAST_PLANNED_END:
        households = households.filter(with_intervention_past_planned_end())
    ordering = REGISTER_ORDERINGS.get(query.ordering, REGISTER_ORDERINGS[DEFAULT_REGISTER_ORDERING])
    return households.order_by(*ordering)


@dataclass
class RegisterPage:
    households: list[Household]
    number: int
    size: int
    has_next: bool
    count: int
    count_capped: bool

    @classmethod
    def empty(cls, *, size: int) -> RegisterPage:
        """The page of a search that was not carried out."""
        return cls(households=[], number=1, size=size, has_next=False, count=0, count_capped=False)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.households else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.size + len(self.households)


def register_page(
    query: RegisterQuery, *, visible: QuerySet[Household], number: int = 1, size: int = 50
) -> RegisterPage:
    """One page of the register with the number of interventions per household.

    No COUNT over the whole register: one row more than the page tells whether there is a next
    page, and the number of matches is counted up to REGISTER_COUNT_CAP only.
    """
    households = household_search(query, visible=visible)
    offset = (number - 1) * size
    rows = list(households[offset : offset + size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    if rows:
        counts = dict(
            Intervention.objects.filter(household__in=[row.pk for row in rows])
            .values_list("household")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            row.intervention_count = counts.get(row.pk, 0)
    capped = households.order_by()[: REGISTER_COUNT_CAP + 1].count()
    return RegisterPage(
        households=rows,
        number=number,
        size=size,
        has_next=has_next,
        count=min(capped, REGISTER_COUNT_CAP),
        count_capped=capped > REGISTER_COUNT_CAP,
    )


@dataclass
class HouseholdOverview:
    household: Household
    interventions: list[Intervention]
    cost_registered: Decimal
    cost_estimated: Decimal
    expected: ExpectedReturn | None

    @property
    def cost_so_far(self) -> Decimal:
        return self.cost_registered + self.cost_estimated


def household_overview(household: Household, *, on: date | None = None) -> HouseholdOverview:
    """The household page: its interventions over time, what they cost so far, what they are
    expected to return (from the latest calculation of the programme's scenario, through
    ``extensions.expected_return``)."""
    on = on or timezone.localdate()
    interventions = list(
        household.interventions.select_related(
            "intervention_type__life_domain", "created_by", "updated_by"
        ).order_by("start_date", "id")
    )
    registered = ZERO
    estimated = ZERO
    for intervention in interventions:
        intervention.cost_is_estimate = intervention.actual_cost is None
        if intervention.start_date > on:
            intervention.cost_so_far = ZERO
        elif intervention.actual_cost is not None:
            intervention.cost_so_far = intervention.actual_cost
            registered += intervention.actual_cost
        else:
            # Not yet settled: the catalogue's unit cost, phased over the years as the
            # calculation phases it, stands in for the years begun so far; the page says so.
            intervention_type = intervention.intervention_type
            years_begun = on.year - intervention.start_date.year + 1
            share = sum(intervention_type.cost_phasing[:years_begun], ZERO)
            intervention.cost_so_far = (intervention_type.unit_cost * share).quantize(
                Decimal("0.01")
            )
            estimated += intervention.cost_so_far
    expected = expected_return(interventions)
    for intervention in interventions:
        intervention.expected_benefit = (
            expected.per_intervention.get(intervention.pk) if expected else None
        )
    return HouseholdOverview(
        household=household,
        interventions=interventions,
        cost_registered=registered,
        cost_estimated=estimated,
        expected=expected,
    )


@dataclass
class TimelineBar:
    intervention: Intervention
    x: float
    width: float
    y: int
    open_ended: bool


@dataclass
class Timeline:
    """Interventions over time as bars on a year axis (drawn as SVG; the table beside it carries
    the same facts for screen readers)."""

    bars: list[TimelineBar]
    years: list[tuple[int, float]]
    height: int
    today_x: float

    ROW = 28
    WIDTH = 1000


def intervention_timeline(
    interventions: list[Intervention], *, on: date | None = None
) -> Timeline | None:
    if not interventions:
        return None
    on = on or timezone.localdate()
    first = min(intervention.start_date for intervention in interventions)
    last = max([on, *(i.end_date or i.start_date for i in interventions)])
    start = date(first.year, 1, 1)
    end = date(last.year + 1, 1, 1)
    span = (end - start).days

    def x(day: date) -> float:
        return round(Timeline.WIDTH * (day - start).days / span, 1)

    bars = []
    for row, intervention in enumerate(interventions):
        finish = intervention.end_date or max(on, intervention.start_date)
        left = x(intervention.start_date)
        bars.append(
            TimelineBar(
                intervention=intervention,
                x=left,
                width=max(x(finish) - left, 4.0),
                y=row * Timeline.ROW + 24,
                open_ended=intervention.end_date is None,
            )
        )
    years = [(year, x(date(year, 1, 1))) for year in range(start.year, end.year)]
    return Timeline(
        bars=bars,
        years=years,
        height=len(bars) * Timeline.ROW + 32,
        today_x=x(min(max(on, start), end)),
    )


HISTORY_LIMIT = 50


def household_history(household: Household, interventions: list[Intervention]) -> list[dict]:
    """Who changed what and when, for the household and its interventions (django-auditlog), in
    the words of the audit pages (``siex.audit.selectors.field_changes``)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from siex.audit.selectors import change_action_label, field_changes

    household_type = ContentType.objects.get_for_model(Household)
    intervention_type = ContentType.objects.get_for_model(Intervention)
    by_pk = {str(intervention.pk): intervention for intervention in interventions}
    entries = list(
        LogEntry.objects.filter(
            Q(content_type=household_type, object_pk=str(household.pk))
            | Q(content_type=intervention_type, object_pk__in=list(by_pk))
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-id")[:HISTORY_LIMIT]
    )
    history = []
    for entry, changes in zip(entries, field_changes(entries), strict=True):
        is_household = entry.content_type_id == household_type.pk
        subject: Intervention | str
        if is_household:
            subject = gettext("household")
        else:
            subject = by_pk.get(entry.object_pk) or gettext("intervention")
        shown = [
            {"field": change.field, "old": change.old, "new": change.new}
            for change in changes
            if change.name not in _NOT_IN_HISTORY
        ]
        if entry.action == LogEntry.Action.UPDATE and not shown:
            continue  # nothing the page shows changed (only who changed it last)
        history.append(
            {
                "timestamp": entry.timestamp,
                "actor": entry.actor.get_username() if entry.actor else "",
                "action": change_action_label(entry.action),
                "subject": subject,
                "is_household": is_household,
                "changes": shown,
            }
        )
    return history


# Shown elsewhere on the page (the pseudonym, the household) or of no use to the officer.
_NOT_IN_HISTORY = {"pseudonym", "household", "created_by", "updated_by"}
