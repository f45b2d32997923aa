"""Rules of assignments, grading and completion: the only writers of this app's rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Assignment, CompletionRule, Result
from assessment.selectors import attendance_counts, rule_of
from core.roles import COMMITTEE, MANAGERS, Role
from core.scope import (
    VIEW,
    has_role,
    in_territory,
    may_change,
    require_change,
    require_role,
    restrict,
)
from core.text import clean_note, shorten
from core.uploads import check_content, check_document
from courses.models import Course
from nominations.models import Enrollment, EnrollmentStatus

# The largest assignment file (bytes); core/uploads.py enforces the same 20 MB.
MAX_ASSIGNMENT_BYTES = 20 * 1024 * 1024
# Kinds read from the content, and the file names each may carry.
ASSIGNMENT_EXTENSIONS = {
    "pdf": {".pdf"},
    "office": {".docx"},
    "png": {".png"},
    "jpeg": {".jpg", ".jpeg"},
}
GRADERS = COMMITTEE | {Role.LECTURER}
COLLECTORS = COMMITTEE | {Role.SECRETARY}
MAX_TEXT = 100_000


# --- assignments --------------------------------------------------------------------


def check_assignment_file(upload: UploadedFile, *, field: str = "file") -> str:
    """PDF, DOCX, JPEG or PNG by content, at most 20 MB; the kind, or ValidationError."""
    if upload.size is not None and upload.size > MAX_ASSIGNMENT_BYTES:
        raise ValidationError(
            {
                field: _("Tệp “%(name)s” quá lớn (%(size).1f MB); tối đa %(max)d MB.")
                % {
                    "name": upload.name,
                    "size": upload.size / 1_048_576,
                    "max": MAX_ASSIGNMENT_BYTES // 1_048_576,
                }
            }
        )
    refusal = ValidationError(
        {
            field: _(
                "Tệp “%(name)s” không phải bài thu hoạch dạng PDF, Word (.docx) hay ảnh "
                "JPEG/PNG (kiểm tra theo nội dung tệp)."
            )
            % {"name": upload.name}
        }
    )
    try:
        kind = check_document(upload, field=field, content=False)
    except ValidationError:
        raise refusal from None
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in ASSIGNMENT_EXTENSIONS.get(kind, set()):
        raise refusal
    check_content(upload, kind, field=field)
    return kind


def _require_collector(actor: Any, course: Course) -> None:
    """Secretaries and the committee collect the papers of their territory's classes."""
    if actor is None:
        return
    require_role(actor, COLLECTORS)
    if not in_territory(actor, course, COLLECTORS):
        raise PermissionDenied(_("Lớp này nằm ngoài phạm vi của bạn."))


def _enrolled(enrollment: Enrollment) -> None:
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise ValidationError(_("%(name)s đã rút khỏi lớp.") % {"name": enrollment.person})


@transaction.atomic
def assignment_submit(
    *, actor: Any, enrollment: Enrollment, text: str = "", file: UploadedFile | None = None
) -> Assignment:
    """Record a trainee's paper (text and/or a file); a new file replaces the old one."""
    _require_collector(actor, enrollment.course)
    _enrolled(enrollment)
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("Nội dung bài quá dài.")})
    kind = check_assignment_file(file) if file is not None else ""
    if not text and file is None:
        raise ValidationError(_("Bài thu hoạch cần có nội dung hoặc một tệp."))
    assignment, _created = Assignment.objects.select_for_update().get_or_create(
        enrollment=enrollment
    )
    assignment.enrollment = enrollment
    if text:
        assignment.text = text
    if file is not None:
        if assignment.file:
            assignment.file.delete(save=False)
        assignment.file.save(file.name or "bai-thu-hoach", file, save=False)
        assignment.file_kind = kind
    assignment.submitted_at = timezone.now()
    assignment.submitted_by = actor
    assignment.save()
    return assignment


@transaction.atomic
def assignment_submit_own(
    *, enrollment: Enrollment, user: Any, text: str = "", file: UploadedFile | None = None
) -> Assignment:
    """The trainee's own paper, from the trainee page or the personal link (the caller
    proved the enrollment is the trainee's); a graded paper is not replaced."""
    graded = (
        Assignment.objects.select_for_update()
        .filter(enrollment=enrollment, score__isnull=False)
        .exists()
    )
    if graded:
        raise ValidationError(_("Bài thu hoạch đã được chấm điểm nên không nộp lại được."))
    assignment = assignment_submit(actor=None, enrollment=enrollment, text=text, file=file)
    if user is not None:
        assignment.submitted_by = user
        assignment.save(update_fields=["submitted_by"])
    return assignment


