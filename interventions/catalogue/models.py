"""The catalogue: life domains, actors with their budget lines, intervention types and outcomes
with the assumptions that turn an outcome into money.

The catalogue is data, not code: Groningen's rows come from ``data/catalogue_groningen.json`` and
another municipality replaces them with its own file (``manage.py load_catalogue``).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from siex.core.templatetags.siex import percentage
from siex.core.text import validate_no_control_characters
from siex.core.versioning import NormalisedDecimalsModel, VersionedModel

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]*$",
    _(
        "Use lower-case letters, digits, hyphens and underscores only, for example “gkb-schuldregeling”."  # noqa: E501
    ),
)


def percentage_field(verbose_name, **kwargs):
    """A percentage 0-100 with two decimals (deadweight, attribution, displacement, drop-off)."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[
            MinValueValidator(ZERO, _("A percentage cannot be below 0.")),
            MaxValueValidator(HUNDRED, _("A percentage cannot be above 100.")),
        ],
        **kwargs,
    )


def percentage_check(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        name=f"%(class)s_{field}_0_100",
        violation_error_message=_("A percentage must lie between 0 and 100."),
    )


class LifeDomain(models.Model):
    """Leefdomein: one of the ten domains of the Kompas van Groningen."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=100, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=100, validators=[validate_no_control_characters]
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_control_characters]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_nl


class LifeDomainMapping(models.Model):
    """How a life area of another framework (e.g. Mobility Mentoring's "geldzaken") maps onto a
    life domain, so assessments in that framework can be reported per domain."""

    framework = models.CharField(
        _("framework"), max_length=60, validators=[validate_no_control_characters]
    )
    label = models.CharField(
        _("life area in that framework"),
        max_length=100,
        validators=[validate_no_control_characters],
    )
    domain = models.ForeignKey(
        LifeDomain, verbose_name=_("life domain"), on_delete=models.CASCADE, related_name="mappings"
    )

    class Meta:
        verbose_name = _("life domain mapping")
        verbose_name_plural = _("life domain mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "label"], name="lifedomainmapping_unique_label"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework}: {self.label} → {self.domain}"


class ActorGroup(models.Model):
    """A group of actors the effecten-arena reports on (e.g. participants, other residents,
    government, other parties): data, so another municipality groups its actors its own way."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=100, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=100, validators=[validate_no_control_characters]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("actor group")
        verbose_name_plural = _("actor groups")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_nl


class Actor(models.Model):
    """Who pays and who benefits (investeerder / incasseerder): the household, other residents,
    the municipality, the state, health insurers, housing corporations, employers, others."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=100, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=100, validators=[validate_no_control_characters]
    )
    group = models.ForeignKey(
        ActorGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="actors",
        help_text=_("The group the effecten-arena shows the actor in."),
    )
    is_municipality = models.BooleanField(
        _("is the municipality"),
        default=False,
        help_text=_("The actor whose cash flows make up the exploitation (GREX ledger)."),
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_control_characters]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_municipality"],
                condition=Q(is_municipality=True),
                name="actor_single_municipality",
                violation_error_message=_("Only one actor can be the municipality."),
            )
        ]

    def __str__(self) -> str:
        return self.name_nl


class BudgetLine(models.Model):
    """Begrotingspost of an actor, e.g. the municipality's bijstand (BUIG), Wmo, Jeugd or
    schuldhulp."""

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=100, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=100, validators=[validate_no_control_characters]
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["actor__sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "code"], name="budgetline_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.actor} – {self.name_nl}"


class ConfidenceGrade(models.IntegerChoices):
    """How well an assumption is founded (1 = audited evidence ... 6 = expert guess)."""

    AUDITED = 1, _("1 – audited evidence from the programme itself")
    CONTROLLED = 2, _("2 – controlled study (experiment or quasi-experiment)")
    EVALUATION = 3, _("3 – evaluation or monitoring of a comparable programme")
    PRACTICE = 4, _("4 – practice-based figures from a comparable programme")
    ESTIMATE = 5, _("5 – estimate from national key figures")
    EXPERT = 6, _("6 – expert guess")


class ValueType(models.TextChoices):
    FISCAL_CASHABLE = "fiscal_cashable", _("fiscal, cashable")
    FISCAL_NON_CASHABLE = "fiscal_non_cashable", _("fiscal, not cashable")
    ECONOMIC = "economic", _("economic")
    SOCIAL = "social", _("social")


COST_PHASING_YEARS = 5
COST_PHASING_FIELDS = [f"cost_share_year_{n}" for n in range(1, COST_PHASING_YEARS + 1)]
_OTHER_YEARS = (
    F("cost_share_year_2")
    + F("cost_share_year_3")
    + F("cost_share_year_4")
    + F("cost_share_year_5")
)


def cost_share_field(year: int):
    return models.DecimalField(
        format_lazy(_("share of cost in year {n}"), n=year),
        max_digits=5,
        decimal_places=4,
        default=ONE if year == 1 else ZERO,
        validators=[
            MinValueValidator(ZERO, _("A share cannot be below 0.")),
            MaxValueValidator(ONE, _("A share cannot be above 1.")),
        ],
    )


class InterventionType(VersionedModel):
    """Interventie: a catalogue entry - what it costs, who pays, over which years, and which
    outcomes it can bring with what success probability."""

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=150, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=150, validators=[validate_no_control_characters]
    )
    provider = models.CharField(
        _("provider"), max_length=150, blank=True, validators=[validate_no_control_characters]
    )
    life_domain = models.ForeignKey(
        LifeDomain, verbose_name=_("life domain"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_control_characters]
    )
    unit_cost = models.DecimalField(
        _("unit cost (EUR per household)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(ZERO, _("A cost cannot be negative."))],
    )
    cost_share_year_1 = cost_share_field(1)
    cost_share_year_2 = cost_share_field(2)
    cost_share_year_3 = cost_share_field(3)
    cost_share_year_4 = cost_share_field(4)
    cost_share_year_5 = cost_share_field(5)
    paying_actor = models.ForeignKey(
        Actor, verbose_name=_("paid by"), on_delete=models.PROTECT, related_name="+"
    )
    paying_budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    typical_duration_months = models.PositiveSmallIntegerField(
        _("typical duration (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    cost_source = models.TextField(
        _("source of the unit cost"), validators=[validate_no_control_characters]
    )
    cost_confidence_grade = models.PositiveSmallIntegerField(
        _("confidence grade of the unit cost"), choices=ConfidenceGrade.choices
    )
    is_active = models.BooleanField(_("in use"), default=True)
    outcomes = models.ManyToManyField(
        "Outcome", through="InterventionOutcome", related_name="intervention_types"
    )

    class Meta:
        verbose_name = _("intervention type")
        verbose_name_plural = _("intervention types")
        ordering = ["name_nl"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0),
                name="interventiontype_unit_cost_not_negative",
                violation_error_message=_("A cost cannot be negative."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 1}),
                    name=f"interventiontype_{field}_0_1",
                    violation_error_message=_("A share of cost must lie between 0 and 1."),
                )
                for field in COST_PHASING_FIELDS
            ],
            # Shares have four decimals, so a sum off by less than half a unit in the last place
            # is exactly 1; the tolerance only absorbs SQLite's floating-point arithmetic.
            models.CheckConstraint(
                condition=Q(
                    cost_share_year_1__gte=Decimal("0.99995") - _OTHER_YEARS,
                    cost_share_year_1__lte=Decimal("1.00005") - _OTHER_YEARS,
                ),
                name="interventiontype_cost_phasing_sums_to_1",
                violation_error_message=_("The shares of cost over the years must add up to 1."),
            ),
            models.CheckConstraint(
                condition=Q(cost_confidence_grade__gte=1, cost_confidence_grade__lte=6),
                name="interventiontype_cost_grade_1_6",
            ),
            models.CheckConstraint(
                condition=Q(typical_duration_months__gte=1, typical_duration_months__lte=120),
                name="interventiontype_duration_1_120",
            ),
            models.CheckConstraint(
                condition=Q(cost_source__regex=r"\S"), name="interventiontype_cost_source_given"
            ),
        ]

    def __str__(self) -> str:
        return self.name_nl

    @property
    def cost_phasing(self) -> list[Decimal]:
        """Shares of the unit cost per year after intake, without trailing zero years."""
        shares = [getattr(self, field) for field in COST_PHASING_FIELDS]
        while len(shares) > 1 and shares[-1] == 0:
            shares.pop()
        return shares

    def clean(self) -> None:
        errors: dict[str, object] = {}
        shares = [getattr(self, field) for field in COST_PHASING_FIELDS]
        if all(share is not None for share in shares) and sum(shares) != ONE:
            errors["cost_share_year_1"] = _(
                "The shares of cost over the years add up to %(total)s; they must add up to "
                "exactly 100%% (for example 60%% in year 1 and 40%% in year 2)."
            ) % {"total": percentage(sum(shares) * HUNDRED, 2)}
        if (
            self.paying_budget_line_id
            and self.paying_actor_id
            and self.paying_budget_line.actor_id != self.paying_actor_id
        ):
            errors["paying_budget_line"] = _("This budget line belongs to another actor.")
        if errors:
            raise ValidationError(errors)


class Outcome(VersionedModel):
    """Effect: a change an intervention can bring (e.g. "leaves bijstand for work") with the
    assumptions that turn it into money: lag, duration, drop-off, deadweight, attribution,
    displacement, and how well founded it is."""

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=150, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=150, validators=[validate_no_control_characters]
    )
    life_domain = models.ForeignKey(
        LifeDomain, verbose_name=_("life domain"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(
        _("description"), blank=True, validators=[validate_no_control_characters]
    )
    lag_years = models.PositiveSmallIntegerField(
        _("lag (years)"),
        default=0,
        validators=[MaxValueValidator(30)],
        help_text=_("Years between intake and the first year with an effect."),
    )
    duration_years = models.PositiveSmallIntegerField(
        _("duration (years)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Number of years the effect lasts."),
    )
    drop_off_pct = percentage_field(
        _("drop-off per year (%)"),
        help_text=_("Share of the effect that is lost each following year."),
    )
    deadweight_pct = percentage_field(
        _("deadweight (%)"), help_text=_("Share that would have happened anyway.")
    )
    attribution_pct = percentage_field(
        _("attribution to others (%)"), help_text=_("Share owed to other parties or programmes.")
    )
    displacement_pct = percentage_field(
        _("displacement (%)"), help_text=_("Share that only moves the problem elsewhere.")
    )
    ramp_up = models.JSONField(
        _("ramp-up profile"),
        default=list,
        blank=True,
        help_text=_(
            "Share of the full effect reached in the first years of the effect, e.g. [0.5, 0.8]; "
            "later years count in full. Empty means the full effect from the first year."
        ),
    )
    confidence_grade = models.PositiveSmallIntegerField(
        _("confidence grade"), choices=ConfidenceGrade.choices
    )
    source = models.TextField(
        _("source"),
        help_text=_("Where the assumptions come from; say so when it is an estimate."),
        validators=[validate_no_control_characters],
    )

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["name_nl"]
        constraints = [
            percentage_check("drop_off_pct"),
            percentage_check("deadweight_pct"),
            percentage_check("attribution_pct"),
            percentage_check("displacement_pct"),
            models.CheckConstraint(condition=Q(lag_years__lte=30), name="outcome_lag_at_most_30"),
            models.CheckConstraint(
                condition=Q(duration_years__gte=1, duration_years__lte=30),
                name="outcome_duration_1_30",
                violation_error_message=_("The duration must lie between 1 and 30 years."),
            ),
            models.CheckConstraint(
                condition=Q(confidence_grade__gte=1, confidence_grade__lte=6),
                name="outcome_grade_1_6",
                violation_error_message=_("The confidence grade must lie between 1 and 6."),
            ),
            models.CheckConstraint(
                condition=Q(source__regex=r"\S"),
                name="outcome_source_given",
                violation_error_message=_("Every outcome states its source."),
            ),
        ]

    def __str__(self) -> str:
        return self.name_nl

    def clean(self) -> None:
        ramp = self.ramp_up
        valid = isinstance(ramp, list) and len(ramp) <= 30
        if valid:
            for share in ramp:
                if isinstance(share, bool) or not isinstance(share, int | float | str):
                    valid = False
                    break
                try:
                    value = Decimal(str(share))
                except ArithmeticError:
                    valid = False
                    break
                if not ZERO <= value <= ONE:
                    valid = False
                    break
        if not valid:
            raise ValidationError(
                {
                    "ramp_up": _(
                        "The ramp-up profile must be a list of at most 30 shares between 0 and 1, "
                        "for example [0.5, 0.8]."
                    )
                }
            )


class OutcomeValue(NormalisedDecimalsModel):
    """Waardering: what one realised outcome is worth per year to one actor, and of which kind.

    A transfer (e.g. a stopped benefit payment: a gain for the municipality, a loss for the
    household) counts in that actor's own view but nets to zero for society as a whole.
    """

    outcome = models.ForeignKey(
        Outcome, verbose_name=_("outcome"), on_delete=models.CASCADE, related_name="values"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    value_type = models.CharField(_("value type"), max_length=30, choices=ValueType.choices)
    is_transfer = models.BooleanField(_("transfer"), default=False)
    annual_amount = models.DecimalField(
        _("amount per year (EUR)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Per household with the outcome, per year; negative for a loss."),
    )
    note = models.TextField(
        _("note on the valuation"), blank=True, validators=[validate_no_control_characters]
    )

    class Meta:
        verbose_name = _("outcome value")
        verbose_name_plural = _("outcome values")
        ordering = ["outcome", "actor__sort_order", "value_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "actor", "value_type", "budget_line"],
                name="outcomevalue_unique_with_budget_line",
            ),
            models.UniqueConstraint(
                fields=["outcome", "actor", "value_type"],
                condition=Q(budget_line__isnull=True),
                name="outcomevalue_unique_without_budget_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} → {self.actor}: {self.annual_amount}"

    def clean(self) -> None:
        if self.budget_line_id and self.actor_id and self.budget_line.actor_id != self.actor_id:
            raise ValidationError({"budget_line": _("This budget line belongs to another actor.")})


class InterventionOutcome(NormalisedDecimalsModel):
    """The chance that an intervention brings an outcome for a household (success probability)."""

    intervention_type = models.ForeignKey(
        InterventionType,
        verbose_name=_("intervention type"),
        on_delete=models.CASCADE,
        related_name="outcome_links",
    )
    outcome = models.ForeignKey(
        Outcome, verbose_name=_("outcome"), on_delete=models.PROTECT, related_name="+"
    )
    success_probability = models.DecimalField(
        _("success probability"),
        max_digits=5,
        decimal_places=4,
        validators=[
            MinValueValidator(ZERO, _("A probability cannot be below 0.")),
            MaxValueValidator(ONE, _("A probability cannot be above 1.")),
        ],
        help_text=_("Between 0 and 1, e.g. 0.35 for 35%."),
    )
    note = models.TextField(_("note"), blank=True, validators=[validate_no_control_characters])

    class Meta:
        verbose_name = _("outcome of an intervention")
        verbose_name_plural = _("outcomes of interventions")
        ordering = ["intervention_type", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention_type", "outcome"], name="interventionoutcome_unique"
            ),
            models.CheckConstraint(
                condition=Q(success_probability__gte=0, success_probability__lte=1),
                name="interventionoutcome_probability_0_1",
                violation_error_message=_("A success probability must lie between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intervention_type} → {self.outcome} ({self.success_probability})"
