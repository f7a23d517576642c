"""Participant follow-up (volgen): assessments with a measuring instrument, survey waves and the
outcome events that the catalogue values, so that realised returns can be set against forecast
ones.

The instruments (Zelfredzaamheid-Matrix, Participatieladder) are data, not code: rows seeded by a
migration, each with its domains and the names of its levels, so a municipality can add its own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from interventions.catalogue.models import Outcome
from interventions.register.models import Household, Intervention, Source, personal_details_in
from siex.core.templatetags.siex import short_date
from siex.core.text import validate_no_control_characters
from siex.core.versioning import VersionedModel


def _in_language(obj) -> str:
    """The Dutch or English name of an instrument, domain or level, in the user's language."""
    return obj.name_en if (get_language() or "nl").startswith("en") else obj.name_nl


class Instrument(models.Model):
    """Meetinstrument: a scale on which a professional scores a household, per domain."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=100, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=100, validators=[validate_no_control_characters]
    )
    min_score = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    max_score = models.PositiveSmallIntegerField(_("highest score"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return _in_language(self)

    @property
    def name(self) -> str:
        return _in_language(self)


class InstrumentDomain(models.Model):
    """A domain of an instrument (ZRM: financiën, huisvesting, …); the ladder has one."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="domains"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=100, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=100, validators=[validate_no_control_characters]
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("instrument domain")
        verbose_name_plural = _("instrument domains")
        ordering = ["instrument", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="instrumentdomain_unique")
        ]

    def __str__(self) -> str:
        return _in_language(self)

    @property
    def name(self) -> str:
        return _in_language(self)


