"""Background tasks: check and write large files, updating the job's progress as they go.

The database backend runs them in `manage.py db_worker`; a failure leaves the
job "failed" with nothing written (the write runs in one transaction).
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ingest.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


def _run(job_pk: int, write: bool) -> None:
    from ingest import services

    job = ImportJob.objects.select_related("owner", "owner__territory", "created_by").get(pk=job_pk)
    if job.status in (ImportStatus.CANCELLED, ImportStatus.DONE, ImportStatus.FAILED):
        return
    # job_check and job_write refuse a job whose creator is gone (status "failed"),
    # skip a job cancelled meanwhile, and job_write only writes a claimed job.
    try:
        if write:
            services.job_write(job)
        else:
            services.job_check(job)
    except Exception:
        logger.exception("import job %s failed", job_pk)
        ImportJob.objects.filter(
            pk=job_pk, status__in=(ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING)
        ).update(
            status=ImportStatus.FAILED,
            message=_("Lỗi hệ thống khi xử lý tệp: chưa ghi gì. Hãy báo quản trị viên."),
            finished_at=timezone.now(),
        )
        raise


@task()
def check_job(job_pk: int) -> None:
    _run(job_pk, write=False)


@task()
def write_job(job_pk: int) -> None:
    _run(job_pk, write=True)
