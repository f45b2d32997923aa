"""Import services: read, check, preview and write a file of people (all or nothing).

`import_file` is the whole pipeline for one file (used by the pages' jobs, the
`import_people` command and the benchmark). The `job_*` services keep an
`ImportJob` through its life: created (file stored), checked (preview with
counts, errors and the error report), written after confirmation, or
cancelled. Large files are checked and written by a background task
(`ingest.tasks`), which updates the job's progress as it goes.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role
from core.scope import CHANGE, get_for_user, has_role, require_owner_in_scope, roles_of
from ingest.checking import Checker, CheckResult, Outcome, Progress
from ingest.columns import HeaderError
from ingest.models import ImportJob, ImportKind, ImportStatus
from ingest.reading import FileRejected, Table, read_table
from ingest.reports import error_report
from ingest.writing import Writer, WriteRejected, WriteResult
from orgs.models import Organization
from people.models import Roster

FINAL = (ImportStatus.DONE, ImportStatus.CANCELLED, ImportStatus.FAILED)
# A job may be checked from these; a cancelled, written or writing one never is.
CHECKABLE = (
    ImportStatus.QUEUED,
    ImportStatus.CHECKING,
    ImportStatus.PREVIEW,
    ImportStatus.REJECTED,
)
CANCELLABLE = CHECKABLE
PROGRESS_SECONDS = 6 * 3600


@dataclass
class ImportOutcome:
    check: CheckResult
    written: WriteResult | None = None
    write_errors: list[Any] | None = None

    @property
    def rejected(self) -> bool:
        return self.written is None


def import_table(
    table: Table,
    *,
    owner: Organization,
    actor: Any,
    roster: Roster | None = None,
    course: Any = None,
    valid_only: bool = False,
    write: bool = True,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    source: str = "",
) -> ImportOutcome:
    """Check `table`; when asked and allowed, write it in one transaction.

    All or nothing: with any rejected row nothing is written, unless
    `valid_only`. Raises `HeaderError` when the header row is unusable.
    """
    checker = Checker(actor=actor, owner=owner, today=today or timezone.localdate())
    result = checker.check(table, progress)
    writer = Writer(checker=checker, owner=owner, actor=actor, progress=progress, source=source)
    if not write:
        if course is not None and result.valid_plans and (valid_only or not result.errors):
            # A nomination's rules (quota, period) are only known by trying: try, roll back.
            with transaction.atomic():
                written = writer.write(result, roster=roster, course=course)
                transaction.set_rollback(True)
            result.errors.extend(written.errors)
        return ImportOutcome(check=result)
    if result.errors and not valid_only:
        return ImportOutcome(check=result)
    if not result.valid_plans:
        return ImportOutcome(check=result)
    try:
        with transaction.atomic():
            written = writer.write(result, roster=roster, course=course)
            if written.errors and not valid_only:
                raise WriteRejected(written.errors)
    except WriteRejected as rejected:
        result.errors.extend(rejected.errors)
        return ImportOutcome(check=result, write_errors=rejected.errors)
    result.errors.extend(written.errors)
    return ImportOutcome(check=result, written=written)


def import_file(data: bytes, **options: Any) -> ImportOutcome:
    """`import_table` of a file's bytes; raises `FileRejected` or `HeaderError`."""
    return import_table(read_table(data), **options)


# --- jobs -----------------------------------------------------------------------------------


def _require_importer(actor: Any, owner: Organization) -> None:
    """Committees import for organisations in their territory; a focal point for their own."""
    if has_role(actor, {Role.FOCAL_POINT}) and not roles_of(actor) - {
        Role.FOCAL_POINT,
        Role.TRAINEE,
    }:
        if actor.organization_id != owner.pk:
            raise PermissionDenied(_("Đầu mối chỉ được nhập danh sách của đơn vị mình."))
        return
    require_owner_in_scope(actor, owner)


