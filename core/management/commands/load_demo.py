from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.demo import DEMO_ACCOUNTS, DemoRefused, demo_load


class Command(BaseCommand):
    help = "Load the demo organisations of the five scenarios and one account per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Load even with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = demo_load(force=options["force"])
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        if not created:
            self.stdout.write("Demo data already loaded.")
        self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<18} {account.role:<18} {account.note}")
