"""Writes of user accounts, within the actor's territory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User, UserRole
from core.roles import Role
from core.scope import VIEW, has_role, require_change, restrict
from orgs.models import Organization


def grantable_roles(actor: Any) -> list[str]:
    """An administrator grants every role; a committee manager all but administrator."""
    if actor is None or has_role(actor, {Role.ADMIN}):
        return list(Role.values)
    if has_role(actor, {Role.COMMITTEE_MANAGER}):
        return [role for role in Role.values if role != Role.ADMIN]
    return []


def _check(actor: Any, *, organization: Organization | None, roles: Iterable[str]) -> None:
    if actor is None:
        return
    allowed = set(grantable_roles(actor))
    refused = set(roles) - allowed
    if refused:
        raise PermissionDenied(
            _("Bạn không được cấp vai trò: %(roles)s.")
            % {"roles": ", ".join(str(Role(r).label) for r in sorted(refused))}
        )
    if organization is None:
        if not has_role(actor, {Role.ADMIN}):
            raise ValidationError({"organization": _("Hãy chọn cơ quan của tài khoản.")})
    elif not restrict(Organization.objects, actor, VIEW).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Cơ quan này nằm ngoài phạm vi quản lý của bạn."))


def _set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    UserRole.objects.filter(user=user).exclude(role__in=wanted).delete()
    have = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(wanted - have)])
    user.forget_roles()


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    organization: Organization | None,
    roles: Iterable[str],
    full_name: str = "",
    email: str = "",
    position: str = "",
) -> User:
    roles = list(roles)
    _check(actor, organization=organization, roles=roles)
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        email=email.strip(),
        position=position.strip(),
        organization=organization,
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    _set_roles(user, roles)
    return user


@transaction.atomic
def user_update(
    *,
    actor: Any,
    user: User,
    organization: Organization | None,
    roles: Iterable[str],
    full_name: str,
    email: str,
    position: str,
    is_active: bool,
) -> User:
    roles = list(roles)
    require_change(actor, user)
    if Role.ADMIN in user.role_set() and not has_role(actor, {Role.ADMIN}):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa tài khoản quản trị."))
    # Roles the actor could not grant stay as they were rather than vanish silently.
    stored = set(user.roles.values_list("role", flat=True))
    kept = stored - set(grantable_roles(actor))
    _check(actor, organization=organization, roles=set(roles) - kept)
    if user.pk == getattr(actor, "pk", None) and not is_active:
        raise ValidationError({"is_active": _("Bạn không thể tự khoá tài khoản của mình.")})
    user.organization = organization
    user.full_name = full_name.strip()
    user.email = email.strip()
    user.position = position.strip()
    user.is_active = is_active
    user.full_clean()
    user.save(update_fields=["organization", "full_name", "email", "position", "is_active"])
    _set_roles(user, set(roles) | kept)
    return user
