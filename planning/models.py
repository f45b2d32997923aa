"""Annual training plans (kế hoạch) and their targets."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role


def plan_file_path(instance: TrainingPlan, filename: str) -> str:
    return f"plans/{instance.year}/{filename}"


class TrainingPlan(models.Model):
    """Kế hoạch số 68-KH/BDVTU: number, symbol, year, issuer, targets."""

    number = models.CharField(_("số"), max_length=20)
    symbol = models.CharField(_("ký hiệu"), max_length=40, help_text=_("Ví dụ: KH/BDVTU"))
    year = models.PositiveSmallIntegerField(_("năm"))
    issuer = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    issue_date = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500)
    classes_target = models.PositiveIntegerField(_("số lớp kế hoạch"), default=0)
    budget = models.DecimalField(
        _("kinh phí (đồng)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    attachment = models.FileField(
        _("văn bản đính kèm"), upload_to=plan_file_path, blank=True, max_length=300
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_territory = "issuer__territory"
    scope_view_roles = COMMITTEE | {Role.EDITOR}
    scope_change_roles = COMMITTEE

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "-issue_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                name="planning_unique_number",
                violation_error_message=_("Cơ quan đã có kế hoạch mang số này trong năm."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1945) & Q(year__lte=2100),
                name="planning_sane_year",
                violation_error_message=_("Năm không hợp lệ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("planning:plan_detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """ "68-KH/BDVTU"."""
        return f"{self.number}-{self.symbol}"


class PlanTarget(models.Model):
    """How many trainees of one category (or of all, category empty) the plan aims at."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="targets")
    category = models.ForeignKey(
        "people.TraineeCategory",
        verbose_name=_("đối tượng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    trainees = models.PositiveIntegerField(_("số người"))

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "category"],
                name="planning_target_once",
                violation_error_message=_("Đối tượng này đã có chỉ tiêu trong kế hoạch."),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(category__isnull=True),
                name="planning_one_total_target",
                violation_error_message=_("Kế hoạch đã có chỉ tiêu chung."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or _('Tổng số')}: {self.trainees}"
