"""The catalogue file (format ``siex-catalogue``, version 1): life domains, actor groups, actors
with budget lines, outcomes with their values, and intervention types with their outcome links.

The format is documented in ``docs/catalogue-format.md``. Another municipality replaces Groningen's
catalogue by loading its own file; a scenario file (issue 3) embeds the same structure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from siex.core.text import CONTROL_CHARACTER_MESSAGE, control_characters_in
from siex.core.versioning import VersionedModel

from .groups import default_group
from .models import (
    COST_PHASING_FIELDS,
    COST_PHASING_YEARS,
    Actor,
    ActorGroup,
    BudgetLine,
    InterventionOutcome,
    InterventionType,
    LifeDomain,
    LifeDomainMapping,
    Outcome,
    OutcomeValue,
)

FORMAT = "siex-catalogue"
FORMAT_VERSION = 1

SECTIONS = (
    "life_domains",
    "life_domain_mappings",
    "actor_groups",
    "actors",
    "outcomes",
    "intervention_types",
)
OUTCOME_NUMBERS = (
    "lag_years",
    "duration_years",
    "drop_off_pct",
    "deadweight_pct",
    "attribution_pct",
    "displacement_pct",
)


@dataclass
class ImportReport:
    """How many rows of each kind the file created, changed, or left as they were."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def count(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return "; ".join(
            f"{kind}: {self.created[kind]} new, {self.updated[kind]} changed, "
            f"{self.unchanged[kind]} unchanged"
            for kind in kinds
        )


