"""Actor groups are data: a catalogue file may bring its own groups (another municipality groups
its actors its own way), a file of before the groups were data still loads, the dump carries
the groups, and the migration keeps every existing actor in the group it had."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from interventions.catalogue.file import catalogue_dump, catalogue_load
from interventions.catalogue.models import Actor, ActorGroup

from .test_catalogue_file import SMALL

pytestmark = pytest.mark.django_db

OWN_GROUPS = [
    {"code": "inwoners", "name_nl": "Inwoners", "name_en": "Inhabitants"},
    {"code": "overheden", "name_nl": "Overheden", "name_en": "Public authorities"},
]


def with_groups(groups, sectors) -> dict:
    data = copy.deepcopy(SMALL)
    if groups is not None:
        data["actor_groups"] = copy.deepcopy(groups)
    for actor, sector in zip(data["actors"], sectors, strict=True):
        actor["sector"] = sector
    return data


def test_a_catalogue_with_its_own_groups_loads_them_in_order_and_puts_the_actors_in_them():
    ActorGroup.objects.all().delete()
    report = catalogue_load(with_groups(OWN_GROUPS, ["overheden", "inwoners"]))
    assert report.created["actor_groups"] == 2
    assert list(ActorGroup.objects.values_list("code", "name_nl", "name_en", "sort_order")) == [
        ("inwoners", "Inwoners", "Inhabitants", 0),
        ("overheden", "Overheden", "Public authorities", 1),
    ]
    assert Actor.objects.get(code="gemeente").group.code == "overheden"
    assert Actor.objects.get(code="huishouden").group.name_en == "Inhabitants"


def test_renaming_a_group_in_the_file_updates_it_and_loading_twice_changes_nothing():
    catalogue_load(with_groups(OWN_GROUPS, ["overheden", "inwoners"]))
    renamed = copy.deepcopy(OWN_GROUPS)
    renamed[0]["name_nl"] = "Bewoners"
    report = catalogue_load(with_groups(renamed, ["overheden", "inwoners"]))
    assert report.updated["actor_groups"] == 1
    assert ActorGroup.objects.get(code="inwoners").name_nl == "Bewoners"
    again = catalogue_load(with_groups(renamed, ["overheden", "inwoners"]))
    assert not again.created and not again.updated


def test_an_old_file_without_groups_still_loads_and_gets_the_default_groups():
    ActorGroup.objects.all().delete()
    catalogue_load(with_groups(None, ["government", "participants"]))
    government = Actor.objects.get(code="gemeente").group
    assert (government.code, government.name_nl, government.name_en) == (
        "government",
        "Overheid",
        "Government",
    )
    assert Actor.objects.get(code="huishouden").group.name_nl == "Deelnemers"
    assert set(ActorGroup.objects.values_list("code", flat=True)) == {"government", "participants"}


def test_an_actor_in_an_unknown_group_refuses_the_file():
    with pytest.raises(ValidationError) as error:
        catalogue_load(with_groups(OWN_GROUPS, ["overheden", "bedrijven"]))
    assert error.value.messages[0] == "actors[1].sector: Unknown actor group “bedrijven”."
    assert not Actor.objects.filter(code="huishouden").exists()


def test_a_group_needs_its_names_and_a_code_once():
    groups = [*copy.deepcopy(OWN_GROUPS), {"code": "inwoners", "name_nl": "X", "name_en": "X"}]
    with pytest.raises(ValidationError) as error:
        catalogue_load(with_groups(groups, ["overheden", "inwoners"]))
    assert "actor_groups: “inwoners” appears 2 times." in error.value.messages
    with pytest.raises(ValidationError) as error:
        catalogue_load(with_groups([{"code": "x", "name_nl": "X"}], ["x", "x"]))
    assert "actor_groups[0].name_en: This field is required." in error.value.messages


def test_the_dump_carries_the_groups_and_loads_back_unchanged():
    catalogue_load(with_groups(OWN_GROUPS, ["overheden", "inwoners"]))
    dumped = catalogue_dump()
    codes = [g["code"] for g in dumped["actor_groups"]]
    assert [code for code in codes if code in ("inwoners", "overheden")] == [
        "inwoners",
        "overheden",
    ]
    assert {a["code"]: a["sector"] for a in dumped["actors"]} == {
        "gemeente": "overheden",
        "huishouden": "inwoners",
    }
    report = catalogue_load(dumped)
    assert not report.created and not report.updated
    assert catalogue_dump() == dumped


def test_the_groningen_catalogue_lists_the_four_groups(groningen_catalogue):
    assert list(ActorGroup.objects.values_list("code", flat=True)) == [
        "participants",
        "residents",
        "government",
        "other",
    ]
    assert Actor.objects.get(code="gemeente").group.code == "government"


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_existing_actor_in_its_group():
    """Before the groups were data an actor had a ``sector`` choice; after the migration it points
    at the group row of that code (a code outside the four becomes a group of its own), and
    going back gives each actor its code again."""
    before = [("interventions", "0009_follow_up_names_without_control_characters")]
    after = [("interventions", "0012_actor_group_required")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        OldActor = old_apps.get_model("interventions", "Actor")
        for n, (code, sector) in enumerate(
            [("gemeente", "government"), ("huishouden", "participants"), ("wij", "stichting")]
        ):
            OldActor.objects.create(
                code=code, name_nl=code, name_en=code, sector=sector, sort_order=n
            )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new_apps = executor.loader.project_state(after).apps
        NewActor = new_apps.get_model("interventions", "Actor")
        groups = dict(NewActor.objects.values_list("code", "group__code"))
        assert groups == {
            "gemeente": "government",
            "huishouden": "participants",
            "wij": "stichting",
        }
        NewGroup = new_apps.get_model("interventions", "ActorGroup")
        assert list(NewGroup.objects.values_list("code", "name_nl")) == [
            ("participants", "Deelnemers"),
            ("residents", "Overige bewoners"),
            ("government", "Overheid"),
            ("other", "Overige partijen"),
            ("stichting", "stichting"),
        ]
        # And back: each actor gets its group's code as its sector again.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(before)
        OldActor = executor.loader.project_state(before).apps.get_model("interventions", "Actor")
        assert dict(OldActor.objects.values_list("code", "sector")) == {
            "gemeente": "government",
            "huishouden": "participants",
            "wij": "stichting",
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
