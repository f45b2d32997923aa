"""`makemessages` that never guesses: new strings stay untranslated, not fuzzy.

msgmerge's fuzzy matching fills a new msgid with the translation of a similar
old one ("Chờ duyệt" became "Approved"); an empty entry is caught by the
catalogue test instead.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