_DIGITS = re.compile(r"[0-9]+")


def match_files(enrollments: Sequence[Enrollment], names: Sequence[str]) -> list[Enrollment | None]:
    """The trainee each file name names: by CCCD (12 digits) or by STT (1-based number
    on the list) when it is the only number in the name; None when unclear."""
    by_citizen_id = {e.person.citizen_id: e for e in enrollments if e.person.citizen_id}
    matched: list[Enrollment | None] = []
    for name in names:
        stem = name.rsplit(".", 1)[0]
        numbers = _DIGITS.findall(stem)
        found = next((by_citizen_id[n] for n in numbers if n in by_citizen_id), None)
        if found is None and len(numbers) == 1 and len(numbers[0]) <= 4:
            index = int(numbers[0])
            found = enrollments[index - 1] if 1 <= index <= len(enrollments) else None
        matched.append(found)
    return matched


@transaction.atomic
def assignments_upload(
    *, actor: Any, course: Course, files: Sequence[tuple[Enrollment | None, UploadedFile]]
) -> list[Assignment]:
    """Scans for many trainees at once: all are checked first; one bad file, none saved."""
    _require_collector(actor, course)
    if not files:
        raise ValidationError(_("Chưa chọn tệp nào."))
    errors: list[str] = []
    seen: set[int] = set()
    for enrollment, upload in files:
        if enrollment is None:
            errors.append(
                _(
                    "Không xác định được học viên của tệp “%(name)s” (tên tệp cần có số CCCD "
                    "hoặc STT, hoặc chọn học viên)."
                )
                % {"name": upload.name}
            )
            try:
                check_assignment_file(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
            continue
        if enrollment.course_id != course.pk:
            raise PermissionDenied(_("Học viên không thuộc lớp này."))
        if enrollment.pk in seen:
            errors.append(_("Có hai tệp cho cùng học viên %(name)s.") % {"name": enrollment.person})
        seen.add(enrollment.pk)
        try:
            check_assignment_file(upload)
            _enrolled(enrollment)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    saved = []
    for enrollment, upload in files:
        assert enrollment is not None
        saved.append(assignment_submit(actor=None, enrollment=enrollment, file=upload))
        saved[-1].submitted_by = actor
        saved[-1].save(update_fields=["submitted_by"])
    return saved


# --- grading ------------------------------------------------------------------------


def parse_score(value: str) -> Decimal:
    """A score typed as "8", "8,5" or "8.5": 0–10, one decimal place at most."""
    text = (value or "").strip().replace(",", ".")
    if not text:
        raise ValidationError({"score": _("Chưa nhập điểm.")})
    try:
        score = Decimal(text)
    except InvalidOperation:
        score = Decimal("NaN")
    shown = shorten(value.strip())
    if not score.is_finite() or not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text):
        raise ValidationError(
            {"score": _("Điểm “%(v)s” không phải là số (ví dụ 8 hoặc 8,5).") % {"v": shown}}
        )
    if score < 0 or score > 10:
        raise ValidationError({"score": _("Điểm %(v)s nằm ngoài thang điểm 0–10.") % {"v": shown}})
    if score != score.quantize(Decimal("0.1")):
        raise ValidationError({"score": _("Điểm chỉ lấy một chữ số thập phân (ví dụ 8,5).")})
    return score.quantize(Decimal("0.1"))


def may_grade(user: Any, course: Course) -> bool:
    """The committee of the class, and lecturers who teach one of its sessions."""
    if has_role(user, COMMITTEE) and may_change(user, course):
        return True
    if not has_role(user, {Role.LECTURER}):
        return False
    own = restrict(Course.objects.filter(pk=course.pk), user, VIEW)
    return own.filter(sessions__lecturers__user=user).exists()


@transaction.atomic
def grade_set(*, actor: Any, enrollment: Enrollment, score: str, comment: str = "") -> Assignment:
    """Grade one trainee's paper; bad input raises ValidationError, nothing written."""
    if actor is not None:
        require_role(actor, GRADERS)
        if not may_grade(actor, enrollment.course):
            raise PermissionDenied(_("Bạn không chấm bài của lớp này."))
    _enrolled(enrollment)
    value = parse_score(score)
    comment = clean_note(comment, field=_("Nhận xét"), limit=1000, key="comment")
    assignment, _created = Assignment.objects.select_for_update().get_or_create(
        enrollment=enrollment
    )
    assignment.score = value
    assignment.comment = comment
    assignment.graded_by = actor
    assignment.graded_at = timezone.now()
    assignment.save(update_fields=["score", "comment", "graded_by", "graded_at"])
    return assignment


