from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    """The durable database cache (rate-limit counters and the page cache's content
    version, see settings.CACHES) needs its table too; createcachetable makes each
    database cache's table that is missing, and nothing when the caches are Redis."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("donations", "0009_resend_permission")]
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
