"""Quotas, nominations and enrollments (chỉ tiêu, danh sách cử đi học, học viên).

A nominating unit holds a `Quota` of places in a class; its focal point
submits `Nomination`s against it; the committee approves (the person becomes
an `Enrollment`, taking a place) or rejects with a reason. Places are counted
in `Course.enrolled_count`, which the database keeps at or below the class's
capacity; a full class puts approved nominations on a waiting list that is
promoted automatically when a place frees.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role


class Quota(models.Model):
    """Chỉ tiêu: places in a class for one nominating unit."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị cử học viên"),
        on_delete=models.PROTECT,
        related_name="quotas",
    )
    places = models.PositiveIntegerField(_("số chỉ tiêu"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_territory = "course__owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE
    scope_own = {Role.FOCAL_POINT: "unit__users"}

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["course", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "unit"],
                name="nominations_quota_once_per_unit",
                violation_error_message=_("Đơn vị này đã có chỉ tiêu trong lớp."),
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="nominations_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.places}"


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    WAITLISTED = "waitlisted", _("Danh sách chờ")
    REJECTED = "rejected", _("Không duyệt")
    WITHDRAWN = "withdrawn", _("Đã rút")


# Nominations that still count against the unit's quota.
OPEN_STATUSES = (
    NominationStatus.SUBMITTED,
    NominationStatus.APPROVED,
    NominationStatus.WAITLISTED,
)


class Nomination(models.Model):
    """One person put forward by a unit for a class."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="nominations"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="nominations"
    )
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị cử"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    quota = models.ForeignKey(
        Quota, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=NominationStatus.choices,
        default=NominationStatus.SUBMITTED,
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("ngày gửi"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("ngày xét"), null=True, blank=True)
    # Order on the waiting list (when the class was full at approval).
    waitlisted_at = models.DateTimeField(null=True, blank=True)

    scope_territory = "course__owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE
    scope_own = {Role.FOCAL_POINT: "unit__users"}

    class Meta:
        verbose_name = _("đề cử học viên")
        verbose_name_plural = _("danh sách cử đi học")
        ordering = ["course", "submitted_at", "pk"]
        constraints = [
            # A person is put forward once per class while the nomination is open.
            models.UniqueConstraint(
                fields=["course", "person"],
                condition=Q(status__in=["submitted", "approved", "waitlisted"]),
                name="nominations_nomination_open_once",
                violation_error_message=_("Người này đã được cử vào lớp."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""),
                name="nominations_reject_needs_reason",
                violation_error_message=_("Không duyệt phải ghi rõ lý do."),
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="nominations_waitlist_has_time",
            ),
        ]
        indexes = [models.Index(fields=["course", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.course_id} ({self.status})"


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Học viên")
    WITHDRAWN = "withdrawn", _("Đã rút")


class Enrollment(models.Model):
    """Học viên: a person holding a place in a class."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="enrollments"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="enrollments"
    )
    nomination = models.OneToOneField(
        Nomination, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollment"
    )
    unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị cử"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ENROLLED,
    )
    # Set when the class ends for those who met its requirements (issue #5).
    completed = models.BooleanField(_("hoàn thành"), default=False)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.CharField(_("lý do rút"), max_length=300, blank=True)

    scope_territory = "course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE
    scope_own = {Role.FOCAL_POINT: "unit__users"}

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        ordering = ["course", "person__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                name="nominations_enrollment_once",
                violation_error_message=_("Người này đã là học viên của lớp."),
            ),
        ]
        indexes = [models.Index(fields=["person", "completed"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.course_id}"


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Gửi đề cử")
    APPROVED = "approved", _("Duyệt")
    WAITLISTED = "waitlisted", _("Vào danh sách chờ")
    REJECTED = "rejected", _("Không duyệt")
    WITHDRAWN = "withdrawn", _("Rút")
    ENROLLED = "enrolled", _("Ghi danh trực tiếp")
    PROMOTED = "promoted", _("Tự động chuyển từ danh sách chờ")


class NominationEvent(models.Model):
    """The log of a class's nominations the committee reads: who did what, and
    above all the automatic moves from the waiting list into the class."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="nomination_events"
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=EventKind.choices)
    message = models.TextField(_("nội dung"))
    by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    scope_territory = "course__owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles: frozenset[str] = frozenset()

    class Meta:
        verbose_name = _("nhật ký cử học viên")
        verbose_name_plural = _("nhật ký cử học viên")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["course", "-at"])]

    def __str__(self) -> str:
        return self.message
