"""Classes (lớp bồi dưỡng/tập huấn), their programme, topics and guests."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role

if TYPE_CHECKING:
    from people.models import Lecturer


class Topic(models.Model):
    """Chuyên đề: a catalogue entry reused across classes."""

    title = models.CharField(_("tên chuyên đề"), max_length=300)
    summary = models.TextField(_("tóm tắt"), blank=True)
    tags = models.CharField(
        _("từ khoá"), max_length=300, blank=True, help_text=_("Cách nhau bằng dấu phẩy.")
    )
    owner = models.ForeignKey(
        "orgs.Organization", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    title_folded = models.CharField(max_length=600, db_index=True, editable=False)
    sort_key = models.CharField(max_length=900, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_territory = "owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY, Role.LECTURER}
    scope_change_roles = COMMITTEE
    scope_shared_view = True

    class Meta:
        verbose_name = _("chuyên đề")
        verbose_name_plural = _("chuyên đề")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:topic_detail", args=[self.pk])

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


def material_path(instance: TopicMaterial, filename: str) -> str:
    return f"topics/{instance.topic_id}/{filename}"


class TopicMaterial(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("tên tài liệu"), max_length=200)
    file = models.FileField(_("tệp"), upload_to=material_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CourseKind(models.TextChoices):
    TRAINING = "training", _("Lớp bồi dưỡng nghiệp vụ")
    TOPICAL = "topical", _("Lớp tập huấn chuyên đề")
    CONFERENCE = "conference", _("Hội nghị tập huấn")


class CourseLevel(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Huyện, quận, thị xã")
    COMMUNE = "commune", _("Xã, phường")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã duyệt")
    NOMINATING = "nominating", _("Đang cử học viên")
    RUNNING = "running", _("Đang học")
    COMPLETED = "completed", _("Đã kết thúc")
    REPORTED = "reported", _("Đã báo cáo")
    CANCELLED = "cancelled", _("Đã huỷ")


# The workflow: each status and where it may go next.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CourseStatus.DRAFT: (CourseStatus.APPROVED, CourseStatus.CANCELLED),
    CourseStatus.APPROVED: (
        CourseStatus.NOMINATING,
        CourseStatus.RUNNING,
        CourseStatus.DRAFT,
        CourseStatus.CANCELLED,
    ),
    CourseStatus.NOMINATING: (CourseStatus.RUNNING, CourseStatus.CANCELLED),
    CourseStatus.RUNNING: (CourseStatus.COMPLETED, CourseStatus.CANCELLED),
    CourseStatus.COMPLETED: (CourseStatus.REPORTED,),
    CourseStatus.REPORTED: (),
    CourseStatus.CANCELLED: (CourseStatus.DRAFT,),
}

HELD_STATUSES = (CourseStatus.RUNNING, CourseStatus.COMPLETED, CourseStatus.REPORTED)


class CourseCluster(models.Model):
    """Cụm lớp: the classes made from one template for groups of units."""

    title = models.CharField(_("tên cụm lớp"), max_length=300)
    owner = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cụm lớp")
        verbose_name_plural = _("cụm lớp")

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    """One class: one venue, one date range, one owner."""

    kind = models.CharField(_("loại lớp"), max_length=20, choices=CourseKind.choices)
    level = models.CharField(_("cấp"), max_length=20, choices=CourseLevel.choices)
    title = models.CharField(_("tên lớp"), max_length=300)
    owner = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị tổ chức"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    co_organizers = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("đơn vị phối hợp"), blank=True, related_name="+"
    )
    plan = models.ForeignKey(
        "planning.TrainingPlan",
        verbose_name=_("kế hoạch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
    )
    cluster = models.ForeignKey(
        CourseCluster,
        verbose_name=_("cụm lớp"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
    )
    venue = models.CharField(_("địa điểm"), max_length=300, blank=True)
    venue_unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("địa bàn tổ chức"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    capacity = models.PositiveIntegerField(_("số học viên dự kiến"), default=0)
    # Places taken by enrollments; the database keeps it within capacity.
    enrolled_count = models.PositiveIntegerField(_("số học viên đã ghi danh"), default=0)
    nomination_deadline = models.DateTimeField(_("hạn cử học viên"), null=True, blank=True)
    trainee_count = models.PositiveIntegerField(
        _("số học viên thực tế"),
        null=True,
        blank=True,
        help_text=_("Điền khi chưa quản lý danh sách học viên trong hệ thống."),
    )
    audience = models.ManyToManyField(
        "people.TraineeCategory", verbose_name=_("đối tượng"), blank=True, related_name="courses"
    )
    catchment_units = models.ManyToManyField(
        "geo.AdminUnit", verbose_name=_("địa bàn học viên (cụm)"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    cancel_reason = models.TextField(_("lý do huỷ"), blank=True)
    title_folded = models.CharField(max_length=600, editable=False)
    source = models.ForeignKey(
        "self",
        verbose_name=_("sao chép từ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    feed_token = models.CharField(max_length=43, unique=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_territory = "owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY, Role.EDITOR}
    scope_change_roles = COMMITTEE
    scope_own = {
        Role.LECTURER: "sessions__lecturers__user",
        Role.FOCAL_POINT: "quotas__unit__users",
    }

    class Meta:
        verbose_name = _("lớp")
        verbose_name_plural = _("lớp")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")),
                name="courses_course_dates",
                violation_error_message=_("Ngày kết thúc phải từ ngày bắt đầu trở đi."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="courses_cancel_needs_reason",
                violation_error_message=_("Huỷ lớp phải ghi rõ lý do."),
            ),
            models.CheckConstraint(
                condition=~Q(feed_token=""), name="courses_course_has_feed_token"
            ),
            models.CheckConstraint(
                condition=Q(enrolled_count__lte=F("capacity")),
                name="courses_course_not_overbooked",
                violation_error_message=_("Lớp đã đủ số học viên."),
            ),
        ]
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            models.Index(fields=["status", "start_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:course_detail", args=[self.pk])

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


class CourseStatusChange(models.Model):
    """Who moved a class from one status to the next, when and why."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CourseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CourseStatus.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class HalfDay(models.TextChoices):
    MORNING = "morning", _("Sáng")
    AFTERNOON = "afternoon", _("Chiều")
    EVENING = "evening", _("Tối")