def job_create(
    *,
    actor: Any,
    kind: str,
    owner: Organization,
    upload: UploadedFile,
    roster: Roster | None = None,
    course: Any = None,
    valid_only: bool = False,
) -> ImportJob:
    """Store an uploaded file as a queued job (nothing read yet)."""
    _require_importer(actor, owner)
    if kind == ImportKind.ROSTER and roster is None:
        raise ValidationError(_("Hãy chọn danh sách đối tượng cần nhập vào."))
    if kind == ImportKind.NOMINATIONS and course is None:
        raise ValidationError(_("Hãy chọn lớp cần cử học viên."))
    if upload.size and upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("Tệp lớn hơn giới hạn %(limit)s MB.")
            % {"limit": settings.IMPORT_MAX_BYTES // 1024 // 1024}
        )
    options: dict[str, Any] = {"valid_only": valid_only}
    if roster is not None:
        options["roster"] = roster.pk
    if course is not None:
        options["course"] = course.pk
    job = ImportJob(
        kind=kind,
        owner=owner,
        original_name=(upload.name or "tep")[:255],
        options=options,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    job.file.save(upload.name or "upload", upload, save=False)
    job.save()
    return job


def _targets(job: ImportJob) -> tuple[Roster | None, Any]:
    from courses.models import Course

    roster = course = None
    if job.options.get("roster"):
        roster = Roster.objects.get(pk=job.options["roster"])
    if job.options.get("course"):
        course = Course.objects.get(pk=job.options["course"])
    return roster, course


def progress_key(job_pk: int) -> str:
    """The cache key of a job's progress (the write phase's database rows stay
    invisible until its transaction commits, the cache does not)."""
    return f"ingest:job-progress:{job_pk}"


def cached_progress(job: ImportJob) -> tuple[int, int] | None:
    value = cache.get(progress_key(job.pk))
    if isinstance(value, list | tuple) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None


class _JobProgress:
    """Saves the job's progress at most twice a second (other requests poll it):
    in the cache, and on the job's row (seen once outside a transaction)."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        self.job.progress_done, self.job.progress_total = done, total
        cache.set(progress_key(self.job.pk), (done, total), PROGRESS_SECONDS)
        ImportJob.objects.filter(pk=self.job.pk).update(progress_done=done, progress_total=total)


def _set(job: ImportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))


def _finish(job: ImportJob, expected: tuple[str, ...], **fields: Any) -> bool:
    """Set `fields` only while the job's status is still one of `expected`.

    False (and the job as the database has it) when another request moved it
    on meanwhile, such as a cancel during a background check.
    """
    updated = ImportJob.objects.filter(pk=job.pk, status__in=expected).update(**fields)
    cache.delete(progress_key(job.pk))
    if not updated:
        job.refresh_from_db()
        return False
    for name, value in fields.items():
        setattr(job, name, value)
    return True


def _creator_gone(job: ImportJob) -> str:
    """Why the job cannot run as its creator ("" when it can).

    Checking and writing act on behalf of the user who uploaded the file: never
    as nobody (the system), never as a deactivated account.
    """
    creator = job.created_by
    if creator is None or not creator.is_active:
        return _(
            "Người tải tệp lên không còn hoạt động trong hệ thống: lượt nhập này không được "
            "kiểm tra hay ghi. Hãy tải tệp lên lại."
        )
    return ""


def _fail_gone(job: ImportJob, expected: tuple[str, ...], message: str) -> ImportJob:
    _finish(job, expected, status=ImportStatus.FAILED, message=message, finished_at=timezone.now())
    return job


def _read(job: ImportJob) -> Table:
    with job.file.open("rb") as handle:
        data = handle.read()
    return read_table(data)


def job_rows(job: ImportJob) -> int:
    """Rows of the job's file (raises FileRejected); decides between now and background."""
    return len(_read(job).rows)


def job_check(job: ImportJob, *, table: Table | None = None) -> ImportJob:
    """Read and check the file; the job becomes a preview (or rejected) and writes nothing.

    The final status is set only if the job is still being checked: a job
    cancelled meanwhile stays cancelled.
    """
    gone = _creator_gone(job)
    if gone:
        return _fail_gone(job, CHECKABLE, gone)
    if not _finish(job, CHECKABLE, status=ImportStatus.CHECKING, progress_done=0):
        return job
    checking = (ImportStatus.CHECKING,)
    roster, course = _targets(job)
    try:
        table = table or _read(job)
        outcome = import_table(
            table,
            owner=job.owner,
            actor=job.created_by,
            roster=roster,
            course=course,
            valid_only=bool(job.options.get("valid_only")),
            write=False,
            progress=_JobProgress(job),
        )
    except (FileRejected, HeaderError) as error:
        _finish(
            job,
            checking,
            status=ImportStatus.REJECTED,
            message=str(error),
            finished_at=timezone.now(),
        )
        return job
    result = outcome.check
    summary = result.summary()
    if result.errors:
        job.error_report.save(f"loi-{job.pk}.xlsx", ContentFile(error_report(result)), save=False)
    valid = len(result.valid_plans)
    if result.errors and (not job.options.get("valid_only") or not valid):
        status = ImportStatus.REJECTED
        message = _(
            "Có %(errors)s lỗi ở %(rows)s dòng: chưa ghi gì. Hãy sửa tệp rồi tải lên lại, "
            "hoặc chọn chỉ nhập các dòng hợp lệ."
        ) % {"errors": len(result.errors), "rows": summary["counts"][Outcome.REJECT]}
    else:
        status = ImportStatus.PREVIEW
        message = ""
    _finish(
        job,
        checking,
        status=status,
        summary=summary,
        message=message,
        error_report=job.error_report,
        progress_done=summary["rows"],
        progress_total=summary["rows"],
    )
    return job


def job_write(job: ImportJob) -> ImportJob:
    """Check the file again (the registry may have changed) and write it in one transaction.

    Only a job that `job_confirm` claimed (status "writing") is written.
    """
    with transaction.atomic():
        # The row lock makes a second delivery of the same task (two workers, a retry)
        # skip the job instead of writing the file twice; it sees "done" afterwards.
        claimed = list(
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job.pk, status=ImportStatus.WRITING)
            .values_list("pk", flat=True)
        )
        if not claimed:
            job.refresh_from_db()
            return job
        return _job_write_claimed(job)


