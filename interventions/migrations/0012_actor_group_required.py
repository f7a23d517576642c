"""Every actor is in a group; the former ``sector`` choices are gone (the catalogue file keeps
the key ``sector`` for the group's code)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("interventions", "0011_actor_groups_from_sectors"),
    ]

    operations = [
        # A default first, so that going back can add the column again to existing rows (0011
        # then fills it in from the groups).
        migrations.AlterField(
            model_name="actor",
            name="sector",
            field=models.CharField(default="other", max_length=20, verbose_name="group"),
        ),
        migrations.RemoveField(
            model_name="actor",
            name="sector",
        ),
        migrations.AlterField(
            model_name="actor",
            name="group",
            field=models.ForeignKey(
                help_text="The group the effecten-arena shows the actor in.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actors",
                to="interventions.actorgroup",
                verbose_name="group",
            ),
        ),
    ]
