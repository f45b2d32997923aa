"""A background write delivered twice at the same instant writes the file once (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.roles import Role
from ingest import services
from ingest.models import ImportJob, ImportKind, ImportStatus
from people.models import Person
from tests.concurrency import race
from tests.factories import OrganizationFactory, UserFactory
from tests.test_ingest_helpers import GOOD, HEADERS, csv_bytes

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write: concurrency is only meaningful on PostgreSQL",
    ),
]


def test_two_deliveries_of_one_write_task_write_once(dong_nai: Any, monkeypatch: Any) -> None:
    org = OrganizationFactory(name="Ban Dân vận Tỉnh ủy Đồng Nai", territory=dong_nai)
    user = UserFactory(username="dn", organization=org, roles=[Role.COMMITTEE_MANAGER])
    upload = SimpleUploadedFile("danh-sach.csv", csv_bytes([HEADERS, *GOOD]))
    job = services.job_create(actor=user, kind=ImportKind.PEOPLE, owner=org, upload=upload)
    job = services.job_submit(job)
    assert job.status == ImportStatus.PREVIEW
    # The job as job_confirm leaves it for the worker; two workers get the same task.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING)

    writes: list[int] = []
    real_import_table = services.import_table

    def counting_import_table(*args: Any, **kwargs: Any) -> Any:
        writes.append(1)
        return real_import_table(*args, **kwargs)

    monkeypatch.setattr(services, "import_table", counting_import_table)

    def write() -> str:
        fresh = ImportJob.objects.select_related("owner", "created_by").get(pk=job.pk)
        return str(services.job_write(fresh).status)

    results, errors = race([write, write])
    assert errors == []
    assert len(writes) == 1
    assert Person.objects.count() == len(GOOD)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert ImportStatus.DONE in results
