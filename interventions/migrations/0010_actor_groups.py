"""Actor groups become rows (ActorGroup) instead of fixed choices; actors get a nullable link to
their group, filled in by 0011 and made required by 0012."""

import django.db.models.deletion
from django.db import migrations, models

import siex.core.text
import interventions.catalogue.models


class Migration(migrations.Migration):

    dependencies = [
        ("interventions", "0009_follow_up_names_without_control_characters"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActorGroup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, validators=[interventions.catalogue.models.code_validator], verbose_name="code")),
                ("name_nl", models.CharField(max_length=100, validators=[siex.core.text.validate_no_control_characters], verbose_name="name (Dutch)")),
                ("name_en", models.CharField(max_length=100, validators=[siex.core.text.validate_no_control_characters], verbose_name="name (English)")),
                ("sort_order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "actor group",
                "verbose_name_plural": "actor groups",
                "ordering": ["sort_order", "code"],
            },
        ),
        migrations.AddField(
            model_name="actor",
            name="group",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actors",
                to="interventions.actorgroup",
                verbose_name="group",
            ),
        ),
    ]
