"""The four groups of the former choices become rows, and every actor points at the group its
``sector`` named (a code outside the four becomes a group of its own).

Only an installation that has actors gets the groups here; on an empty database the catalogue
file brings them (Groningen's lists the same four; a file without groups gets these by code)."""

from django.db import migrations

#: A copy of interventions.catalogue.groups.DEFAULT_ACTOR_GROUPS as it was when this ran.
GROUPS = (
    ("participants", "Deelnemers", "Participants"),
    ("residents", "Overige bewoners", "Other residents"),
    ("government", "Overheid", "Government"),
    ("other", "Overige partijen", "Other parties"),
)


def groups_from_sectors(apps, schema_editor):
    ActorGroup = apps.get_model("interventions", "ActorGroup")
    Actor = apps.get_model("interventions", "Actor")
    if not Actor.objects.exists():
        return
    groups = {}
    for n, (code, name_nl, name_en) in enumerate(GROUPS):
        groups[code], _created = ActorGroup.objects.get_or_create(
            code=code, defaults={"name_nl": name_nl, "name_en": name_en, "sort_order": n}
        )
    for actor in Actor.objects.order_by("id"):
        code = actor.sector or "other"
        if code not in groups:
            groups[code] = ActorGroup.objects.create(
                code=code, name_nl=code, name_en=code, sort_order=len(groups)
            )
        actor.group = groups[code]
        actor.save(update_fields=["group"])


def sectors_from_groups(apps, schema_editor):
    Actor = apps.get_model("interventions", "Actor")
    for actor in Actor.objects.select_related("group").order_by("id"):
        actor.sector = actor.group.code[:20] if actor.group else "other"
        actor.save(update_fields=["sector"])


class Migration(migrations.Migration):

    dependencies = [
        ("interventions", "0010_actor_groups"),
    ]

    operations = [
        migrations.RunPython(groups_from_sectors, sectors_from_groups),
    ]
