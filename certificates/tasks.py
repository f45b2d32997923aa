"""Background task: the certificates of a whole class (numbers, merged PDF, zip)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from certificates.models import BatchStatus, CertificateBatch

logger = logging.getLogger(__name__)


@task()
def run_batch(batch_pk: int) -> None:
    from certificates import services

    batch = CertificateBatch.objects.select_related("created_by").get(pk=batch_pk)
    try:
        services.batch_run(batch)
    except Exception as error:
        logger.exception("certificate batch %s failed", batch_pk)
        message = " ".join(getattr(error, "messages", [])) or _(
            "Lỗi hệ thống khi tạo giấy chứng nhận. Hãy báo quản trị viên."
        )
        CertificateBatch.objects.filter(
            pk=batch_pk, status__in=(BatchStatus.QUEUED, BatchStatus.RUNNING)
        ).update(status=BatchStatus.FAILED, message=message, finished_at=timezone.now())
