"""Areas (gebieden) in their versions and divisions, the crosswalk between them, and (from
``monitoring.indicators``) the indicators and values of the neighbourhood photo (wijkfoto)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from siex.core.text import validate_no_control_characters


class AreaLevel(models.TextChoices):
    COUNTRY = "land", _("country")
    MUNICIPALITY = "gemeente", _("municipality")
    DISTRICT = "wijk", _("district (wijk)")
    NEIGHBOURHOOD = "buurt", _("neighbourhood (buurt)")
    BOROUGH = "stadsdeel", _("borough (stadsdeel)")


#: The division of the areas CBS publishes for; a municipality's own division (Groningen's
#: "Kompas van Groningen": 45 wijken in 7 stadsdelen) lives beside it under its own name.
CBS_DIVISION = "cbs"


# CBS codes: GM + 4 digits, WK + 6, BU + 8. Since 2023 wijk and buurt codes may hold letters,
# so codes are text. The wijk code starts with the 4 digits of its gemeente, the buurt code with
# the 6 of its wijk.
AREA_CODE_PATTERNS = {
    AreaLevel.COUNTRY: r"^NL[0-9]{2}$",
    AreaLevel.MUNICIPALITY: r"^GM[0-9]{4}$",
    AreaLevel.DISTRICT: r"^WK[0-9A-Z]{6}$",
    AreaLevel.NEIGHBOURHOOD: r"^BU[0-9A-Z]{8}$",
}
AREA_PARENT_LEVEL = {
    AreaLevel.DISTRICT: AreaLevel.MUNICIPALITY,
    AreaLevel.NEIGHBOURHOOD: AreaLevel.DISTRICT,
}
AREA_CODE_EXAMPLES = {
    AreaLevel.COUNTRY: "NL01",
    AreaLevel.MUNICIPALITY: "GM0014",
    AreaLevel.DISTRICT: "WK001400",
    AreaLevel.NEIGHBOURHOOD: "BU00140000",
}


class Area(models.Model):
    """Gebied: the country, a CBS gemeente, wijk or buurt in the division of one year, or an area
    of the municipality's own division.

    Boundaries change between years (Groningen absorbed Haren and Ten Boer in 2019), so an area is
    identified by its division, its code and the year of the division it belongs to; ``valid_from``
    and ``valid_to`` say which periods an area in this form covers (GM0014 as it is now exists from
    2019: a value for 2018 is about another area).
    """

    code = models.CharField(_("CBS code"), max_length=10)
    name = models.CharField(_("name"), max_length=100, validators=[validate_no_control_characters])
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    year = models.PositiveSmallIntegerField(
        _("division year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    division = models.CharField(
        _("division"),
        max_length=30,
        default=CBS_DIVISION,
        validators=[validate_no_control_characters],
        help_text=_("“cbs” for the CBS areas; another name for the municipality's own division."),
    )
    valid_from = models.PositiveSmallIntegerField(
        _("exists from (year)"),
        null=True,
        blank=True,
        help_text=_("The first year this area exists in this form; empty: not known."),
    )
    valid_to = models.PositiveSmallIntegerField(
        _("exists until (year)"),
        null=True,
        blank=True,
        help_text=_("The last year this area exists in this form; empty: it still does."),
    )
    inhabitants = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    dwellings = models.PositiveIntegerField(_("dwellings"), null=True, blank=True)
    surface_ha = models.PositiveIntegerField(_("surface (ha)"), null=True, blank=True)
    geometry = models.JSONField(
        _("boundary (GeoJSON, WGS84)"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON Polygon or MultiPolygon geometry."),
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["division", "code", "year"], name="area_code_year_unique"
            ),
            models.CheckConstraint(
                condition=(
                    ~Q(division=CBS_DIVISION)
                    | Q(level=AreaLevel.COUNTRY, code__regex=AREA_CODE_PATTERNS["land"])
                    | Q(level=AreaLevel.MUNICIPALITY, code__regex=AREA_CODE_PATTERNS["gemeente"])
                    | Q(level=AreaLevel.DISTRICT, code__regex=AREA_CODE_PATTERNS["wijk"])
                    | Q(level=AreaLevel.NEIGHBOURHOOD, code__regex=AREA_CODE_PATTERNS["buurt"])
                ),
                name="area_code_matches_level",
                violation_error_message=_("The code does not match the CBS format of its level."),
            ),
            models.CheckConstraint(
                condition=Q(
                    level__in=[AreaLevel.COUNTRY, AreaLevel.MUNICIPALITY], parent__isnull=True
                )
                | (
                    ~Q(level__in=[AreaLevel.COUNTRY, AreaLevel.MUNICIPALITY])
                    & (Q(parent__isnull=False) | ~Q(division=CBS_DIVISION))
                ),
                name="area_parent_iff_below_municipality",
                violation_error_message=_(
                    "A district or neighbourhood must be part of an area; a municipality is not."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="area_year_range"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="area_valid_from_before_valid_to",
                violation_error_message=_("An area cannot end before it begins."),
            ),
        ]
        indexes = [models.Index(fields=["level", "year"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def covers(self, period: int) -> bool:
        """Whether the area in this form existed in ``period`` (a year)."""
        return (self.valid_from is None or self.valid_from <= period) and (
            self.valid_to is None or period <= self.valid_to
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        cbs = self.division == CBS_DIVISION
        pattern = AREA_CODE_PATTERNS.get(self.level) if cbs else None
        if self.code:
            self.code = self.code.strip().upper()
        if pattern and self.code:
            try:
                RegexValidator(pattern)(self.code)
            except ValidationError:
                errors["code"] = _(
                    "“%(code)s” is not a valid CBS code for a %(level)s; expected for example "
                    "%(example)s."
                ) % {
                    "code": self.code,
                    "level": AreaLevel(self.level).label,
                    "example": AREA_CODE_EXAMPLES[self.level],
                }
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            errors["valid_to"] = _("An area cannot end before it begins.")
        expected_parent = AREA_PARENT_LEVEL.get(self.level) if cbs else None
        if self.level == AreaLevel.COUNTRY and self.parent_id:
            errors["parent"] = _("A country is not part of another area.")
        elif self.level == AreaLevel.MUNICIPALITY and self.parent_id:
            errors["parent"] = _("A municipality is not part of another area.")
        elif expected_parent and self.parent is None:
            errors["parent"] = _("A %(level)s must be part of a %(parent)s.") % {
                "level": AreaLevel(self.level).label,
                "parent": AreaLevel(expected_parent).label,
            }
        elif expected_parent and self.parent is not None:
            if self.parent.level != expected_parent:
                errors["parent"] = _("A %(level)s must be part of a %(parent)s.") % {
                    "level": AreaLevel(self.level).label,
                    "parent": AreaLevel(expected_parent).label,
                }
            elif self.parent.year != self.year:
                errors["parent"] = _("The parent area belongs to another division year.")
            elif "code" not in errors and not self.code[2:].startswith(self.parent.code[2:]):
                errors["code"] = _("The code %(code)s does not lie within %(parent)s.") % {
                    "code": self.code,
                    "parent": self.parent.code,
                }
        if self.geometry is not None and (
            not isinstance(self.geometry, dict)
            or self.geometry.get("type") not in ("Polygon", "MultiPolygon")
            or not isinstance(self.geometry.get("coordinates"), list)
        ):
            errors["geometry"] = _("The boundary must be a GeoJSON Polygon or MultiPolygon.")
        if errors:
            raise ValidationError(errors)


class AreaCrosswalk(models.Model):
    """Omrekensleutel: which share of one area lies in another, to carry values between
    divisions or versions (a CBS wijk into the municipality's own wijken, Ten Boer into the
    Groningen of 2019). Shares are of what the note says (inhabitants, households, surface)."""

    from_area = models.ForeignKey(
        Area, verbose_name=_("from area"), on_delete=models.CASCADE, related_name="crosswalk_out"
    )
    to_area = models.ForeignKey(
        Area, verbose_name=_("to area"), on_delete=models.CASCADE, related_name="crosswalk_in"
    )
    share = models.DecimalField(
        _("share"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("The share of the from area that lies in the to area, 0 to 1."),
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )

    class Meta:
        verbose_name = _("area crosswalk")
        verbose_name_plural = _("area crosswalks")
        constraints = [
            models.UniqueConstraint(fields=["from_area", "to_area"], name="crosswalk_unique"),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=1), name="crosswalk_share_range"
            ),
            models.CheckConstraint(
                condition=~Q(from_area=models.F("to_area")), name="crosswalk_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_area.code} → {self.to_area.code}: {self.share}"


from .exchange.models import IndicatorUpload  # noqa: E402, F401
from .indicators.models import (  # noqa: E402, F401  (the app label of these models is "monitoring")
    ContextNote,
    Indicator,
    IndicatorValue,
    IndicatorValueImport,
)
from .photos.models import PhotoSnapshot  # noqa: E402, F401
