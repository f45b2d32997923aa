"""Writes of training plans and their targets."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.scope import require_change, require_owner_in_scope
from core.text import normalize_text
from core.uploads import check_document
from orgs.models import Organization
from people.models import TraineeCategory
from planning.models import PlanTarget, TrainingPlan


@transaction.atomic
def _save(plan: TrainingPlan, targets: Sequence[tuple[TraineeCategory | None, int]]) -> None:
    plan.number = normalize_text(plan.number)
    plan.symbol = normalize_text(plan.symbol).upper().replace(" ", "")
    plan.title = normalize_text(plan.title)
    if plan.issue_date.year not in (plan.year - 1, plan.year):
        raise ValidationError(
            {
                "issue_date": _("Ngày ban hành phải thuộc năm %(y)d hoặc cuối năm trước.")
                % {"y": plan.year}
            }
        )
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise ValidationError(
            {"number": _("Cơ quan đã có kế hoạch mang số này trong năm.")}
        ) from None
    total = next((n for category, n in targets if category is None), None)
    for category, trainees in targets:
        if category is not None and total is not None and trainees > total:
            raise ValidationError(
                {
                    "target_total": _(
                        "Chỉ tiêu đối tượng “%(c)s” (%(n)d người) lớn hơn tổng số học viên "
                        "của kế hoạch (%(t)d người)."
                    )
                    % {"c": category, "n": trainees, "t": total}
                }
            )
    seen: set[int | None] = set()
    rows = []
    for category, trainees in targets:
        key = category.pk if category else None
        if key in seen:
            raise ValidationError(
                {
                    "targets": _("Đối tượng “%(c)s” có hai chỉ tiêu.")
                    % {"c": category or _("Tổng số")}
                }
            )
        seen.add(key)
        rows.append(PlanTarget(plan=plan, category=category, trainees=trainees))
    PlanTarget.objects.filter(plan=plan).delete()
    PlanTarget.objects.bulk_create(rows)


def _save_with_attachment(
    plan: TrainingPlan,
    targets: Sequence[tuple[TraineeCategory | None, int]],
    attachment: UploadedFile | None,
) -> None:
    """Save the plan; a stored upload never outlives a failed save, a replaced one is
    removed once the new one is committed."""
    old_name = plan.attachment.name or ""
    if attachment is None:
        _save(plan, targets)
        return
    check_document(attachment, field="attachment")
    plan.attachment = attachment
    storage = plan.attachment.storage
    try:
        _save(plan, targets)
    except BaseException:
        new_name = plan.attachment.name or ""
        if plan.attachment._committed and new_name and new_name != old_name:
            storage.delete(new_name)
        plan.attachment.name = old_name
        raise
    if old_name and old_name != plan.attachment.name:
        transaction.on_commit(lambda: storage.delete(old_name))


def plan_create(
    *,
    actor: Any,
    issuer: Organization,
    number: str,
    symbol: str,
    year: int,
    issue_date: datetime.date,
    title: str,
    classes_target: int = 0,
    budget: Any = None,
    notes: str = "",
    attachment: UploadedFile | None = None,
    targets: Sequence[tuple[TraineeCategory | None, int]] = (),
) -> TrainingPlan:
    require_owner_in_scope(actor, issuer)
    plan = TrainingPlan(
        issuer=issuer,
        number=number,
        symbol=symbol,
        year=year,
        issue_date=issue_date,
        title=title,
        classes_target=classes_target,
        budget=budget,
        notes=notes,
    )
    _save_with_attachment(plan, targets, attachment)
    return plan


def plan_update(
    *,
    actor: Any,
    plan: TrainingPlan,
    targets: Sequence[tuple[TraineeCategory | None, int]],
    attachment: UploadedFile | None = None,
    **fields: Any,
) -> TrainingPlan:
    require_change(actor, plan)
    issuer = fields.get("issuer")
    if issuer is not None and issuer.pk != plan.issuer_id:
        require_owner_in_scope(actor, issuer)
    for name, value in fields.items():
        setattr(plan, name, value)
    _save_with_attachment(plan, targets, attachment)
    return plan
