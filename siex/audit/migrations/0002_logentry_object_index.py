"""An index on django-auditlog's table for the question every history page asks: the entries of
these records of this kind. auditlog indexes content type and object pk separately; with millions of
entries (imports write one per row) combining the two costs tens of milliseconds per page."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS siex_logentry_object "
            "ON auditlog_logentry (content_type_id, object_pk)",
            reverse_sql="DROP INDEX IF EXISTS siex_logentry_object",
        ),
    ]
