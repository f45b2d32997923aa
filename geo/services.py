"""Writes of the map: villages and residential groups under a commune."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.roles import COMMITTEE
from core.scope import has_role, territory_allowed
from core.text import fold, normalize_text, sort_key
from geo.models import VILLAGE_TYPES, AdminUnit, Level


@transaction.atomic
def village_create(*, actor: Any, commune: AdminUnit, unit_type: str, name: str) -> AdminUnit:
    """Add a thôn/ấp/bản/khu phố/tổ dân phố under a commune inside the actor's territory."""
    if actor is not None and not (has_role(actor, COMMITTEE) and territory_allowed(actor, commune)):
        raise PermissionDenied(_("Xã/phường này nằm ngoài phạm vi quản lý của bạn."))
    if commune.level != Level.COMMUNE:
        raise ValidationError({"name": _("Thôn/khu phố chỉ tạo được dưới một xã/phường.")})
    if unit_type not in VILLAGE_TYPES:
        raise ValidationError({"unit_type": _("Loại thôn/khu phố không hợp lệ.")})
    short_name = normalize_text(name)
    if short_name.lower().startswith(unit_type.lower() + " "):
        short_name = short_name[len(unit_type) + 1 :]
    full_name = f"{unit_type} {short_name}"
    village = AdminUnit(
        edition=commune.edition,
        level=Level.VILLAGE,
        unit_type=unit_type,
        name=full_name,
        short_name=short_name,
        parent=commune,
        covered_path=commune.covered_path,
        valid_from=commune.valid_from,
        valid_to=commune.valid_to,
        name_folded=fold(full_name),
        sort_key=sort_key(short_name),
        path="",
    )
    village.full_clean(exclude=["path"])
    try:
        with transaction.atomic():
            village.save()
    except IntegrityError:
        raise ValidationError({"name": _("Thôn/khu phố này đã có trong xã/phường.")}) from None
    village.path = f"{commune.path}{village.pk}/"
    village.save(update_fields=["path"])
    return village
