"""Giấy chứng nhận: certificates of completion, their number series and batches.

Numbers run per issuer (the class's owning committee) per year without gaps or
repeats: `services.issue` moves the series counter with one UPDATE (which locks
the row until commit) inside the issuing transaction, and the database refuses
a number used twice.
A revoked certificate keeps its number; a reissue takes a new one and points
back at the certificate it `replaces`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role

# The year is part of the number: numbers restart every year, so "15/GCN-BDV" alone
# would name two certificates of one issuer.
DEFAULT_PATTERN = "{number}/{year}/GCN-BDV"


class CertificateSeries(models.Model):
    """Sổ cấp giấy chứng nhận: one issuer's numbers for one year."""

    issuer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị cấp"),
        on_delete=models.PROTECT,
        related_name="certificate_series",
    )
    year = models.PositiveIntegerField(_("năm"))
    pattern = models.CharField(
        _("mẫu số hiệu"),
        max_length=60,
        default=DEFAULT_PATTERN,
        help_text=_("{number} được thay bằng số thứ tự, {year} bằng năm, ví dụ 15/2022/GCN-BDV."),
    )
    next_number = models.PositiveIntegerField(_("số tiếp theo"), default=1)

    scope_territory = "issuer__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("sổ cấp giấy chứng nhận")
        verbose_name_plural = _("sổ cấp giấy chứng nhận")
        ordering = ["issuer", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year"],
                name="certificates_series_once_per_year",
                violation_error_message=_("Đơn vị đã có sổ cấp giấy chứng nhận cho năm này."),
            ),
            models.CheckConstraint(
                condition=Q(next_number__gte=1), name="certificates_series_next_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.year}"

    def register_for(self, number: int) -> str:
        pattern = self.pattern
        if "{year}" not in pattern:
            # A pattern kept from before the year was required: it follows the number.
            pattern = pattern.replace("{number}", "{number}/{year}")
        return pattern.replace("{number}", str(number)).replace("{year}", str(self.year))


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Còn hiệu lực")
    REVOKED = "revoked", _("Đã thu hồi")


class Certificate(models.Model):
    enrollment = models.ForeignKey(
        "nominations.Enrollment",
        verbose_name=_("học viên"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    series = models.ForeignKey(
        CertificateSeries, on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.PositiveIntegerField(_("số thứ tự"))
    register = models.CharField(_("số hiệu"), max_length=80)
    issued_on = models.DateField(_("ngày cấp"))
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=160)
    code = models.CharField(_("mã xác minh"), max_length=32, unique=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    revoke_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("cấp lại thay cho"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_territory = "enrollment__course__owner__territory"
    scope_view_roles = COMMITTEE | {Role.SECRETARY}
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = _("giấy chứng nhận")
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                name="certificates_number_once_per_series",
                violation_error_message=_("Số giấy chứng nhận này đã được cấp."),
            ),
            models.UniqueConstraint(
                fields=["series", "register"], name="certificates_register_once_per_series"
            ),
            # One valid certificate per trainee of a class.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status="valid"),
                name="certificates_one_valid_per_enrollment",
                violation_error_message=_("Học viên này đã có giấy chứng nhận còn hiệu lực."),
            ),
            models.CheckConstraint(
                condition=Q(status="valid") | ~Q(revoke_reason=""),
                name="certificates_revoke_needs_reason",
                violation_error_message=_("Thu hồi phải ghi rõ lý do."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="certificates_number_positive"),
        ]

    def __str__(self) -> str:
        return self.register


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo")
    DONE = "done", _("Hoàn tất")
    FAILED = "failed", _("Lỗi")


class CertificateBatch(models.Model):
    """One run of "cấp giấy chứng nhận cho cả lớp": numbers, a merged PDF and a zip."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="certificate_batches"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    issued_on = models.DateField(_("ngày cấp"))
    signer_name = models.CharField(_("người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=160)
    verify_base = models.CharField(max_length=300, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    issued_count = models.PositiveIntegerField(default=0)
    merged_pdf = models.FileField(upload_to="certificates/%Y/%m/", blank=True)
    zip_file = models.FileField(upload_to="certificates/%Y/%m/", blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_territory = "course__owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("đợt cấp giấy chứng nhận")
        verbose_name_plural = _("đợt cấp giấy chứng nhận")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.course_id} {self.created_at:%Y-%m-%d}"

    @property
    def running(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
