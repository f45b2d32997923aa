"""People: trainee categories, the person registry, lecturers and target rosters."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role
from people.reference import ETHNICITIES, RELIGIONS


class TraineeCategory(models.Model):
    """Đối tượng: a controlled, extensible list (tổ trưởng tổ dân vận, bí thư chi bộ…)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=150, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("đối tượng học viên")
        verbose_name_plural = _("đối tượng học viên")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "nam", _("Nam")
    FEMALE = "nu", _("Nữ")


class TheoryLevel(models.TextChoices):
    """Trình độ lý luận chính trị."""

    NONE = "", _("(chưa có)")
    ELEMENTARY = "so_cap", _("Sơ cấp")
    INTERMEDIATE = "trung_cap", _("Trung cấp")
    ADVANCED = "cao_cap", _("Cao cấp")
    BACHELOR = "cu_nhan", _("Cử nhân")


ETHNICITY_CHOICES = [(code, name) for code, name, _aliases in ETHNICITIES]
RELIGION_CHOICES = [(code, name) for code, name, _aliases in RELIGIONS]


class Person(models.Model):
    """A person: họ, tên đệm, tên sorted the Vietnamese way (by given name first).

    `identity_key` (folded name | birth | commune) and `citizen_id` find likely
    duplicates; every change is kept in `PersonChange`.
    """

    family_name = models.CharField(_("họ"), max_length=50)
    middle_name = models.CharField(_("tên đệm"), max_length=80, blank=True)
    given_name = models.CharField(_("tên"), max_length=50)
    full_name = models.CharField(_("họ và tên"), max_length=200, editable=False)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=600, db_index=True, editable=False)
    sex = models.CharField(_("giới tính"), max_length=3, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=2, choices=ETHNICITY_CHOICES, blank=True)
    religion = models.CharField(_("tôn giáo"), max_length=30, choices=RELIGION_CHOICES, blank=True)
    citizen_id = models.CharField(_("số CCCD"), max_length=12, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("cơ quan công tác"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    home_unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("nơi cư trú (xã, thôn)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    categories = models.ManyToManyField(
        TraineeCategory, verbose_name=_("đối tượng"), blank=True, related_name="people"
    )
    theory_level = models.CharField(
        _("trình độ lý luận chính trị"),
        max_length=12,
        choices=TheoryLevel.choices,
        blank=True,
    )
    is_party_member = models.BooleanField(_("đảng viên"), default=False)
    party_joined_on = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    identity_key = models.CharField(max_length=260, blank=True, editable=False, db_index=True)
    # The trainee's own account (role trainee): opens the trainee page (issue #5 item 7).
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("tài khoản học viên"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    owner = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị quản lý hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_territory = "owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE
    # A focal point sees and edits the people their own unit manages.
    scope_own = {Role.FOCAL_POINT: "owner__users"}
    scope_own_change = {Role.FOCAL_POINT: "owner__users"}

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("người")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=~Q(citizen_id=""),
                name="people_person_citizen_id_unique",
                violation_error_message=_("Số CCCD này đã có trong hệ thống."),
            ),
            models.CheckConstraint(
                condition=Q(citizen_id="") | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="people_person_citizen_id_12_digits",
                violation_error_message=_("Số CCCD phải gồm đúng 12 chữ số."),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="people_person_birth_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.pk])

    @property
    def birth_display(self) -> str:
        if self.birth_date:
            return self.birth_date.strftime("%d/%m/%Y")
        return str(self.birth_year) if self.birth_year else ""


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Sửa")
    IMPORT = "import", _("Nhập từ tệp")
    MERGE = "merge", _("Gộp hồ sơ trùng")


class PersonChange(models.Model):
    """One change to a person record: who, when, how and the field values before/after."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("thao tác"), max_length=10, choices=ChangeAction.choices)
    changes = models.JSONField(_("nội dung thay đổi"), default=dict)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    scope_territory = "person__owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles: frozenset[str] = frozenset()
    scope_own = {Role.FOCAL_POINT: "person__owner__users"}

    class Meta:
        verbose_name = _("lịch sử thay đổi hồ sơ")
        verbose_name_plural = _("lịch sử thay đổi hồ sơ")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class Roster(models.Model):
    """A target roster: the people a committee must train (e.g. every village team leader)."""

    name = models.CharField(_("tên danh sách"), max_length=300)
    description = models.TextField(_("mô tả"), blank=True)
    owner = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="rosters",
    )
    period_start = models.DateField(_("tính từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members: models.ManyToManyField[Person, RosterMember] = models.ManyToManyField(
        Person, through="RosterMember", related_name="rosters", blank=True
    )

    scope_territory = "owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("danh sách đối tượng cần bồi dưỡng")
        verbose_name_plural = _("danh sách đối tượng cần bồi dưỡng")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="people_roster_period",
                violation_error_message=_("Ngày kết thúc phải từ ngày bắt đầu trở đi."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:roster_detail", args=[self.pk])


class RosterMember(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roster_memberships")
    # The unit coverage is reported by (the person's commune by default).
    unit = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(auto_now_add=True)

    scope_territory = "roster__owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("thành viên danh sách")
        verbose_name_plural = _("thành viên danh sách")
        constraints = [
            models.UniqueConstraint(fields=["roster", "person"], name="people_rostermember_once")
        ]

    def __str__(self) -> str:
        return f"{self.roster_id}:{self.person_id}"


class AcademicTitle(models.TextChoices):
    NONE = "", _("(không)")
    GS_TS = "GS.TS", "GS.TS"
    PGS_TS = "PGS.TS", "PGS.TS"
    TS = "TS", "TS"
    THS = "ThS", "ThS"
    CN = "CN", "CN"
    NGND = "NGND", "NGND"
    NGUT = "NGƯT", "NGƯT"


class Lecturer(models.Model):
    """Báo cáo viên, giảng viên: a person who teaches topics.

    The registry is shared: a central lecturer teaches in every province, so
    every committee user may read it; changes stay with the owner's territory.
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="lecturer")
    academic_title = models.CharField(
        _("học hàm, học vị"), max_length=10, choices=AcademicTitle.choices, blank=True
    )
    topics = models.ManyToManyField(
        "courses.Topic", verbose_name=_("chuyên đề giảng dạy"), blank=True, related_name="lecturers"
    )
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lecturer",
    )
    owner = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị quản lý"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    feed_token = models.CharField(max_length=43, unique=True, editable=False)

    scope_territory = "owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE
    scope_shared_view = True
    scope_own = {Role.LECTURER: "user"}

    class Meta:
        verbose_name = _("báo cáo viên")
        verbose_name_plural = _("báo cáo viên")
        ordering = ["person__sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(feed_token=""), name="people_lecturer_has_feed_token"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("courses:lecturer_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        title = f"{self.academic_title}. " if self.academic_title else ""
        return f"{title}{self.person.full_name}"
