from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client

from core.roles import Role
from geo.loader import geography_load
from geo.models import AdminUnit, Level, MapEdition, UnitSuccession
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings: None) -> None:
    """No persistent connections in tests: the live server's threads must not
    keep the test database open when it is dropped. Extends pytest-django's
    fixture so each xdist worker still gets its own test database (_gw0, _gw1)."""
    from django.db import connections

    for each in connections.all():
        each.settings_dict["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the real map once per test database: tests run on real geography."""
    with django_db_blocker.unblock():
        load_geography()


# The rows of the map as the loader made them, kept by each test process after its
# first load: a flushed database gets them back by plain INSERTs.
_GEOGRAPHY: dict[type[Model], list[tuple[Any, ...]]] = {}


def load_geography() -> None:
    """The real map: the loader (names, paths, the succession: ~4 s) the first time in
    this process, then the same rows inserted as they were (under 1 s), since every
    transactional test flushes them."""
    models: tuple[type[Model], ...] = (AdminUnit, UnitSuccession)
    columns = {model: [f.attname for f in model._meta.concrete_fields] for model in models}
    present = AdminUnit.objects.exists()
    if present or not _GEOGRAPHY:
        if not present:
            geography_load()
        for model in models:
            _GEOGRAPHY[model] = list(model.objects.order_by("pk").values_list(*columns[model]))
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            names = ", ".join(quote(model._meta.get_field(n).column) for n in columns[model])
            marks = ", ".join(["%s"] * len(columns[model]))
            cursor.executemany(
                # Table and column names come from the models, the values are parameters.
                f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})",  # noqa: S608
                _GEOGRAPHY[model],
            )
        # PostgreSQL: the id sequences past the ids put back.
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Background tasks run inside the request in tests (no db_worker process)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploads made by tests land in a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _vietnamese_first() -> Any:
    """Every test starts in Vietnamese, whatever language an earlier test (or a
    request it made in this thread) left active."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


_DB_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_reset_sequences"})


@pytest.fixture(autouse=True)
def _reference_data_present(request: pytest.FixtureRequest) -> None:
    """A transactional (browser) test flushes every table, data migrations' rows
    included; whatever test runs next in that process finds the geography and the
    trainee categories back, whatever the order (pytest-xdist reorders files)."""
    if request.node.get_closest_marker("django_db") is None and not (
        _DB_FIXTURES & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from news.models import Category
    from people.models import TraineeCategory

    if not (
        TraineeCategory.objects.exists()
        and AdminUnit.objects.exists()
        and Category.objects.exists()
    ):
        ensure_reference_data()


def ensure_reference_data() -> None:
    """Transactional (browser) tests flush every table: put the reference data back."""
    from people.models import TraineeCategory
    from people.reference import seed_trainee_categories

    if not AdminUnit.objects.exists():
        load_geography()
    seed_trainee_categories(TraineeCategory)
    from django.apps import apps

    from news.models import Category

    if not Category.objects.exists():
        seed_news = importlib.import_module("news.migrations.0002_seed_categories")
        seed_news.seed(apps, None)


def legacy_unit(level: str, folded: str, parent: AdminUnit | None = None) -> AdminUnit:
    units = AdminUnit.objects.filter(edition=MapEdition.LEGACY, level=level, name_folded=folded)
    return units.get(parent=parent) if parent else units.get()


def current_unit(level: str, folded: str) -> AdminUnit:
    return AdminUnit.objects.get(edition=MapEdition.CURRENT, level=level, name_folded=folded)


@pytest.fixture
def binh_phuoc(db: Any) -> AdminUnit:
    ensure_reference_data()  # a transactional test before this one may have flushed it
    return legacy_unit(Level.PROVINCE, "tinh binh phuoc")


@pytest.fixture
def bu_dang(binh_phuoc: AdminUnit) -> AdminUnit:
    return legacy_unit(Level.DISTRICT, "huyen bu dang", binh_phuoc)


@pytest.fixture
def loc_ninh(binh_phuoc: AdminUnit) -> AdminUnit:
    return legacy_unit(Level.DISTRICT, "huyen loc ninh", binh_phuoc)


@pytest.fixture
def dong_nai(db: Any) -> AdminUnit:
    ensure_reference_data()
    return current_unit(Level.PROVINCE, "tinh dong nai")


@pytest.fixture
def province_org(binh_phuoc: AdminUnit) -> Any:
    return OrganizationFactory(name="Ban Dân vận Tỉnh ủy Bình Phước", territory=binh_phuoc)


@pytest.fixture
def owner_org(bu_dang: AdminUnit, province_org: Any) -> Any:
    return OrganizationFactory(
        name="Ban Dân vận Huyện ủy Bù Đăng", territory=bu_dang, parent=province_org
    )


@pytest.fixture
def outsider_org(loc_ninh: AdminUnit, province_org: Any) -> Any:
    return OrganizationFactory(
        name="Ban Dân vận Huyện ủy Lộc Ninh", territory=loc_ninh, parent=province_org
    )


@pytest.fixture
def owner(owner_org: Any) -> Any:
    """A manager of the Bù Đăng committee."""
    return UserFactory(username="owner", organization=owner_org, roles=[Role.COMMITTEE_MANAGER])


@pytest.fixture
def member(owner_org: Any) -> Any:
    """Staff of the same committee, without management rights."""
    return UserFactory(username="member", organization=owner_org, roles=[Role.COMMITTEE_STAFF])


@pytest.fixture
def outsider(outsider_org: Any) -> Any:
    """A manager of the neighbouring district: must never see Bù Đăng's records."""
    return UserFactory(
        username="outsider", organization=outsider_org, roles=[Role.COMMITTEE_MANAGER]
    )


@pytest.fixture
def admin_user(db: Any) -> Any:
    return UserFactory(username="root", organization=None, roles=[Role.ADMIN], is_superuser=True)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
