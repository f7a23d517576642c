"""The register: households (known only by a pseudonym) and the interventions they receive."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interventions.catalogue.models import InterventionType
from siex.core.templatetags.siex import euro, short_date
from siex.core.text import validate_no_control_characters
from siex.core.versioning import VersionedModel

from .pseudonyms import looks_like_bsn

ZERO = Decimal("0")


class Source(models.TextChoices):
    """Where a registration came from."""

    MANUAL = "manual", _("entered by hand")
    IMPORT = "import", _("imported")
    DEMO = "demo", _("demo data")


class IncomeSource(models.TextChoices):
    WORK = "work", _("work")
    SOCIAL_ASSISTANCE = "bijstand", _("social assistance (bijstand)")
    OTHER_BENEFIT = "other_benefit", _("other benefit")
    STATE_PENSION = "aow", _("state pension (AOW)")


class DebtSituation(models.TextChoices):
    NONE = "none", _("no problematic debts")
    PROBLEMATIC = "problematic", _("problematic debts")
    GKB_ARRANGEMENT = "gkb_arrangement", _("in a debt arrangement (GKB)")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("consent of the household")
    PUBLIC_TASK = "public_task", _("statutory task (Participatiewet, Wgs)")


class Household(VersionedModel):
    """Huishouden / deelnemer: a household in the programme, known only by its pseudonym.

    The pseudonym is an HMAC of the municipality's own reference with a key kept outside the
    database (``SIEX_PSEUDONYM_KEY``). No name, no BSN, no address.
    """

    # Set on the rows of a register page (selectors.register_page), not stored.
    intervention_count: int

    pseudonym = models.CharField(_("pseudonym"), max_length=64, unique=True, editable=False)
    area = models.ForeignKey(
        "monitoring.Area",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="households",
    )
    adults = models.PositiveSmallIntegerField(
        _("adults"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    children = models.PositiveSmallIntegerField(
        _("children"), default=0, validators=[MaxValueValidator(15)]
    )
    income_pct_social_minimum = models.DecimalField(
        # xgettext:no-python-format
        _("income (% of the social minimum)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(ZERO, _("An income cannot be below 0%% of the social minimum.")),
            MaxValueValidator(
                Decimal("500"), _("Enter the income as a percentage of the social minimum (0-500).")
            ),
        ],
    )
    income_source = models.CharField(
        _("main income source"), max_length=20, choices=IncomeSource.choices
    )
    debt_situation = models.CharField(
        _("debt situation"), max_length=20, choices=DebtSituation.choices
    )
    participation_start = models.DateField(_("start of participation"))
    participation_end = models.DateField(_("end of participation"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    # The household's data is anonymised or deleted at the next retention run after this date.
    consent_withdrawn_on = models.DateField(
        _("consent withdrawn on"),
        null=True,
        blank=True,
        help_text=_("Only when the legal basis is consent: the day the household withdrew it."),
    )
    source = models.CharField(
        _("registered by"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["pseudonym"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pseudonym__regex=r"^[0-9a-f]{64}$"),
                name="household_pseudonym_is_hmac",
            ),
            models.CheckConstraint(
                condition=Q(adults__gte=1, adults__lte=10),
                name="household_adults_1_10",
                violation_error_message=_("A household has between 1 and 10 adults."),
            ),
            models.CheckConstraint(
                condition=Q(children__lte=15),
                name="household_children_at_most_15",
                violation_error_message=_("A household has at most 15 children."),
            ),
            models.CheckConstraint(
                condition=Q(income_pct_social_minimum__isnull=True)
                | Q(income_pct_social_minimum__gte=0, income_pct_social_minimum__lte=500),
                name="household_income_pct_0_500",
                violation_error_message=_(
                    "The income must lie between 0%% and 500%% of the social minimum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(participation_end__isnull=True)
                | Q(participation_end__gte=F("participation_start")),
                name="household_participation_end_after_start",
                violation_error_message=_("The end of participation lies before its start."),
            ),
        ]
        indexes = [
            models.Index(fields=["area", "participation_start"]),
            models.Index(fields=["income_source"]),
            models.Index(fields=["debt_situation"]),
            # The register list pages in these orders (read backwards for "newest first").
            models.Index(fields=["participation_start", "id"], name="household_start_id"),
            models.Index(fields=["updated_at", "id"], name="household_updated_id"),
        ]

    def __str__(self) -> str:
        return self.short_pseudonym

    @property
    def composition(self) -> str:
        """ "2 adults, 3 children" in the user's language."""
        adults = ngettext("%(n)s adult", "%(n)s adults", self.adults) % {"n": self.adults}
        if not self.children:
            return adults
        children = ngettext("%(n)s child", "%(n)s children", self.children) % {"n": self.children}
        return f"{adults}, {children}"

    @property
    def short_pseudonym(self) -> str:
        """The first 10 characters: enough to tell households apart on screen."""
        return self.pseudonym[:10]

    def clean(self) -> None:
        errors = {}
        if (
            self.participation_start
            and self.participation_end
            and self.participation_end < self.participation_start
        ):
            errors["participation_end"] = _(
                "The end of participation (%(end)s) lies before its start (%(start)s)."
            ) % {
                "end": short_date(self.participation_end),
                "start": short_date(self.participation_start),
            }
        if self.consent_withdrawn_on and self.legal_basis != LegalBasis.CONSENT:
            errors["consent_withdrawn_on"] = _(
                "Only a household whose legal basis is consent can withdraw its consent."
            )
        if self.area_id and self.area.level != "wijk":
            errors["area"] = _("Choose a district (wijk).")
        if errors:
            raise ValidationError(errors)


