"""People: trainee categories, persons and lecturers.

The person registry grows with the nominations work (issue #4); here a person
carries what a lecturer needs.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role


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


class Person(models.Model):
    """A person: họ, tên đệm, tên sorted the Vietnamese way (by given name first)."""

    family_name = models.CharField(_("họ"), max_length=50)
    middle_name = models.CharField(_("tên đệm"), max_length=80, blank=True)
    given_name = models.CharField(_("tên"), max_length=50)
    full_name = models.CharField(_("họ và tên"), max_length=200, editable=False)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    sort_key = models.CharField(max_length=600, db_index=True, editable=False)
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
    owner = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị quản lý hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_territory = "owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("người")
        verbose_name_plural = _("người")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.full_name


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
    scope_own_lookup = "user"
    scope_own_roles = frozenset({Role.LECTURER})

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
