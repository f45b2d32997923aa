"""Writes of organisations. Views, commands and the demo loader call these."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.scope import VIEW, require_change, restrict, territory_allowed
from core.text import fold, normalize_text, sort_key
from geo.models import AdminUnit, Level
from orgs.models import Organization, OrganizationName

_EDITABLE = ("kind", "name", "short_name", "territory", "parent", "valid_from", "valid_to")


def _check_placement(
    actor: Any,
    *,
    territory: AdminUnit,
    parent: Organization | None,
    kept_parent_id: int | None = None,
) -> None:
    if actor is not None:
        if not territory_allowed(actor, territory):
            raise PermissionDenied(_("Địa bàn này nằm ngoài phạm vi quản lý của bạn."))
        if (
            parent is not None
            and parent.pk != kept_parent_id
            and not restrict(Organization.objects, actor, VIEW).filter(pk=parent.pk).exists()
        ):
            raise PermissionDenied(_("Cơ quan cấp trên nằm ngoài phạm vi quản lý của bạn."))
    if territory.level == Level.VILLAGE:
        raise ValidationError({"territory": _("Địa bàn của cơ quan phải là tỉnh, huyện hoặc xã.")})


def _fill_derived(organization: Organization) -> None:
    organization.name = normalize_text(organization.name)
    organization.short_name = normalize_text(organization.short_name)
    organization.name_folded = fold(organization.name)
    organization.sort_key = sort_key(organization.name)


def organization_create(
    *,
    actor: Any,
    kind: str,
    name: str,
    territory: AdminUnit,
    short_name: str = "",
    parent: Organization | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> Organization:
    """Create an organisation inside the actor's territory (actor None: system)."""
    _check_placement(actor, territory=territory, parent=parent)
    organization = Organization(
        kind=kind,
        name=name,
        short_name=short_name,
        territory=territory,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _fill_derived(organization)
    organization.full_clean()
    organization.save()
    return organization


def organization_update(*, actor: Any, organization: Organization, **changes: Any) -> Organization:
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    require_change(actor, organization)
    kept_parent_id = organization.parent_id
    for field, value in changes.items():
        setattr(organization, field, value)
    if organization.parent_id is not None and organization.parent_id == organization.pk:
        raise ValidationError({"parent": _("Cơ quan không thể trực thuộc chính nó.")})
    _check_placement(
        actor,
        territory=organization.territory,
        parent=organization.parent,
        kept_parent_id=kept_parent_id,
    )
    _fill_derived(organization)
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def organization_rename(
    *, actor: Any, organization: Organization, new_name: str, effective: datetime.date
) -> Organization:
    """Give a new name from `effective` on; the old name stays in the history."""
    require_change(actor, organization)
    new_name = normalize_text(new_name)
    if not new_name:
        raise ValidationError({"new_name": _("Tên mới không được để trống.")})
    if new_name == organization.name:
        raise ValidationError({"new_name": _("Tên mới trùng với tên hiện tại.")})
    last = organization.names.order_by("-valid_to").first()
    started = (last.valid_to + datetime.timedelta(days=1)) if last else organization.valid_from
    if started is not None and effective <= started:
        raise ValidationError(
            {
                "effective": _("Ngày đổi tên phải sau ngày %(day)s.")
                % {"day": started.strftime("%d/%m/%Y")}
            }
        )
    history = OrganizationName(
        organization=organization,
        name=organization.name,
        valid_from=started,
        valid_to=effective - datetime.timedelta(days=1),
        changed_by=actor if getattr(actor, "pk", None) else None,
    )
    history.full_clean()
    history.save()
    organization.name = new_name
    _fill_derived(organization)
    organization.full_clean()
    organization.save(update_fields=["name", "short_name", "name_folded", "sort_key", "updated_at"])
    return organization