# Details that identify a person have no place in the notes of a registration.
_PERSONAL_DETAILS = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), _("an e-mail address")),
    (
        re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s-]?(?:6|[1-9]\d{1,2})[\s-]?\d{6,8}(?!\d)"),
        _("a telephone number"),
    ),
    (re.compile(r"(?<![\w])[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}(?![\w])"), _("a postcode")),
    (
        re.compile(r"(?<![\w])NL\d{2}\s?[A-Z]{4}(?:\s?\d){10}(?!\d)", re.IGNORECASE),
        _("a bank account (IBAN)"),
    ),
]


def personal_details_in(text: str) -> list[str]:
    """What in ``text`` looks like a detail that identifies a person (for the notes fields)."""
    found = [str(label) for pattern, label in _PERSONAL_DETAILS if pattern.search(text or "")]
    if any(looks_like_bsn(number) for number in re.findall(r"(?<!\d)\d{8,9}(?!\d)", text or "")):
        found.append(str(_("a citizen service number (BSN)")))
    return found


# An actual cost that differs from the catalogue's unit cost by more than this share needs a reason,
# so the cost figures the council sees can be explained.
COST_DEVIATION_TOLERANCE = Decimal("0.25")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")
    STOPPED = "stopped", _("stopped early")


class Intervention(VersionedModel):
    """A registered intervention: what a household received, when, and what it actually cost."""

    # Set for the household page (selectors.household_overview), not stored.
    cost_is_estimate: bool
    cost_so_far: Decimal
    expected_benefit: float | None

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="interventions",
    )
    intervention_type = models.ForeignKey(
        InterventionType,
        verbose_name=_("intervention"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    actual_cost = models.DecimalField(
        _("actual cost (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO, _("A cost cannot be negative."))],
    )
    cost_deviation_reason = models.CharField(
        _("reason for a different cost"),
        max_length=300,
        blank=True,
        validators=[validate_no_control_characters],
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterventionStatus.choices,
        default=InterventionStatus.ACTIVE,
    )
    notes = models.TextField(
        _("notes"),
        max_length=1000,
        blank=True,
        help_text=_("No names, addresses or other details that identify a person."),
        validators=[validate_no_control_characters],
    )
    source = models.CharField(
        _("registered by"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="intervention_end_after_start",
                violation_error_message=_("The end date lies before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(actual_cost__isnull=True) | Q(actual_cost__gte=0),
                name="intervention_actual_cost_not_negative",
                violation_error_message=_("A cost cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["intervention_type", "start_date"]),
            models.Index(fields=["household", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.intervention_type} ({self.start_date})"

    def cost_deviates_without_reason(self) -> bool:
        # A negative cost is refused on its own ("cannot be negative"): no reason can explain it.
        if self.actual_cost is None or self.actual_cost < 0 or not self.intervention_type_id:
            return False
        if self.cost_deviation_reason.strip():
            return False
        unit_cost = self.intervention_type.unit_cost
        return abs(self.actual_cost - unit_cost) > unit_cost * COST_DEVIATION_TOLERANCE

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _(
                "The end date (%(end)s) lies before the start date (%(start)s)."
            ) % {"end": short_date(self.end_date), "start": short_date(self.start_date)}
        if self.household_id and self.start_date:
            household = self.household
            if self.start_date < household.participation_start:
                errors["start_date"] = _(
                    "The intervention starts (%(start)s) before the household's participation "
                    "started (%(participation)s)."
                ) % {
                    "start": short_date(self.start_date),
                    "participation": short_date(household.participation_start),
                }
        if self.status == InterventionStatus.COMPLETED and not self.end_date:
            errors["end_date"] = _("A completed intervention needs an end date.")
        for field in ("notes", "cost_deviation_reason"):
            details = personal_details_in(getattr(self, field))
            if details:
                errors[field] = _(
                    "Remove %(details)s: notes must not contain details that identify a person."
                ) % {"details": ", ".join(details)}
        if self.cost_deviates_without_reason():
            errors["cost_deviation_reason"] = _(
                "The actual cost (%(cost)s) differs more than %(pct)s%% from the unit cost in the "
                "catalogue (%(unit)s). Give the reason, for example “stopped after three months”."
            ) % {
                "cost": euro(self.actual_cost),
                "pct": int(COST_DEVIATION_TOLERANCE * 100),
                "unit": euro(self.intervention_type.unit_cost),
            }
        if errors:
            raise ValidationError(errors)


class Team(models.Model):
    """A team of policy officers (such as a WIJ team) and the wijken it works in: its members see
    and change the households of those wijken, and no other (need to know). A team that works
    municipality-wide (``municipality_wide``) sees every household of the municipality, also in
    wijken that a new division adds. An officer in no team sees no household (deny by default);
    the project lead reads every household (``interventions.view_all_households``)."""

    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[validate_no_control_characters]
    )
    areas = models.ManyToManyField(
        "monitoring.Area",
        verbose_name=_("districts"),
        blank=True,
        related_name="teams",
        limit_choices_to={"level": "wijk"},
    )
    municipality_wide = models.BooleanField(
        _("municipality-wide"),
        default=False,
        help_text=_("Its members see and change the households of every district."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="teams"
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        default_permissions = ()

    def __str__(self) -> str:
        return self.name
