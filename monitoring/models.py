"""Areas (gebieden) and, later, the indicators of the neighbourhood photo (wijkfoto)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from siex.core.text import validate_no_control_characters


class AreaLevel(models.TextChoices):
    MUNICIPALITY = "gemeente", _("municipality")
    DISTRICT = "wijk", _("district (wijk)")
    NEIGHBOURHOOD = "buurt", _("neighbourhood (buurt)")


# CBS codes: GM + 4 digits, WK + 6, BU + 8. Since 2023 wijk and buurt codes may hold letters,
# so codes are text. The wijk code starts with the 4 digits of its gemeente, the buurt code with
# the 6 of its wijk.
AREA_CODE_PATTERNS = {
    AreaLevel.MUNICIPALITY: r"^GM[0-9]{4}$",
    AreaLevel.DISTRICT: r"^WK[0-9A-Z]{6}$",
    AreaLevel.NEIGHBOURHOOD: r"^BU[0-9A-Z]{8}$",
}
AREA_PARENT_LEVEL = {
    AreaLevel.DISTRICT: AreaLevel.MUNICIPALITY,
    AreaLevel.NEIGHBOURHOOD: AreaLevel.DISTRICT,
}
AREA_CODE_EXAMPLES = {
    AreaLevel.MUNICIPALITY: "GM0014",
    AreaLevel.DISTRICT: "WK001400",
    AreaLevel.NEIGHBOURHOOD: "BU00140000",
}


class Area(models.Model):
    """Gebied: a CBS gemeente, wijk or buurt in the division of one year.

    Boundaries change between years (Groningen absorbed Haren and Ten Boer in 2019), so an area is
    identified by its code and the year of the division it belongs to.
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
            models.UniqueConstraint(fields=["code", "year"], name="area_code_year_unique"),
            models.CheckConstraint(
                condition=(
                    Q(level=AreaLevel.MUNICIPALITY, code__regex=AREA_CODE_PATTERNS["gemeente"])
                    | Q(level=AreaLevel.DISTRICT, code__regex=AREA_CODE_PATTERNS["wijk"])
                    | Q(level=AreaLevel.NEIGHBOURHOOD, code__regex=AREA_CODE_PATTERNS["buurt"])
                ),
                name="area_code_matches_level",
                violation_error_message=_("The code does not match the CBS format of its level."),
            ),
            models.CheckConstraint(
                condition=Q(level=AreaLevel.MUNICIPALITY, parent__isnull=True)
                | (~Q(level=AreaLevel.MUNICIPALITY) & Q(parent__isnull=False)),
                name="area_parent_iff_below_municipality",
                violation_error_message=_(
                    "A district or neighbourhood must be part of an area; a municipality is not."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="area_year_range"
            ),
        ]
        indexes = [models.Index(fields=["level", "year"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        pattern = AREA_CODE_PATTERNS.get(self.level)
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
        expected_parent = AREA_PARENT_LEVEL.get(self.level)
        if self.level == AreaLevel.MUNICIPALITY and self.parent_id:
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
