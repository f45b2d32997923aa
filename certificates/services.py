"""Issuing, revoking and reissuing certificates; batches for a whole class.

Numbers come from the issuer's series for the year, reserved by one UPDATE of its
counter inside the issuing transaction (the row stays locked until commit): two
staff issuing at the same moment queue on the lock, so numbers never repeat or
skip, and a refused issue rolls the counter back with everything else. The unique
constraint (series, number) is the database's own guard behind it.
"""

from __future__ import annotations

import datetime
import secrets
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import documents
from certificates.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateSeries,
    CertificateStatus,
)
from core.scope import CHANGE, get_for_user, require_change
from core.text import clean_note
from courses.models import Course
from nominations.models import Enrollment, EnrollmentStatus


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# A batch may be dated ahead for a closing ceremony, not for a year ahead.
ISSUE_AHEAD = datetime.timedelta(days=31)


@dataclass(frozen=True)
class Signature:
    issued_on: datetime.date
    signer_name: str
    signer_title: str

    def check(self, course: Course | None = None) -> None:
        if not self.signer_name.strip() or not self.signer_title.strip():
            raise ValidationError(_("Phải ghi họ tên và chức vụ người ký."))
        if len(self.signer_name) > 120 or len(self.signer_title) > 200:
            raise ValidationError(_("Họ tên hoặc chức vụ người ký quá dài."))
        latest = timezone.localdate() + ISSUE_AHEAD
        if self.issued_on > latest:
            raise ValidationError(
                {
                    "issued_on": _(
                        "Ngày cấp %(d)s quá xa: chỉ được ghi trước tối đa %(n)d ngày (đến %(l)s)."
                    )
                    % {"d": _d(self.issued_on), "n": ISSUE_AHEAD.days, "l": _d(latest)}
                }
            )
        if course is not None and self.issued_on < course.end_date:
            raise ValidationError(
                {
                    "issued_on": _("Ngày cấp %(d)s trước ngày kết thúc lớp (%(e)s).")
                    % {"d": _d(self.issued_on), "e": _d(course.end_date)}
                }
            )


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no I/O/0/1


def new_code() -> str:
    """An unguessable verification code (80 random bits, base32, 16 characters)."""
    bits = int.from_bytes(secrets.token_bytes(10), "big")
    return "".join([CODE_ALPHABET[bits >> shift & 31] for shift in range(0, 80, 5)])


def _check_completed(enrollment: Enrollment) -> None:
    if enrollment.status != EnrollmentStatus.ENROLLED or not enrollment.completed:
        raise ValidationError(
            _("%(name)s chưa hoàn thành lớp học: không thể cấp giấy chứng nhận.")
            % {"name": enrollment.person.full_name}
        )


def _take_numbers(course: Course, year: int, count: int) -> tuple[CertificateSeries, int]:
    """Reserve `count` consecutive numbers of the issuer's series for `year`.

    One UPDATE moves the counter; it holds the row lock until the surrounding
    transaction ends, so a second issuer waits and then counts on from the
    committed value (or from the old one if this transaction rolls back).
    """
    CertificateSeries.objects.get_or_create(issuer=course.owner, year=year)
    rows = CertificateSeries.objects.filter(issuer=course.owner, year=year)
    rows.update(next_number=F("next_number") + count)
    series = rows.get()
    return series, series.next_number - count


def _check(
    actor: Any, course: Course, enrollments: Sequence[Enrollment], signature: Signature
) -> None:
    if actor is not None:
        require_change(actor, course)
    signature.check(course)
    for enrollment in enrollments:
        if enrollment.course_id != course.pk:
            raise ValidationError(_("Học viên không thuộc lớp này."))
        _check_completed(enrollment)


def _allocate(
    *,
    actor: Any,
    course: Course,
    enrollments: Sequence[Enrollment],
    signature: Signature,
    replaces: Certificate | None = None,
) -> tuple[list[Certificate], CertificateSeries, int]:
    """Inside the issuing transaction: reserve the numbers, refuse trainees who hold a
    valid certificate, and build the (unsaved) certificates. Returns them, the series
    and the first number."""
    # Numbers first: the UPDATE's row lock makes a second issuer wait here, so it
    # then sees our certificates in the check below (a refusal rolls back the count).
    series, first = _take_numbers(course, signature.issued_on.year, len(enrollments))
    taken = set(_certified([e.pk for e in enrollments]).values_list("enrollment_id", flat=True))
    if taken:
        names = sorted(e.person.full_name for e in enrollments if e.pk in taken)
        raise ValidationError(
            _("Đã có giấy chứng nhận còn hiệu lực: %(names)s.") % {"names": ", ".join(names)}
        )
    certificates = [
        Certificate(
            enrollment=enrollment,
            series=series,
            number=first + i,
            register=series.register_for(first + i),
            issued_on=signature.issued_on,
            signer_name=signature.signer_name.strip(),
            signer_title=signature.signer_title.strip(),
            code=new_code(),
            replaces=replaces,
            created_by=actor,
        )
        for i, enrollment in enumerate(enrollments)
    ]
    return certificates, series, first