def _decimals(value: Any) -> Any:
    """Floats from JSON become Decimals of their written form (0.3, not 0.2999...)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: _decimals(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decimals(item) for item in value]
    return value


def _same(model_field: models.Field, current: Any, new: Any) -> bool:
    if isinstance(model_field, models.ForeignKey):
        return getattr(current, "pk", current) == getattr(new, "pk", new)
    if isinstance(model_field, models.DecimalField) and current is not None and new is not None:
        try:
            return Decimal(str(current)) == Decimal(str(new))
        except InvalidOperation:
            return False
    return current == new


class _Loader:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.report = ImportReport()
        self.domains = {d.code: d for d in LifeDomain.objects.all()}
        self.groups = {g.code: g for g in ActorGroup.objects.all()}
        self.actors = {a.code: a for a in Actor.objects.all()}
        self.budget_lines = {
            (b.actor.code, b.code): b for b in BudgetLine.objects.select_related("actor")
        }
        self.outcomes = {o.code: o for o in Outcome.objects.all()}

    # -- helpers --

    def error(self, path: str, error: ValidationError | str) -> None:
        if isinstance(error, str):
            self.errors.append(f"{path}: {error}")
        elif hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                where = path if name == "__all__" else f"{path}.{name}"
                self.errors.extend(f"{where}: {message}" for message in messages)
        else:
            self.errors.extend(f"{path}: {message}" for message in error.messages)

    def required(self, path: str, item: Any, keys: tuple[str, ...]) -> bool:
        if not isinstance(item, dict):
            self.error(
                path, _("Expected an object with the fields %(keys)s.") % {"keys": ", ".join(keys)}
            )
            return False
        missing = [key for key in keys if item.get(key) in (None, "")]
        for key in missing:
            self.error(f"{path}.{key}", _("This field is required."))
        return not missing

    def save(self, kind: str, path: str, instance: models.Model, values: dict[str, Any]) -> bool:
        """Create ``instance`` or apply ``values`` to it; save only what really changed."""
        changed = instance.pk is None
        for name, value in values.items():
            model_field = instance._meta.get_field(name)
            attname = model_field.attname if isinstance(model_field, models.ForeignKey) else name
            current = getattr(instance, attname)
            if not _same(model_field, current, value):
                changed = True
            setattr(instance, name, value)
        if not changed:
            self.report.count(kind, "unchanged")
            return True
        try:
            instance.full_clean(validate_unique=True)
        except ValidationError as error:
            self.error(path, error)
            return False
        outcome = "created" if instance.pk is None else "updated"
        if isinstance(instance, VersionedModel) and instance.pk is not None:
            instance.version += 1
        instance.save()
        self.report.count(kind, outcome)
        return True

    def boolean(self, path: str, item: dict, key: str, default: bool) -> bool:
        value = item.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{path}.{key}", _("Write true or false (without quotes)."))
            return default
        return value

    def lookup(self, path: str, table: dict, key: Any, message: str) -> Any:
        if key not in table:
            self.error(path, message % {"code": key})
            return None
        return table[key]

    def domain(self, path: str, code: Any) -> LifeDomain | None:
        return self.lookup(path, self.domains, code, _("Unknown life domain “%(code)s”."))

    def actor(self, path: str, code: Any) -> Actor | None:
        return self.lookup(path, self.actors, code, _("Unknown actor “%(code)s”."))

    def group(self, path: str, code: Any) -> ActorGroup | None:
        """The actor group ``code``: of the file or the database, or one of the four default
        groups, created when a file without its own groups names it (files of before the groups
        were data name only the four)."""
        if code not in self.groups and (default := default_group(code)) is not None:
            group = ActorGroup(**default)
            if self.save("actor_groups", path, group, {}):
                self.groups[code] = group
        return self.lookup(path, self.groups, code, _("Unknown actor group “%(code)s”."))

    def budget_line(self, path: str, actor_code: Any, code: Any) -> BudgetLine | None:
        if code in (None, ""):
            return None
        line = self.budget_lines.get((actor_code, code))
        if line is None:
            self.error(
                path,
                _("Actor “%(actor)s” has no budget line “%(code)s”.")
                % {"actor": actor_code, "code": code},
            )
        return line

    def replace_children(
        self, kind: str, manager, wanted: list[models.Model], compare: tuple[str, ...]
    ) -> None:
        """Replace the rows of a nested list only when they differ from what is stored."""

        def key(row: models.Model) -> tuple:
            return tuple(
                Decimal(str(v))
                if isinstance(v, float | int | Decimal) and not isinstance(v, bool)
                else v
                for v in (getattr(row, name) for name in compare)
            )

        stored = sorted(map(key, manager.all()), key=repr)
        if stored == sorted(map(key, wanted), key=repr):
            self.report.count(kind, "unchanged")
            return
        manager.all().delete()
        type(wanted[0]).objects.bulk_create(wanted) if wanted else None
        self.report.count(kind, "updated" if stored else "created")

    def duplicates(self, section: str, items: list, key) -> None:
        seen = Counter(key(item) for item in items if isinstance(item, dict))
        for value, count in seen.items():
            if count > 1 and value is not None:
                self.error(
                    section, _("“%(code)s” appears %(n)s times.") % {"code": value, "n": count}
                )

    # -- sections --

    def life_domains(self, items: list) -> None:
        self.duplicates("life_domains", items, lambda item: item.get("code"))
        for n, item in enumerate(items):
            path = f"life_domains[{n}]"
            if not self.required(path, item, ("code", "name_nl", "name_en")):
                continue
            domain = self.domains.get(item["code"]) or LifeDomain(code=item["code"])
            values = {
                "name_nl": item["name_nl"],
                "name_en": item["name_en"],
                "description": item.get("description", ""),
                "sort_order": n,
            }
            if self.save("life_domains", path, domain, values):
                self.domains[domain.code] = domain

    def life_domain_mappings(self, items: list) -> None:
        self.duplicates(
            "life_domain_mappings",
            items,
            lambda item: f"{item.get('framework')}: {item.get('label')}",
        )
        for n, item in enumerate(items):
            path = f"life_domain_mappings[{n}]"
            if not self.required(path, item, ("framework", "label", "domain")):
                continue
            domain = self.domain(f"{path}.domain", item["domain"])
            if domain is None:
                continue
            mapping = LifeDomainMapping.objects.filter(
                framework=item["framework"], label=item["label"]
            ).first() or LifeDomainMapping(framework=item["framework"], label=item["label"])
            self.save("life_domain_mappings", path, mapping, {"domain": domain})

    def actor_groups(self, items: list) -> None:
        self.duplicates("actor_groups", items, lambda item: item.get("code"))
        for n, item in enumerate(items):
            path = f"actor_groups[{n}]"
            if not self.required(path, item, ("code", "name_nl", "name_en")):
                continue
            group = self.groups.get(item["code"]) or ActorGroup(code=item["code"])
            values = {"name_nl": item["name_nl"], "name_en": item["name_en"], "sort_order": n}
            if self.save("actor_groups", path, group, values):
                self.groups[group.code] = group

    def actors_(self, items: list) -> None:
        self.duplicates("actors", items, lambda item: item.get("code"))
        for n, item in enumerate(items):
            path = f"actors[{n}]"
            if not self.required(path, item, ("code", "name_nl", "name_en", "sector")):
                continue
            group = self.group(f"{path}.sector", item["sector"])
            if group is None:
                continue
            actor = self.actors.get(item["code"]) or Actor(code=item["code"])
            values = {
                "name_nl": item["name_nl"],
                "name_en": item["name_en"],
                "group": group,
                "is_municipality": self.boolean(path, item, "is_municipality", False),
                "description": item.get("description", ""),
                "sort_order": n,
            }
            if not self.save("actors", path, actor, values):
                continue
            self.actors[actor.code] = actor
            lines = item.get("budget_lines", [])
            self.duplicates(f"{path}.budget_lines", lines, lambda line: line.get("code"))
            for m, line_item in enumerate(lines):
                line_path = f"{path}.budget_lines[{m}]"
                if not self.required(line_path, line_item, ("code", "name_nl", "name_en")):
                    continue
                line = self.budget_lines.get((actor.code, line_item["code"])) or BudgetLine(
                    actor=actor, code=line_item["code"]
                )
                values = {"name_nl": line_item["name_nl"], "name_en": line_item["name_en"]}
                if self.save("budget_lines", line_path, line, values):
                    self.budget_lines[(actor.code, line.code)] = line

    def outcomes_(self, items: list) -> None:
        self.duplicates("outcomes", items, lambda item: item.get("code"))
        required = ("code", "name_nl", "name_en", "life_domain", "confidence_grade", "source")
        for n, item in enumerate(items):
            path = f"outcomes[{n}]"
            if not self.required(path, item, required):
                continue
            domain = self.domain(f"{path}.life_domain", item["life_domain"])
            if domain is None:
                continue
            outcome = self.outcomes.get(item["code"]) or Outcome(code=item["code"])
            values = {
                "name_nl": item["name_nl"],
                "name_en": item["name_en"],
                "life_domain": domain,
                "description": item.get("description", ""),
                "ramp_up": _ramp_up(item.get("ramp_up", [])),
                "confidence_grade": item["confidence_grade"],
                "source": item["source"],
                **{
                    key: item.get(key, Outcome._meta.get_field(key).get_default())
                    for key in OUTCOME_NUMBERS
                },
            }
            if not self.save("outcomes", path, outcome, values):
                continue
            self.outcomes[outcome.code] = outcome
            rows = []
            valid = True
            for m, value_item in enumerate(item.get("values", [])):
                value_path = f"{path}.values[{m}]"
                if not self.required(
                    value_path, value_item, ("actor", "value_type", "annual_amount")
                ):
                    valid = False
                    continue
                actor = self.actor(f"{value_path}.actor", value_item["actor"])
                line = self.budget_line(
                    f"{value_path}.budget_line", value_item["actor"], value_item.get("budget_line")
                )
                if actor is None:
                    valid = False
                    continue
                row = OutcomeValue(
                    outcome=outcome,
                    actor=actor,
                    budget_line=line,
                    value_type=value_item["value_type"],
                    is_transfer=self.boolean(value_path, value_item, "is_transfer", False),
                    annual_amount=value_item["annual_amount"],
                    note=value_item.get("note", ""),
                )
                try:
                    row.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    self.error(value_path, error)
                    valid = False
                rows.append(row)
            keys = Counter((r.actor_id, r.budget_line_id, r.value_type) for r in rows)
            if any(count > 1 for count in keys.values()):
                self.error(
                    f"{path}.values",
                    _("An actor appears twice with the same value type and budget line."),
                )
                valid = False
            if valid:
                self.replace_children(
                    "outcome_values",
                    outcome.values,
                    rows,
                    (
                        "actor_id",
                        "budget_line_id",
                        "value_type",
                        "is_transfer",
                        "annual_amount",
                        "note",
                    ),
                )

    def intervention_types(self, items: list) -> None:
        self.duplicates("intervention_types", items, lambda item: item.get("code"))
        required = (
            "code",
            "name_nl",
            "name_en",
            "life_domain",
            "unit_cost",
            "cost_phasing",
            "paying_actor",
            "cost_source",
            "cost_confidence_grade",
        )
        for n, item in enumerate(items):
            path = f"intervention_types[{n}]"
            if not self.required(path, item, required):
                continue
            domain = self.domain(f"{path}.life_domain", item["life_domain"])
            actor = self.actor(f"{path}.paying_actor", item["paying_actor"])
            line = self.budget_line(
                f"{path}.paying_budget_line", item["paying_actor"], item.get("paying_budget_line")
            )
            phasing = self.phasing(f"{path}.cost_phasing", item["cost_phasing"])
            if domain is None or actor is None or phasing is None:
                continue
            intervention_type = InterventionType.objects.filter(code=item["code"]).first() or (
                InterventionType(code=item["code"])
            )
            values = {
                "name_nl": item["name_nl"],
                "name_en": item["name_en"],
                "provider": item.get("provider", ""),
                "life_domain": domain,
                "description": item.get("description", ""),
                "unit_cost": item["unit_cost"],
                "paying_actor": actor,
                "paying_budget_line": line,
                "typical_duration_months": item.get("typical_duration_months", 12),
                "cost_source": item["cost_source"],
                "cost_confidence_grade": item["cost_confidence_grade"],
                "is_active": self.boolean(path, item, "is_active", True),
                **phasing,
            }
            if not self.save("intervention_types", path, intervention_type, values):
                continue
            links = []
            valid = True
            for m, link_item in enumerate(item.get("outcomes", [])):
                link_path = f"{path}.outcomes[{m}]"
                if not self.required(link_path, link_item, ("outcome", "success_probability")):
                    valid = False
                    continue
                outcome = self.lookup(
                    f"{link_path}.outcome",
                    self.outcomes,
                    link_item["outcome"],
                    _("Unknown outcome “%(code)s”."),
                )
                if outcome is None:
                    valid = False
                    continue
                link = InterventionOutcome(
                    intervention_type=intervention_type,
                    outcome=outcome,
                    success_probability=link_item["success_probability"],
                    note=link_item.get("note", ""),
                )
                try:
                    link.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    self.error(link_path, error)
                    valid = False
                links.append(link)
            if len({link.outcome_id for link in links}) != len(links):
                self.error(f"{path}.outcomes", _("An outcome is linked twice."))
                valid = False
            if valid:
                self.replace_children(
                    "outcome_links",
                    intervention_type.outcome_links,
                    links,
                    ("outcome_id", "success_probability", "note"),
                )

    def phasing(self, path: str, phasing: Any) -> dict[str, Decimal] | None:
        message = _(
            "The cost phasing is a list of 1 to %(n)s shares between 0 and 1, with at most 4 "
            "decimals, that add up to 1, for example [0.6, 0.4]."
        ) % {"n": COST_PHASING_YEARS}
        if not isinstance(phasing, list) or not 1 <= len(phasing) <= COST_PHASING_YEARS:
            self.error(path, message)
            return None
        try:
            shares = [Decimal(str(share)) for share in phasing]
        except InvalidOperation:
            self.error(path, message)
            return None
        if (
            any(not Decimal(0) <= share <= Decimal(1) for share in shares)
            or sum(shares) != 1
            or any(share.as_tuple().exponent < -4 for share in shares)
        ):
            self.error(path, message)
            return None
        shares += [Decimal(0)] * (COST_PHASING_YEARS - len(shares))
        return dict(zip(COST_PHASING_FIELDS, shares, strict=True))


def _ramp_up(value: Any) -> Any:
    """The ramp-up profile is stored as JSON numbers."""
    if isinstance(value, list):
        return [float(share) if isinstance(share, Decimal) else share for share in value]
    return value


#: The text fields of each list of the file (and of the lists inside its entries).
TEXT_FIELDS = {
    "life_domains": ("code", "name_nl", "name_en", "description"),
    "life_domain_mappings": ("framework", "label", "domain"),
    "actor_groups": ("code", "name_nl", "name_en"),
    "actors": ("code", "name_nl", "name_en", "sector", "description"),
    "actors.budget_lines": ("code", "name_nl", "name_en"),
    "outcomes": ("code", "name_nl", "name_en", "life_domain", "description", "source"),
    "outcomes.values": ("actor", "budget_line", "value_type", "note"),
    "intervention_types": (
        "code",
        "name_nl",
        "name_en",
        "provider",
        "life_domain",
        "description",
        "paying_actor",
        "paying_budget_line",
        "cost_source",
    ),
    "intervention_types.outcomes": ("outcome", "note"),
}


def _not_text(data: dict) -> list[str]:
    """The paths of the text fields that hold something else than text (or nothing)."""

    def entries(items: Any, path: str):
        if isinstance(items, list):
            for n, item in enumerate(items):
                if isinstance(item, dict):
                    yield f"{path}[{n}]", item

    found = []
    for section in SECTIONS:
        for path, item in entries(data.get(section), section):
            found += [
                f"{path}.{key}"
                for key in TEXT_FIELDS[section]
                if item.get(key) is not None and not isinstance(item[key], str)
            ]
            for nested in ("budget_lines", "values", "outcomes"):
                keys = TEXT_FIELDS.get(f"{section}.{nested}")
                if keys is None:
                    continue
                for inner_path, inner in entries(item.get(nested), f"{path}.{nested}"):
                    found += [
                        f"{inner_path}.{key}"
                        for key in keys
                        if inner.get(key) is not None and not isinstance(inner[key], str)
                    ]
    return found


def catalogue_load(data: Any) -> ImportReport:
    """Load a catalogue file's content into the database: all rows or none.

    Rows are matched on their code; a file loaded twice changes nothing the second time. The
    values of an outcome and the outcome links of an intervention type are replaced by those in
    the file. Rows that are in the database but not in the file are left alone (registrations may
    refer to them). Raises a ValidationError listing every error with its place in the file.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(_("This is not a SIEX catalogue file (format “siex-catalogue”)."))
    if data.get("version") != FORMAT_VERSION:
        raise ValidationError(
            _("Catalogue file version %(found)s is not supported (expected %(expected)s).")
            % {"found": data.get("version"), "expected": FORMAT_VERSION}
        )
    for section in SECTIONS:
        if not isinstance(data.get(section, []), list):
            raise ValidationError(_("“%(section)s” must be a list.") % {"section": section})
    # Every text of the file (codes, names, descriptions, sources, notes) must be text without
    # control characters before any of it is looked up or stored: the database cannot compare a
    # code with a list, nor store a NUL.
    problems = [f"{path}: {_('Expected text.')}" for path in _not_text(data)] + [
        f"{path}: {CONTROL_CHARACTER_MESSAGE % {'position': position}}"
        for path, position in control_characters_in(data)
    ]
    if problems:
        raise ValidationError(problems)

    data = _decimals(data)
    with transaction.atomic():
        loader = _Loader()
        loader.life_domains(data.get("life_domains", []))
        loader.life_domain_mappings(data.get("life_domain_mappings", []))
        loader.actor_groups(data.get("actor_groups", []))
        loader.actors_(data.get("actors", []))
        loader.outcomes_(data.get("outcomes", []))
        loader.intervention_types(data.get("intervention_types", []))
        if loader.errors:
            transaction.set_rollback(True)
    if loader.errors:
        raise ValidationError(loader.errors)
    return loader.report