# Default hours of a half-day when a session gives no exact times.
HALF_DAY_HOURS = {
    HalfDay.MORNING: (datetime.time(7, 30), datetime.time(11, 30)),
    HalfDay.AFTERNOON: (datetime.time(13, 30), datetime.time(17, 0)),
    HalfDay.EVENING: (datetime.time(19, 0), datetime.time(21, 0)),
}


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Khai giảng")
    LECTURE = "lecture", _("Chuyên đề")
    DISCUSSION = "discussion", _("Thảo luận, xử lý tình huống")
    ASSIGNMENT = "assignment", _("Viết bài thu hoạch")
    CLOSING = "closing", _("Bế giảng")
    OTHER = "other", _("Khác")


class Session(models.Model):
    """Buổi học: one half-day (or exact hours) of a class's programme."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("ngày"))
    half_day = models.CharField(_("buổi"), max_length=10, choices=HalfDay.choices)
    start_time = models.TimeField(_("từ giờ"), null=True, blank=True)
    end_time = models.TimeField(_("đến giờ"), null=True, blank=True)
    starts_at = models.DateTimeField(editable=False, db_index=True)
    ends_at = models.DateTimeField(editable=False)
    kind = models.CharField(_("nội dung"), max_length=20, choices=SessionKind.choices)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("chuyên đề"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    title = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    room = models.CharField(_("phòng học"), max_length=120, blank=True)
    # Venue + room, folded: "one session per room and time" is checked on it.
    location_key = models.CharField(max_length=450, editable=False, db_index=True)
    # False while the class is cancelled: its room and lecturers are free again.
    is_booked = models.BooleanField(default=True, editable=False)
    lecturers: models.ManyToManyField[Lecturer, SessionLecturer] = models.ManyToManyField(
        "people.Lecturer",
        through="SessionLecturer",
        verbose_name=_("báo cáo viên"),
        blank=True,
        related_name="sessions",
    )

    scope_territory = "course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY, Role.EDITOR}
    scope_change_roles = COMMITTEE
    scope_own = {Role.LECTURER: "lecturers__user"}

    class Meta:
        verbose_name = _("buổi học")
        verbose_name_plural = _("buổi học")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="courses_session_times",
                violation_error_message=_("Giờ kết thúc phải sau giờ bắt đầu."),
            ),
            models.UniqueConstraint(
                fields=["location_key", "starts_at"],
                condition=~Q(location_key="") & Q(is_booked=True),
                name="courses_session_room_start",
                violation_error_message=_("Phòng này đã có buổi học khác vào giờ đó."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_half_day_display()}: {self.label}"

    @property
    def label(self) -> str:
        if self.title:
            return self.title
        if self.topic_id is not None and self.topic is not None:
            return self.topic.title
        return str(self.get_kind_display())


class SessionLecturer(models.Model):
    """A lecturer at a session; the session's hours are copied here so the
    database itself can refuse a lecturer in two places at once."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    lecturer = models.ForeignKey(
        "people.Lecturer", on_delete=models.PROTECT, related_name="session_links"
    )
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    is_booked = models.BooleanField(default=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "lecturer"], name="courses_session_lecturer_once"
            ),
            models.UniqueConstraint(
                fields=["lecturer", "starts_at"],
                condition=Q(is_booked=True),
                name="courses_lecturer_one_place",
                violation_error_message=_("Báo cáo viên đã có buổi giảng khác vào giờ đó."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lecturer} @ {self.session_id}"


class GuestRole(models.TextChoices):
    OPENING = "opening", _("Dự khai giảng")
    CLOSING = "closing", _("Dự bế giảng")
    BOTH = "both", _("Dự khai giảng và bế giảng")


class CourseGuest(models.Model):
    """Đại biểu: leaders at the opening or closing; one may give the opening speech."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="guests")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    title = models.CharField(_("chức vụ"), max_length=300)
    organization = models.CharField(_("cơ quan"), max_length=300, blank=True)
    attends = models.CharField(
        _("tham dự"), max_length=10, choices=GuestRole.choices, default=GuestRole.OPENING
    )
    gives_opening_speech = models.BooleanField(_("phát biểu khai giảng"), default=False)
    gives_closing_speech = models.BooleanField(_("phát biểu bế giảng"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("đại biểu")
        verbose_name_plural = _("đại biểu")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(gives_opening_speech=True),
                name="courses_one_opening_speech",
                violation_error_message=_("Lớp đã có người phát biểu khai giảng."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.full_name}"