def _insert(
    certificates: list[Certificate], series: CertificateSeries, first: int
) -> list[Certificate]:
    """Write the register rows (inside the issuing transaction)."""
    Certificate.objects.bulk_create(certificates, batch_size=500)
    if certificates and not certificates[0].pk:  # backends without RETURNING: read back
        by_number = {
            c.number: c for c in Certificate.objects.filter(series=series, number__gte=first)
        }
        certificates = [by_number[c.number] for c in certificates]
    return certificates


def issue_many(
    *,
    actor: Any,
    course: Course,
    enrollments: Sequence[Enrollment],
    signature: Signature,
    replaces: Certificate | None = None,
) -> list[Certificate]:
    """Certificates for `enrollments` of `course`, numbered consecutively, all or nothing."""
    _check(actor, course, enrollments, signature)
    if not enrollments:
        return []
    with transaction.atomic():
        certificates, series, first = _allocate(
            actor=actor,
            course=course,
            enrollments=enrollments,
            signature=signature,
            replaces=replaces,
        )
        return _insert(certificates, series, first)


def issue(
    *, actor: Any, enrollment: Enrollment, signature: Signature, replaces: Certificate | None = None
) -> Certificate:
    return issue_many(
        actor=actor,
        course=enrollment.course,
        enrollments=[enrollment],
        signature=signature,
        replaces=replaces,
    )[0]


def revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Thu hồi: the number stays used; the verification page says "revoked"."""
    if actor is not None:
        certificate = get_for_user(Certificate.objects.all(), actor, certificate.pk, CHANGE)
    reason = clean_note(reason, field=_("Lý do thu hồi"), limit=1000)
    if not reason:
        raise ValidationError(_("Thu hồi phải ghi rõ lý do."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == CertificateStatus.REVOKED:
            raise ValidationError(_("Giấy chứng nhận này đã bị thu hồi."))
        locked.status = CertificateStatus.REVOKED
        locked.revoke_reason = reason
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["status", "revoke_reason", "revoked_at", "revoked_by"])
    return locked


def reissue(
    *, actor: Any, certificate: Certificate, reason: str, signature: Signature | None = None
) -> Certificate:
    """Cấp lại: revoke the old one and issue a new number linked to it, together."""
    old = Certificate.objects.get(pk=certificate.pk)
    # Today, or the class's last day when a misprint is reissued before the class ends.
    day = max(timezone.localdate(), old.enrollment.course.end_date)
    signature = signature or Signature(day, old.signer_name, old.signer_title)
    enrollment = Enrollment.objects.select_related("course__owner", "person").get(
        pk=old.enrollment_id
    )
    with transaction.atomic():
        if old.status == CertificateStatus.VALID:
            old = revoke(actor=actor, certificate=old, reason=reason)
        elif hasattr(old, "replaced_by"):
            raise ValidationError(_("Giấy chứng nhận này đã được cấp lại."))
        return issue(actor=actor, enrollment=enrollment, signature=signature, replaces=old)


# --- a whole class in the background ----------------------------------------------------


# Two plain index lookups instead of an anti-join: on tables without planner
# statistics (right after a bulk import) PostgreSQL ran NOT EXISTS as a nested
# loop over every certificate, 0.25 s for a class of 1,000.


def _completed(course: Course) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(
        course=course, status=EnrollmentStatus.ENROLLED, completed=True
    )


def _certified(enrollment_pks: Sequence[int]) -> QuerySet[Certificate]:
    """The valid certificates of these enrollments (one each at most, by constraint)."""
    return Certificate.objects.filter(
        enrollment_id__in=enrollment_pks, status=CertificateStatus.VALID
    ).order_by()


def pending_count(course: Course) -> int:
    """How many completed trainees of the class have no valid certificate."""
    pks = list(_completed(course).values_list("pk", flat=True))
    return len(pks) - _certified(pks).count()


def pending_enrollments(course: Course) -> list[Enrollment]:
    """Completed trainees of the class without a valid certificate, in list order, with
    what the certificate prints about them (name, birth, position, unit)."""
    enrollments = list(
        _completed(course)
        .select_related("person__organization")
        .only(
            "course_id", "person_id", "status", "completed",
            "person__full_name", "person__birth_date", "person__birth_year",
            "person__position", "person__organization_id", "person__organization__name",
        )
        .order_by("person__sort_key", "pk")
    )  # fmt: skip
    certified = set(_certified([e.pk for e in enrollments]).values_list("enrollment_id", flat=True))
    return [e for e in enrollments if e.pk not in certified]


def batch_create(
    *, actor: Any, course: Course, signature: Signature, verify_base: str
) -> CertificateBatch:
    """Queue the certificates of every completed trainee (refused when there is none)."""
    course = get_for_user(Course.objects.select_related("owner"), actor, course.pk, CHANGE)
    signature.check(course)
    total = pending_count(course)
    if total == 0:
        raise ValidationError(
            _("Không có học viên nào đã hoàn thành mà chưa được cấp giấy chứng nhận.")
        )
    batch = CertificateBatch.objects.create(
        course=course,
        issued_on=signature.issued_on,
        signer_name=signature.signer_name.strip(),
        signer_title=signature.signer_title.strip(),
        verify_base=verify_base,
        progress_total=total,
        created_by=actor,
    )
    from certificates import tasks

    tasks.run_batch.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch


class _Progress:
    """Writes the batch's progress at most every half second (one UPDATE each) and
    tells `report` (e.g. a command's progress bar) every step."""

    def __init__(
        self, batch: CertificateBatch, offset: int, report: Callable[[int, int], None] | None
    ) -> None:
        self.batch_pk = batch.pk
        self.offset = offset
        self.total = batch.progress_total
        self.report = report
        self.last = time.monotonic()

    def __call__(self, done: int) -> None:
        if self.report is not None:
            self.report(self.offset + done, self.total)
        now = time.monotonic()
        if now - self.last >= 0.5:
            self.last = now
            CertificateBatch.objects.filter(pk=self.batch_pk).update(
                progress_done=self.offset + done
            )


def batch_run(
    batch: CertificateBatch,
    *,
    with_zip: bool = True,
    report: Callable[[int, int], None] | None = None,
) -> CertificateBatch:
    """Allocate the numbers, then write the merged PDF and the zip of single PDFs.

    `report(done, total)` hears the progress as it goes (the batch row gets it
    every half second).
    """
    updated = CertificateBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING
    )
    if not updated:
        batch.refresh_from_db()
        return batch
    course = Course.objects.select_related("owner", "owner__territory").get(pk=batch.course_id)
    signature = Signature(batch.issued_on, batch.signer_name, batch.signer_title)
    enrollments = pending_enrollments(course)
    _check(batch.created_by, course, enrollments, signature)
    total = len(enrollments)
    batch.progress_total = total * (2 if with_zip else 1)
    if report is not None:
        report(0, batch.progress_total)
    certificates: list[Certificate] = []
    if enrollments:
        with transaction.atomic():
            certificates, series, first = _allocate(
                actor=batch.created_by, course=course, enrollments=enrollments, signature=signature
            )
            data = documents.document_data(course, certificates, batch.verify_base)
            # typst releases the GIL while it compiles: the register rows are written
            # meanwhile. The series stays locked until both are done; if either fails,
            # nothing is issued and the numbers go back.
            with ThreadPoolExecutor(max_workers=1) as pool:
                compiling = pool.submit(documents.compile_pdf, data)
                certificates = _insert(certificates, series, first)
                merged = compiling.result()
    else:
        merged = documents.render(course, certificates, batch.verify_base)
    if report is not None:
        report(total, batch.progress_total)
    batch.progress_done = total
    stamp = timezone.localdate().strftime("%Y%m%d")
    batch.merged_pdf.save(f"gcn-lop-{course.pk}-{stamp}.pdf", ContentFile(merged), save=False)
    CertificateBatch.objects.filter(pk=batch.pk).update(
        progress_total=batch.progress_total, progress_done=total, merged_pdf=batch.merged_pdf.name
    )
    if with_zip:
        archive = documents.render_zip(
            merged,
            certificates,
            progress=_Progress(batch, total, report),
        )
        batch.zip_file.save(f"gcn-lop-{course.pk}-{stamp}.zip", ContentFile(archive), save=False)
    batch.status = BatchStatus.DONE
    batch.issued_count = total
    batch.progress_done = batch.progress_total
    batch.finished_at = timezone.now()
    batch.message = _("Đã cấp %(n)d giấy chứng nhận.") % {"n": total}
    batch.save()
    return batch