def catalogue_dump() -> dict[str, Any]:
    """The catalogue in the database as a file's content (the inverse of ``catalogue_load``)."""

    def number(value: Decimal) -> float | int:
        return int(value) if value == value.to_integral_value() else float(value)

    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "life_domains": [
            {
                "code": d.code,
                "name_nl": d.name_nl,
                "name_en": d.name_en,
                "description": d.description,
            }
            for d in LifeDomain.objects.all()
        ],
        "life_domain_mappings": [
            {"framework": m.framework, "label": m.label, "domain": m.domain.code}
            for m in LifeDomainMapping.objects.select_related("domain").order_by("framework", "id")
        ],
        "actor_groups": [
            {"code": g.code, "name_nl": g.name_nl, "name_en": g.name_en}
            for g in ActorGroup.objects.all()
        ],
        "actors": [
            {
                "code": a.code,
                "name_nl": a.name_nl,
                "name_en": a.name_en,
                # The file names an actor's group ``sector`` (as before groups were data).
                "sector": a.group.code,
                "is_municipality": a.is_municipality,
                "description": a.description,
                "budget_lines": [
                    {"code": b.code, "name_nl": b.name_nl, "name_en": b.name_en}
                    for b in a.budget_lines.order_by("id")
                ],
            }
            for a in Actor.objects.select_related("group").prefetch_related("budget_lines")
        ],
        "outcomes": [
            {
                "code": o.code,
                "name_nl": o.name_nl,
                "name_en": o.name_en,
                "life_domain": o.life_domain.code,
                "description": o.description,
                **{key: number(Decimal(getattr(o, key))) for key in OUTCOME_NUMBERS},
                "ramp_up": o.ramp_up,
                "confidence_grade": o.confidence_grade,
                "source": o.source,
                "values": [
                    {
                        "actor": v.actor.code,
                        "budget_line": v.budget_line.code if v.budget_line else None,
                        "value_type": v.value_type,
                        "is_transfer": v.is_transfer,
                        "annual_amount": number(v.annual_amount),
                        "note": v.note,
                    }
                    for v in o.values.select_related("actor", "budget_line").order_by("id")
                ],
            }
            for o in Outcome.objects.select_related("life_domain").order_by("id")
        ],
        "intervention_types": [
            {
                "code": t.code,
                "name_nl": t.name_nl,
                "name_en": t.name_en,
                "provider": t.provider,
                "life_domain": t.life_domain.code,
                "description": t.description,
                "unit_cost": number(t.unit_cost),
                "cost_phasing": [number(share) for share in t.cost_phasing],
                "paying_actor": t.paying_actor.code,
                "paying_budget_line": t.paying_budget_line.code if t.paying_budget_line else None,
                "typical_duration_months": t.typical_duration_months,
                "cost_source": t.cost_source,
                "cost_confidence_grade": t.cost_confidence_grade,
                "is_active": t.is_active,
                "outcomes": [
                    {
                        "outcome": link.outcome.code,
                        "success_probability": number(link.success_probability),
                        "note": link.note,
                    }
                    for link in t.outcome_links.select_related("outcome").order_by("id")
                ],
            }
            for t in InterventionType.objects.select_related(
                "life_domain", "paying_actor", "paying_budget_line"
            ).order_by("id")
        ],
    }
