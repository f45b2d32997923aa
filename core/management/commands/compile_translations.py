"""Compile locale/*/LC_MESSAGES/django.po to .mo without GNU gettext.

`make run` must work on a machine with only Python and make, and Django's
compilemessages needs the msgfmt binary; Babel does the same in Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the project's .po translation files to .mo (pure Python)."

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as handle:
                    catalog = read_po(handle, locale=po_path.parts[-3])
                with mo_path.open("wb") as handle:
                    write_mo(handle, catalog, use_fuzzy=False)
                self.stdout.write(f"compiled {mo_path}")
