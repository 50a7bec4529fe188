from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    """The database cache (rate-limit counters, see settings.CACHES) needs its table;
    `migrate` creates it so that no deployment step can forget it. It does nothing
    when the cache is Redis."""
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("donations", "0004_erased_at")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
