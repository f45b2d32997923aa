"""A stale read asks for one refresh, not one per page view."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from stats.services import request_refresh


@pytest.mark.django_db
def test_stale_reads_queue_one_refresh(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for _read in range(5):
        request_refresh()
    queued = DBTaskResult.objects.filter(task_path="stats.tasks.refresh_aggregates")
    assert queued.count() == 1
    # Once the worker has started it, a later change needs a new one.
    queued.update(status=TaskResultStatus.RUNNING)
    request_refresh()
    request_refresh()
    assert queued.count() == 2
    assert queued.filter(status=TaskResultStatus.READY).count() == 1