class InstrumentLevel(models.Model):
    """What a score means on an instrument (ZRM 1 = acute problematiek … 5 = volledig
    zelfredzaam; Participatieladder 1 = geïsoleerd … 6 = betaald werk)."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.CASCADE, related_name="levels"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    name_nl = models.CharField(
        _("name (Dutch)"), max_length=100, validators=[validate_no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=100, validators=[validate_no_control_characters]
    )

    class Meta:
        verbose_name = _("instrument level")
        verbose_name_plural = _("instrument levels")
        ordering = ["instrument", "score"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "score"], name="instrumentlevel_unique")
        ]

    def __str__(self) -> str:
        return f"{self.score} {_in_language(self)}"

    @property
    def name(self) -> str:
        return _in_language(self)


def _user_field(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class FollowUpRecord(VersionedModel):
    """What every follow-up record has: its household, who entered and changed it, its source."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(
        _("registered by"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    created_by = _user_field(_("entered by"))
    updated_by = _user_field(_("last changed by"))

    #: The date field that must lie within the household's participation.
    date_field = "date"

    class Meta:
        abstract = True

    def date_errors(self) -> dict:
        """A date in the future, or before the household's participation started."""
        value = getattr(self, self.date_field)
        if not value or not self.household_id:
            return {}
        if value > timezone.localdate():
            return {
                self.date_field: _("The date (%(date)s) lies in the future.")
                % {"date": short_date(value)}
            }
        household = self.household
        if value < household.participation_start:
            return {
                self.date_field: _(
                    "The date (%(date)s) lies before the household's participation started "
                    "(%(start)s)."
                )
                % {"date": short_date(value), "start": short_date(household.participation_start)}
            }
        return {}


class Assessment(FollowUpRecord):
    """Meting: a household scored on an instrument on a date, per domain (a domain may be left
    unscored). ``scores`` maps a domain's code to its score."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date of the assessment"))
    scores = models.JSONField(_("scores"), default=dict, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["household", "instrument", "date", "id"]
        indexes = [models.Index(fields=["household", "instrument", "date"])]

    def __str__(self) -> str:
        return f"{self.instrument} {short_date(self.date)}"

    def clean(self) -> None:
        errors = self.date_errors()
        household = self.household if self.household_id else None
        if (
            household
            and self.date
            and household.participation_end
            and self.date > household.participation_end
        ):
            errors["date"] = _(
                "The date (%(date)s) lies after the household's participation ended (%(end)s)."
            ) % {"date": short_date(self.date), "end": short_date(household.participation_end)}
        if self.instrument_id:
            errors.update(self.score_errors())
        if errors:
            raise ValidationError(errors)

    def score_errors(self) -> dict:
        """Scores outside the instrument's range or for a domain it does not have, under
        ``score_<domain code>`` (the assessment form's field); none at all under ``scores``."""
        instrument = self.instrument
        if not isinstance(self.scores, dict):
            return {"scores": _("The scores are a mapping from domain to score.")}
        domains = {d.code: d for d in instrument.domains.all()}
        errors: dict = {}
        for code, score in self.scores.items():
            domain = domains.get(code)
            if domain is None:
                errors["scores"] = _("%(instrument)s has no domain “%(code)s”.") % {
                    "instrument": instrument.name,
                    "code": code,
                }
            elif (
                isinstance(score, bool)
                or not isinstance(score, int)
                or not (instrument.min_score <= score <= instrument.max_score)
            ):
                errors[score_field(code)] = _(
                    "%(domain)s: the score must be a whole number from %(min)s to %(max)s."
                ) % {
                    "domain": domain.name,
                    "min": instrument.min_score,
                    "max": instrument.max_score,
                }
        if not errors and not any(score is not None for score in self.scores.values()):
            errors["scores"] = _("Score at least one domain.")
        return errors


def score_field(domain_code: str) -> str:
    """The name under which a domain's score is entered and its errors are reported."""
    return f"score_{domain_code}"


#: The wellbeing items of a survey (DESIGN §5), in the order of the questionnaire.
SURVEY_ITEMS = (
    "stress",
    "self_respect",
    "good_parent",
    "knowing_the_way",
    "home_life",
    "making_ends_meet",
)


class SurveyResponse(FollowUpRecord):
    """Vragenlijst: a household's answers in one wave (T0, T+6 and T+12 months, then yearly), each
    item on a scale of 1 to 10 or not answered."""

    ITEMS = SURVEY_ITEMS

    wave = models.PositiveSmallIntegerField(
        _("wave"),
        help_text=_("Months since the start: 0 (T0), 6, 12, then every 12 months."),
    )
    date = models.DateField(_("date of the survey"))
    stress = models.PositiveSmallIntegerField(
        _("little stress"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1 = constant stress, 10 = no stress at all."),
    )
    self_respect = models.PositiveSmallIntegerField(
        _("self-respect"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    good_parent = models.PositiveSmallIntegerField(
        _("being a good parent"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Leave empty for a household without children."),
    )
    knowing_the_way = models.PositiveSmallIntegerField(
        _("knowing one's way"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Knowing where to go for help and arrangements."),
    )
    home_life = models.PositiveSmallIntegerField(
        _("quality of home life"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    making_ends_meet = models.PositiveSmallIntegerField(
        _("making ends meet"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    most_valuable_help = models.ForeignKey(
        Intervention,
        verbose_name=_("help that mattered most"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["household", "wave"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "wave"],
                name="surveyresponse_one_per_wave",
                violation_error_message=_("This household already has an answer for this wave."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{item}__isnull": True})
                    | Q(**{f"{item}__gte": 1, f"{item}__lte": 10}),
                    name=f"surveyresponse_{item}_1_10",
                    violation_error_message=_("An answer lies between 1 and 10."),
                )
                for item in SURVEY_ITEMS
            ),
            models.CheckConstraint(
                condition=Q(wave__in=[0, 6]) | Q(wave__gte=12, wave__lte=600),
                name="surveyresponse_wave_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{wave_label(self.wave)} {short_date(self.date)}"

    @property
    def wave_label(self) -> str:
        return wave_label(self.wave)

    def clean(self) -> None:
        errors = self.date_errors()
        if self.wave is not None and not is_wave(self.wave):
            errors["wave"] = _(
                "A wave is T0, T+6 months, T+12 months or a whole number of years after T0."
            )
        if (
            self.most_valuable_help_id
            and self.household_id
            and self.most_valuable_help.household_id != self.household_id
        ):
            errors["most_valuable_help"] = _("Choose one of this household's interventions.")
        if errors:
            raise ValidationError(errors)


def is_wave(months: int) -> bool:
    return months in (0, 6) or (12 <= months <= 600 and months % 12 == 0)


def wave_label(months: int) -> str:
    if months == 0:
        return "T0"
    return f"T+{months}"


class EvidenceSource(models.TextChoices):
    """How an outcome event is known."""

    REGISTRATION = "registration", _("registration (e.g. benefit or debt records)")
    DOCUMENT = "document", _("document")
    OWN_REPORT = "own_report", _("the household's own report")
    OBSERVATION = "observation", _("the professional's observation")


class OutcomeEvent(FollowUpRecord):
    """Gerealiseerd effect: an outcome of the catalogue that a household realised on a date,
    attributed to one of its interventions where that is known."""

    outcome = models.ForeignKey(
        Outcome, verbose_name=_("outcome"), on_delete=models.PROTECT, related_name="+"
    )
    intervention = models.ForeignKey(
        Intervention,
        verbose_name=_("attributed to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The intervention this outcome is owed to, when that is known."),
    )
    date = models.DateField(_("date of the outcome"))
    evidence = models.CharField(_("evidence"), max_length=20, choices=EvidenceSource.choices)
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        validators=[validate_no_control_characters],
        help_text=_("Short; no names, addresses or other details that identify a person."),
    )

    class Meta:
        verbose_name = _("outcome event")
        verbose_name_plural = _("outcome events")
        ordering = ["household", "date", "id"]
        indexes = [
            models.Index(fields=["outcome", "date"]),
            models.Index(fields=["household", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {short_date(self.date)}"

    def clean(self) -> None:
        errors = self.date_errors()
        if self.intervention_id and self.household_id:
            intervention = self.intervention
            if intervention.household_id != self.household_id:
                errors["intervention"] = _("Choose one of this household's interventions.")
            elif self.date and self.date < intervention.start_date:
                errors["date"] = _(
                    "The outcome (%(date)s) lies before the intervention it is attributed to "
                    "started (%(start)s)."
                ) % {"date": short_date(self.date), "start": short_date(intervention.start_date)}
        details = personal_details_in(self.note)
        if details:
            errors["note"] = _(
                "Remove %(details)s: notes must not contain details that identify a person."
            ) % {"details": ", ".join(details)}
        if errors:
            raise ValidationError(errors)
