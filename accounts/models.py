"""User accounts: a person of an organisation with one or more roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import MANAGERS, Role
from geo.models import AdminUnit


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("cơ quan, đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    scope_territory = "organization__territory"
    scope_view_roles = MANAGERS
    scope_change_roles = MANAGERS

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_edit", args=[self.pk])

    _role_cache: frozenset[str] | None = None

    def role_set(self) -> frozenset[str]:
        cached = self._role_cache
        if cached is None:
            cached = (
                frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            )
            if self.is_superuser:
                cached = cached | {Role.ADMIN}
            self._role_cache = cached
        return cached

    def forget_roles(self) -> None:
        self._role_cache = None

    def territory(self) -> AdminUnit | None:
        if self.organization_id is None:
            return None
        assert self.organization is not None
        return self.organization.territory


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                name="accounts_role_unique",
                violation_error_message=_("Tài khoản đã có vai trò này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"
