"""Also log changes of people and their categories (the breakdowns read them)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from stats.services import triggers_install

    triggers_install()
    apps.get_model("stats", "AggregateState").objects.update(computed=None)


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0003_dim_figures"),
        ("people", "0003_person_registry_rosters"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
