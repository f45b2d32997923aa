"""Organisations: committees, political schools, the Front, mass organisations..."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, MANAGERS, Role
from geo.models import AdminUnit


class OrganizationKind(models.TextChoices):
    COMMITTEE = "committee", _("Ban Dân vận / Ban TG&DV")
    POLITICAL_SCHOOL = "political_school", _("Trường/Trung tâm Chính trị")
    FATHERLAND_FRONT = "fatherland_front", _("Ủy ban MTTQ Việt Nam")
    MASS_ORGANIZATION = "mass_organization", _("Đoàn thể chính trị - xã hội")
    GOVERNMENT_AGENCY = "government_agency", _("Cơ quan nhà nước, sở, ngành")
    POLICE = "police", _("Công an")
    MILITARY = "military", _("Quân sự")
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy, chi bộ")
    OTHER = "other", _("Khác")


class Organization(models.Model):
    """A body that owns records, co-organises classes or nominates trainees."""

    kind = models.CharField(_("loại"), max_length=30, choices=OrganizationKind.choices)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    territory = models.ForeignKey(
        AdminUnit,
        verbose_name=_("địa bàn"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan kế thừa"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
    )
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    sort_key = models.CharField(max_length=600, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_territory = "territory"
    scope_view_roles = COMMITTEE | {Role.FOCAL_POINT, Role.EDITOR}
    scope_change_roles = MANAGERS

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "kind", "name"],
                name="orgs_unique_name_per_territory",
                violation_error_message=_("Đã có cơ quan cùng tên, cùng loại trên địa bàn này."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="orgs_valid_range",
                violation_error_message=_("Ngày ngừng hoạt động phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="orgs_not_own_parent",
                violation_error_message=_("Cơ quan không thể trực thuộc chính nó."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.pk])

    def current_name_since(self) -> datetime.date | None:
        """When the present name took effect: the day after the last former name ended."""
        ends = [record.valid_to for record in self.names.all()]
        return max(ends) + datetime.timedelta(days=1) if ends else self.valid_from

    def name_on(self, day: datetime.date) -> str:
        """The name the organisation bore on `day` (renames keep their history)."""
        for record in self.names.all():
            if (
                record.valid_to is not None
                and record.valid_to >= day
                and (record.valid_from is None or record.valid_from <= day)
            ):
                return record.name
        return self.name


class OrganizationName(models.Model):
    """A former name: "Ban Dân vận Tỉnh ủy ..." until 2025, then renamed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("tên cũ"), max_length=255)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"))
    changed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tên cũ của cơ quan")
        verbose_name_plural = _("tên cũ của cơ quan")
        ordering = ["-valid_to"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "valid_to"],
                name="orgs_name_unique_end",
                violation_error_message=_("Đã có một tên cũ kết thúc vào ngày này."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="orgs_name_valid_range",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
