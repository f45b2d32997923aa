from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.models import User
from core.demo import DEMO_ACCOUNTS
from core.roles import Role
from news.models import Article
from orgs.models import Organization

ROOT = Path(__file__).resolve().parent.parent


def _settings_import(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); print('ok')",
        ],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "taphuan.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_secret_fails_loudly() -> None:
    result = _settings_import({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is required in production" in result.stderr


def test_production_needs_hosts_and_database() -> None:
    result = _settings_import({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert "ALLOWED_HOSTS is required" in result.stderr
    result = _settings_import({"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "a.vn"})
    assert "DATABASE_URL is required" in result.stderr


def test_bad_boolean_is_refused() -> None:
    result = _settings_import({"DEBUG": "maybe"})
    assert "not a boolean" in result.stderr


@pytest.mark.django_db
def test_demo_refuses_with_debug_off() -> None:
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_loads_once_with_every_role() -> None:
    with override_settings(DEBUG=True):
        call_command("load_demo")
        counts = (User.objects.count(), Organization.objects.count())
        call_command("load_demo")
    assert (User.objects.count(), Organization.objects.count()) == counts
    roles = {r for u in User.objects.all() for r in u.role_set()}
    assert roles == set(Role.values)
    assert len(DEMO_ACCOUNTS) == User.objects.count()
    bp = Organization.objects.get(name="Ban Dân vận Tỉnh ủy Bình Phước")
    assert bp.territory.is_legacy and bp.successor.territory.name == "Tỉnh Đồng Nai"
    assert bp.children.count() == 11  # scenario 1: 11 districts and towns
    central = Organization.objects.get(name="Ban Tuyên giáo và Dân vận Trung ương")
    assert central.names.get().name == "Ban Dân vận Trung ương"
    trainee = User.objects.get(username="hocvien.budang")
    assert trainee.person.enrollments.get().course.start_date.year == 2022  # scenario 5
    assert trainee.full_name == trainee.person.full_name
    assert Article.objects.filter(status="published").count() == 3  # /tin-tuc/ is not empty


def test_english_catalogue_is_complete() -> None:
    with (ROOT / "locale/en/LC_MESSAGES/django.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert missing == []
