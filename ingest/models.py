"""Import jobs: a spreadsheet uploaded, checked, previewed and written (or not)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("Danh sách người")
    ROSTER = "roster", _("Danh sách đối tượng cần bồi dưỡng")
    NOMINATIONS = "nominations", _("Danh sách cử đi học")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ xử lý")
    CHECKING = "checking", _("Đang kiểm tra")
    PREVIEW = "preview", _("Chờ xác nhận")
    WRITING = "writing", _("Đang ghi")
    DONE = "done", _("Đã nhập")
    REJECTED = "rejected", _("Có lỗi, chưa ghi gì")
    FAILED = "failed", _("Lỗi hệ thống, chưa ghi gì")
    CANCELLED = "cancelled", _("Đã huỷ")


class ImportJob(models.Model):
    kind = models.CharField(_("loại dữ liệu"), max_length=12, choices=ImportKind.choices)
    owner = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị quản lý hồ sơ"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    # Kind-specific targets and choices: {"roster": id, "course": id, "valid_only": bool}.
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # Counts per outcome (create, update, merge, reject) and the preview sample.
    summary = models.JSONField(default=dict, blank=True)
    error_report = models.FileField(upload_to="imports/errors/%Y/%m/", blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_territory = "owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE
    scope_own = {Role.FOCAL_POINT: "created_by"}
    scope_own_change = {Role.FOCAL_POINT: "created_by"}

    class Meta:
        verbose_name = _("lượt nhập dữ liệu")
        verbose_name_plural = _("lượt nhập dữ liệu")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("ingest:job_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