def grade_label(score: Decimal | None, rule: CompletionRule) -> str:
    if score is None:
        return ""
    if score >= rule.excellent_from:
        return _("Xuất sắc")
    if score >= rule.good_from:
        return _("Giỏi")
    if score >= rule.fair_from:
        return _("Khá")
    if score >= rule.average_from:
        return _("Trung bình")
    return _("Không đạt")


# --- completion ---------------------------------------------------------------------


@dataclass(frozen=True)
class RuleData:
    min_attendance: Decimal
    assignment_required: bool
    pass_mark: Decimal
    excellent_from: Decimal
    good_from: Decimal
    fair_from: Decimal
    average_from: Decimal


def rule_set(*, actor: Any, course: Course, data: RuleData) -> CompletionRule:
    require_change(actor, course)
    rule = rule_of(course)
    for field, value in data.__dict__.items():
        setattr(rule, field, value)
    rule.full_clean()
    rule.save()
    return rule


def _decimal_vi(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def evaluate(
    rule: CompletionRule, attended: int, counted: int, assignment: Assignment | None
) -> tuple[bool, list[str]]:
    """Passed?, and the reasons it did not, in Vietnamese."""
    reasons: list[str] = []
    if counted and Decimal(attended) < rule.min_attendance * counted:
        reasons.append(_("vắng %(a)d/%(n)d buổi") % {"a": counted - attended, "n": counted})
    submitted = assignment is not None and assignment.submitted_at is not None
    if rule.assignment_required and not submitted:
        reasons.append(_("chưa nộp bài thu hoạch"))
    score = assignment.score if assignment is not None else None
    if rule.assignment_required and submitted and score is None:
        reasons.append(_("bài thu hoạch chưa được chấm"))
    if score is not None and score < rule.pass_mark:
        reasons.append(
            _("điểm %(s)s dưới mức đạt %(p)s")
            % {"s": _decimal_vi(score), "p": _decimal_vi(rule.pass_mark)}
        )
    return not reasons, reasons


@transaction.atomic
def results_compute(*, actor: Any, course: Course) -> list[Result]:
    """Compute every enrolled trainee's result and write `Enrollment.completed`;
    a manager's override is kept."""
    if actor is not None:
        require_role(actor, COMMITTEE)
        require_change(actor, course)
    rule = rule_of(course)
    counts = attendance_counts(course)
    enrollments = list(
        Enrollment.objects.select_for_update()
        .filter(course=course, status=EnrollmentStatus.ENROLLED)
        .order_by("pk")
    )
    assignments = {a.enrollment_id: a for a in Assignment.objects.filter(enrollment__course=course)}
    existing = {r.enrollment_id: r for r in Result.objects.filter(enrollment__course=course)}
    now = timezone.now()
    results: list[Result] = []
    completed: list[int] = []
    for enrollment in enrollments:
        attended, counted = counts.get(enrollment.pk, (0, 0))
        passed, reasons = evaluate(rule, attended, counted, assignments.get(enrollment.pk))
        result = existing.get(enrollment.pk) or Result(enrollment=enrollment)
        result.attended, result.sessions_counted = attended, counted
        result.computed_passed, result.reasons = passed, "; ".join(reasons)
        result.computed_at = now
        results.append(result)
        if result.passed:
            completed.append(enrollment.pk)
    fields = ["attended", "sessions_counted", "computed_passed", "reasons", "computed_at"]
    Result.objects.bulk_create([r for r in results if r.pk is None])
    Result.objects.bulk_update([r for r in results if r.pk is not None], fields)
    Enrollment.objects.filter(course=course).exclude(pk__in=completed).update(completed=False)
    Enrollment.objects.filter(pk__in=completed).update(completed=True)
    return results


@transaction.atomic
def result_override(
    *, actor: Any, enrollment: Enrollment, passed: bool | None, reason: str
) -> Result:
    """A committee manager decides the result (None: back to the computed one)."""
    if actor is not None:
        require_role(actor, MANAGERS)
        require_change(actor, enrollment.course)
    reason = clean_note(reason, field=_("Lý do quyết định"), limit=500, key="reason")
    if passed is not None and not reason:
        raise ValidationError({"reason": _("Phải ghi lý do khi quyết định khác kết quả tính.")})
    _enrolled(enrollment)
    result, _created = Result.objects.select_for_update().get_or_create(enrollment=enrollment)
    result.override = passed
    result.override_reason = reason if passed is not None else ""
    result.override_by = actor if passed is not None else None
    result.override_at = timezone.now() if passed is not None else None
    result.save()
    Enrollment.objects.filter(pk=enrollment.pk).update(completed=result.passed)
    return result
