"""Điểm danh: one mark per trainee (enrollment) per session."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role


class Mark(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    LATE = "late", _("Đi muộn")
    EXCUSED = "excused", _("Vắng có phép")
    ABSENT = "absent", _("Vắng không phép")


# Marks that count as attending the session.
ATTENDED = (Mark.PRESENT, Mark.LATE)


class MarkSource(models.TextChoices):
    TABLE = "table", _("Bảng điểm danh")
    QR = "qr", _("Quét mã QR")
    PAPER = "paper", _("Nhập từ danh sách ký tên")


class Attendance(models.Model):
    session = models.ForeignKey(
        "courses.Session", on_delete=models.CASCADE, related_name="attendances"
    )
    enrollment = models.ForeignKey(
        "nominations.Enrollment", on_delete=models.CASCADE, related_name="attendances"
    )
    mark = models.CharField(_("điểm danh"), max_length=10, choices=Mark.choices)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=MarkSource.choices, default=MarkSource.TABLE)
    marked_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    scope_territory = "session__course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE | {Role.SECRETARY}

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"],
                name="attendance_once_per_session",
                violation_error_message=_("Học viên đã được điểm danh buổi này."),
            ),
            models.CheckConstraint(
                condition=~Q(mark="excused") | ~Q(reason=""),
                name="attendance_excused_needs_reason",
                violation_error_message=_("Vắng có phép phải ghi lý do."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}@{self.session_id}: {self.mark}"


class Badge(models.Model):
    """A trainee's check-in badge: the QR carries a signed token with this nonce.

    Reissuing replaces the nonce, so every badge printed before stops working;
    revoking keeps the nonce but refuses it.
    """

    enrollment = models.OneToOneField(
        "nominations.Enrollment", on_delete=models.CASCADE, related_name="badge"
    )
    nonce = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    scope_territory = "enrollment__course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE | {Role.SECRETARY}

    class Meta:
        verbose_name = _("thẻ điểm danh")
        verbose_name_plural = _("thẻ điểm danh")
        constraints = [
            models.CheckConstraint(condition=~Q(nonce=""), name="attendance_badge_has_nonce"),
        ]

    def __str__(self) -> str:
        return f"badge {self.enrollment_id}"
