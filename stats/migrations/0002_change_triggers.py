"""Triggers on the watched tables that log every change (see stats.services)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from stats.services import triggers_install

    triggers_install()


def remove(apps: Any, schema_editor: Any) -> None:
    from stats.services import triggers_remove

    triggers_remove()


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0001_initial"),
        ("nominations", "__first__"),
        ("courses", "__first__"),
        ("orgs", "__first__"),
        ("geo", "__first__"),
    ]

    operations = [migrations.RunPython(install, remove)]
