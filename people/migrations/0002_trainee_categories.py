from django.db import migrations

from people.reference import seed_trainee_categories


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    seed_trainee_categories(apps.get_model("people", "TraineeCategory"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