def _job_write_claimed(job: ImportJob) -> ImportJob:
    writing = (ImportStatus.WRITING,)
    gone = _creator_gone(job)
    if gone:
        return _fail_gone(job, writing, gone)
    roster, course = _targets(job)
    try:
        outcome = import_table(
            _read(job),
            owner=job.owner,
            actor=job.created_by,
            roster=roster,
            course=course,
            valid_only=bool(job.options.get("valid_only")),
            write=True,
            progress=_JobProgress(job),
            source=f"{job.original_name} (#{job.pk})",
        )
    except (FileRejected, HeaderError) as error:
        _finish(
            job,
            writing,
            status=ImportStatus.REJECTED,
            message=str(error),
            finished_at=timezone.now(),
        )
        return job
    summary = outcome.check.summary()
    if outcome.written is None:
        if outcome.check.errors:
            job.error_report.save(
                f"loi-{job.pk}.xlsx", ContentFile(error_report(outcome.check)), save=False
            )
        _finish(
            job,
            writing,
            status=ImportStatus.REJECTED,
            summary=summary,
            error_report=job.error_report,
            message=_("Có lỗi khi ghi: chưa ghi gì."),
            finished_at=timezone.now(),
        )
        return job
    summary["written"] = outcome.written.as_dict()
    _finish(
        job,
        writing,
        status=ImportStatus.DONE,
        summary=summary,
        message="",
        finished_at=timezone.now(),
    )
    return job


def _background(job: ImportJob) -> bool:
    rows = int(job.summary.get("rows", 0)) if job.summary else 0
    return rows > settings.IMPORT_BACKGROUND_ROWS


def job_submit(job: ImportJob) -> ImportJob:
    """Check now when the file is small; queue a background check when it is large."""
    from ingest import tasks

    try:
        table = _read(job)
    except FileRejected as error:
        _set(job, status=ImportStatus.REJECTED, message=str(error), finished_at=timezone.now())
        return job
    _set(job, progress_total=len(table.rows))
    if len(table.rows) > settings.IMPORT_BACKGROUND_ROWS:
        tasks.check_job.enqueue(job.pk)
        job.refresh_from_db()
        return job
    return job_check(job, table=table)


def job_confirm(*, actor: Any, job: ImportJob, valid_only: bool = False) -> ImportJob:
    """The user confirms the preview: write now, or in the background for a large file."""
    from ingest import tasks

    job = get_for_user(
        ImportJob.objects.select_related("owner", "created_by"), actor, job.pk, CHANGE
    )
    options = dict(job.options)
    if valid_only:
        options["valid_only"] = True
    writable = job.status == ImportStatus.PREVIEW or (
        job.status == ImportStatus.REJECTED
        and options.get("valid_only")
        and job.summary
        and sum(v for k, v in job.summary.get("counts", {}).items() if k != Outcome.REJECT)
    )
    if job.status in (ImportStatus.WRITING, ImportStatus.DONE):
        raise ValidationError(_("Lượt nhập này đang được ghi hoặc đã ghi xong."))
    if not writable:
        raise ValidationError(_("Lượt nhập này không còn chờ xác nhận."))
    gone = _creator_gone(job)
    if gone:
        _fail_gone(job, (job.status,), gone)
        raise ValidationError(gone)
    # Claim the job: of two confirmations at once, only the first one writes.
    claimed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportStatus.WRITING, progress_done=0, options=options
    )
    if not claimed:
        raise ValidationError(_("Lượt nhập này đang được ghi hoặc đã ghi xong."))
    cache.delete(progress_key(job.pk))
    job.status, job.progress_done, job.options = ImportStatus.WRITING, 0, options
    if _background(job):
        tasks.write_job.enqueue(job.pk)
        job.refresh_from_db()
        return job
    return job_write(job)


def job_cancel(*, actor: Any, job: ImportJob) -> ImportJob:
    job = get_for_user(ImportJob.objects.all(), actor, job.pk, CHANGE)
    # Conditional: a job that began writing (or finished) meanwhile is not cancelled.
    if not _finish(job, CANCELLABLE, status=ImportStatus.CANCELLED, finished_at=timezone.now()):
        raise ValidationError(_("Không thể huỷ lượt nhập này nữa."))
    return job
