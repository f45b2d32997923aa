"""Issuing, revoking and reissuing certificates; batches for a whole class.

Numbers come from the issuer's series for the year, taken under a row lock
(`select_for_update`) inside the issuing transaction: two staff issuing at the
same moment queue on the lock, so numbers never repeat or skip. The unique
constraint (series, number) is the database's own guard behind it.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
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
from courses.models import Course
from nominations.models import Enrollment, EnrollmentStatus


@dataclass(frozen=True)
class Signature:
    issued_on: datetime.date
    signer_name: str
    signer_title: str

    def check(self) -> None:
        if not self.signer_name.strip() or not self.signer_title.strip():
            raise ValidationError(_("Phải ghi họ tên và chức vụ người ký."))


def new_code() -> str:
    """An unguessable verification code (80 random bits, base32, 16 characters)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def _check_completed(enrollment: Enrollment) -> None:
    if enrollment.status != EnrollmentStatus.ENROLLED or not enrollment.completed:
        raise ValidationError(
            _("%(name)s chưa hoàn thành lớp học: không thể cấp giấy chứng nhận.")
            % {"name": enrollment.person.full_name}
        )


def _locked_series(course: Course, year: int) -> CertificateSeries:
    """The issuer's series for `year`, created if needed, locked until commit."""
    CertificateSeries.objects.get_or_create(issuer=course.owner, year=year)
    return CertificateSeries.objects.select_for_update().get(issuer=course.owner, year=year)


def issue_many(
    *,
    actor: Any,
    course: Course,
    enrollments: Sequence[Enrollment],
    signature: Signature,
    replaces: Certificate | None = None,
) -> list[Certificate]:
    """Certificates for `enrollments` of `course`, numbered consecutively, all or nothing."""
    if actor is not None:
        require_change(actor, course)
    signature.check()
    for enrollment in enrollments:
        if enrollment.course_id != course.pk:
            raise ValidationError(_("Học viên không thuộc lớp này."))
        _check_completed(enrollment)
    if not enrollments:
        return []
    with transaction.atomic():
        series = _locked_series(course, signature.issued_on.year)
        first = series.next_number
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
        taken = set(
            Certificate.objects.filter(
                enrollment__in=[e.pk for e in enrollments], status=CertificateStatus.VALID
            ).values_list("enrollment__person__full_name", flat=True)
        )
        if taken:
            raise ValidationError(
                _("Đã có giấy chứng nhận còn hiệu lực: %(names)s.")
                % {"names": ", ".join(sorted(taken))}
            )
        Certificate.objects.bulk_create(certificates, batch_size=500)
        series.next_number = first + len(certificates)
        series.save(update_fields=["next_number"])
    if not certificates[0].pk:  # backends without RETURNING: read the rows back
        by_number = {
            c.number: c for c in Certificate.objects.filter(series=series, number__gte=first)
        }
        certificates = [by_number[c.number] for c in certificates]
    return certificates


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
    reason = reason.strip()
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
    signature = signature or Signature(timezone.localdate(), old.signer_name, old.signer_title)
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


def pending_enrollments(course: Course) -> list[Enrollment]:
    """Completed trainees of the class without a valid certificate, in list order."""
    return list(
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED, completed=True)
        .exclude(certificates__status=CertificateStatus.VALID)
        .select_related("person", "course")
        .order_by("person__sort_key", "pk")
    )


def batch_create(
    *, actor: Any, course: Course, signature: Signature, verify_base: str
) -> CertificateBatch:
    """Queue the certificates of every completed trainee (refused when there is none)."""
    course = get_for_user(Course.objects.select_related("owner"), actor, course.pk, CHANGE)
    signature.check()
    total = len(pending_enrollments(course))
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


def _progress(batch: CertificateBatch, done: int) -> None:
    CertificateBatch.objects.filter(pk=batch.pk).update(progress_done=done)


def batch_run(batch: CertificateBatch, *, with_zip: bool = True) -> CertificateBatch:
    """Allocate the numbers, then write the merged PDF and the zip of single PDFs."""
    updated = CertificateBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
        status=BatchStatus.RUNNING
    )
    if not updated:
        batch.refresh_from_db()
        return batch
    course = Course.objects.select_related("owner", "owner__territory").get(pk=batch.course_id)
    signature = Signature(batch.issued_on, batch.signer_name, batch.signer_title)
    enrollments = pending_enrollments(course)
    certificates = issue_many(
        actor=batch.created_by, course=course, enrollments=enrollments, signature=signature
    )
    people = {e.pk: e for e in enrollments}
    for cert in certificates:
        cert.enrollment = people[cert.enrollment_id]
    total = len(certificates)
    batch.progress_total = total * (2 if with_zip else 1)
    merged = documents.render(course, certificates, batch.verify_base)
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
            progress=lambda done: _progress(batch, total + done) if done % 25 == 0 else None,
        )
        batch.zip_file.save(f"gcn-lop-{course.pk}-{stamp}.zip", ContentFile(archive), save=False)
    batch.status = BatchStatus.DONE
    batch.issued_count = total
    batch.progress_done = batch.progress_total
    batch.finished_at = timezone.now()
    batch.message = _("Đã cấp %(n)d giấy chứng nhận.") % {"n": total}
    batch.save()
    return batch
