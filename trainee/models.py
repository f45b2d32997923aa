"""The trainee's own page (issue #5 item 7): reached with an account linked to the
person (`Person.user`) or with a personal link that needs no account.

A `PersonalLink` is the revocable, expiring half of a personal link: the URL
carries a token signed with SECRET_KEY that names this row, and the row says
whether the link still works. Issuing a new link revokes the person's old ones.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role


class PersonalLink(models.Model):
    """One personal link of a trainee: valid until `expires_at` unless revoked."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="personal_links"
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn"))
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    scope_territory = "person__owner__territory"
    scope_view_roles = COMMITTEE
    scope_change_roles = COMMITTEE
    scope_own = {Role.FOCAL_POINT: "person__owner__users"}
    scope_own_change = {Role.FOCAL_POINT: "person__owner__users"}

    class Meta:
        verbose_name = _("đường dẫn cá nhân")
        verbose_name_plural = _("đường dẫn cá nhân")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="trainee_link_expires_after_creation",
                violation_error_message=_("Ngày hết hạn phải sau ngày tạo."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.created_at:%d/%m/%Y}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
