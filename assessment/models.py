"""Bài thu hoạch, chấm điểm, kết quả học tập (issue #5, items 3–4).

An `Assignment` is the final paper of one trainee (text and/or one file) and
its score; a `CompletionRule` per class says what completing the class takes
(attendance share, paper required, pass mark) and how scores map to grades;
a `Result` per trainee holds the computed outcome with its reasons and, when a
committee manager decided otherwise, the override (which recomputation keeps).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role

LECTURER_PATH = "enrollment__course__sessions__lecturers__user"


def assignment_path(instance: Assignment, filename: str) -> str:
    return f"assignments/{instance.enrollment.course_id}/{instance.enrollment_id}/{filename}"


class CompletionRule(models.Model):
    """What completing one class takes, and its grade scale."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, related_name="completion_rule"
    )
    min_attendance = models.DecimalField(
        _("tỷ lệ dự học tối thiểu"), max_digits=3, decimal_places=2, default=Decimal("0.80")
    )
    assignment_required = models.BooleanField(_("bắt buộc nộp bài thu hoạch"), default=True)
    pass_mark = models.DecimalField(
        _("điểm đạt"), max_digits=3, decimal_places=1, default=Decimal("5.0")
    )
    excellent_from = models.DecimalField(
        _("Xuất sắc từ"), max_digits=3, decimal_places=1, default=Decimal("9.0")
    )
    good_from = models.DecimalField(
        _("Giỏi từ"), max_digits=3, decimal_places=1, default=Decimal("8.0")
    )
    fair_from = models.DecimalField(
        _("Khá từ"), max_digits=3, decimal_places=1, default=Decimal("6.5")
    )
    average_from = models.DecimalField(
        _("Trung bình từ"), max_digits=3, decimal_places=1, default=Decimal("5.0")
    )

    scope_territory = "course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("điều kiện hoàn thành")
        verbose_name_plural = _("điều kiện hoàn thành")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendance__gte=0) & Q(min_attendance__lte=1),
                name="assessment_rule_attendance_share",
                violation_error_message=_("Tỷ lệ dự học phải từ 0 đến 1."),
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=10),
                name="assessment_rule_pass_mark",
                violation_error_message=_("Điểm đạt phải từ 0 đến 10."),
            ),
            models.CheckConstraint(
                condition=Q(average_from__gte=0)
                & Q(fair_from__gte=models.F("average_from"))
                & Q(good_from__gte=models.F("fair_from"))
                & Q(excellent_from__gte=models.F("good_from"))
                & Q(excellent_from__lte=10),
                name="assessment_rule_scale_ordered",
                violation_error_message=_(
                    "Thang xếp loại phải tăng dần: Trung bình ≤ Khá ≤ Giỏi ≤ Xuất sắc ≤ 10."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.min_attendance} / {self.pass_mark}"


class Assignment(models.Model):
    """Bài thu hoạch of one trainee: text and/or one file, and its score."""

    enrollment = models.OneToOneField(
        "nominations.Enrollment", on_delete=models.CASCADE, related_name="assignment"
    )
    text = models.TextField(_("nội dung bài"), blank=True)
    file = models.FileField(_("tệp bài"), upload_to=assignment_path, max_length=300, blank=True)
    file_kind = models.CharField(max_length=20, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(_("điểm"), max_digits=3, decimal_places=1, null=True, blank=True)
    comment = models.CharField(_("nhận xét"), max_length=1000, blank=True)
    graded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(_("ngày chấm"), null=True, blank=True)

    scope_territory = "enrollment__course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE | {Role.SECRETARY}
    scope_own = {Role.LECTURER: LECTURER_PATH}

    class Meta:
        verbose_name = _("bài thu hoạch")
        verbose_name_plural = _("bài thu hoạch")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=10)),
                name="assessment_score_0_10",
                violation_error_message=_("Điểm phải từ 0 đến 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.score}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class Result(models.Model):
    """The outcome of one trainee in a class, computed, possibly overridden."""

    enrollment = models.OneToOneField(
        "nominations.Enrollment", on_delete=models.CASCADE, related_name="result"
    )
    attended = models.PositiveIntegerField(_("số buổi dự"), default=0)
    sessions_counted = models.PositiveIntegerField(_("số buổi tính"), default=0)
    computed_passed = models.BooleanField(_("đạt theo điều kiện"), default=False)
    reasons = models.TextField(_("lý do"), blank=True)
    computed_at = models.DateTimeField(_("ngày tính"), null=True, blank=True)
    # None: the computed result stands; True/False: a manager's decision.
    override = models.BooleanField(_("quyết định của lãnh đạo"), null=True, blank=True)
    override_reason = models.CharField(_("lý do quyết định"), max_length=500, blank=True)
    override_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)

    scope_territory = "enrollment__course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("kết quả học tập")
        verbose_name_plural = _("kết quả học tập")
        constraints = [
            models.CheckConstraint(
                condition=Q(override__isnull=True) | ~Q(override_reason=""),
                name="assessment_override_needs_reason",
                violation_error_message=_("Quyết định khác kết quả tính phải ghi lý do."),
            ),
            models.CheckConstraint(
                condition=Q(attended__lte=models.F("sessions_counted")),
                name="assessment_attended_le_counted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.passed}"

    @property
    def passed(self) -> bool:
        return self.computed_passed if self.override is None else self.override
