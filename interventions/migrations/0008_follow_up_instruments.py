"""The two instruments of the follow-up as data: the Zelfredzaamheid-Matrix (13 domains, scores
1-5) and the Participatieladder (steps 1-6), with Dutch and English names."""

from django.db import migrations

ZRM_DOMAINS = [
    ("financien", "Financiën", "Finances"),
    ("werk_opleiding", "Werk & opleiding", "Work & education"),
    ("tijdsbesteding", "Tijdsbesteding", "Use of time"),
    ("huisvesting", "Huisvesting", "Housing"),
    ("huiselijke_relaties", "Huiselijke relaties", "Domestic relations"),
    ("geestelijke_gezondheid", "Geestelijke gezondheid", "Mental health"),
    ("lichamelijke_gezondheid", "Lichamelijke gezondheid", "Physical health"),
    ("middelengebruik", "Middelengebruik", "Substance use"),
    ("basale_adl", "Basale ADL", "Basic activities of daily living"),
    ("instrumentele_adl", "Instrumentele ADL", "Instrumental activities of daily living"),
    ("sociaal_netwerk", "Sociaal netwerk", "Social network"),
    ("maatschappelijke_participatie", "Maatschappelijke participatie", "Community participation"),
    ("justitie", "Justitie", "Justice"),
]
ZRM_LEVELS = [
    (1, "Acute problematiek", "Acute problems"),
    (2, "Niet zelfredzaam", "Not self-sufficient"),
    (3, "Beperkt zelfredzaam", "Barely self-sufficient"),
    (4, "Voldoende zelfredzaam", "Sufficiently self-sufficient"),
    (5, "Volledig zelfredzaam", "Fully self-sufficient"),
]
LADDER_LEVELS = [
    (1, "Geïsoleerd", "Isolated"),
    (2, "Sociale contacten buiten de deur", "Social contacts outside the home"),
    (3, "Deelname aan georganiseerde activiteiten", "Taking part in organised activities"),
    (4, "Onbetaald werk", "Unpaid work"),
    (5, "Betaald werk met ondersteuning", "Paid work with support"),
    (6, "Betaald werk", "Paid work"),
]
INSTRUMENTS = [
    ("zrm", "Zelfredzaamheid-Matrix", "Self-Sufficiency Matrix", 5, ZRM_DOMAINS, ZRM_LEVELS),
    (
        "participatieladder",
        "Participatieladder",
        "Participation ladder",
        6,
        [("trede", "Trede op de participatieladder", "Step on the participation ladder")],
        LADDER_LEVELS,
    ),
]


def seed(apps, schema_editor):
    Instrument = apps.get_model("interventions", "Instrument")
    Domain = apps.get_model("interventions", "InstrumentDomain")
    Level = apps.get_model("interventions", "InstrumentLevel")
    for order, (code, name_nl, name_en, top, domains, levels) in enumerate(INSTRUMENTS):
        instrument, _created = Instrument.objects.update_or_create(
            code=code,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "min_score": 1,
                "max_score": top,
                "sort_order": order,
            },
        )
        for position, (domain, domain_nl, domain_en) in enumerate(domains):
            Domain.objects.update_or_create(
                instrument=instrument,
                code=domain,
                defaults={"name_nl": domain_nl, "name_en": domain_en, "sort_order": position},
            )
        for score, level_nl, level_en in levels:
            Level.objects.update_or_create(
                instrument=instrument,
                score=score,
                defaults={"name_nl": level_nl, "name_en": level_en},
            )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0007_follow_up")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
