"""Forms of attendance: one mark (the table's row) and the paper sheet."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from attendance.models import Mark


class MarkForm(forms.Form):
    mark = forms.ChoiceField(
        label=_("Điểm danh"),
        choices=Mark.choices,
        error_messages={"invalid_choice": _("Hãy chọn một trong các mức điểm danh.")},
    )
    reason = forms.CharField(label=_("Lý do"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reason_ok = "reason" not in self.errors  # a too-long reason is its own error
        if (
            data.get("mark") == Mark.EXCUSED
            and reason_ok
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Vắng có phép phải ghi lý do."))
        return data


def paper_marks(post: Any, enrollment_ids: list[int]) -> dict[int, tuple[str, str]]:
    """enrollment id -> (mark, reason) from the paper-sheet form's fields."""
    return {
        pk: (str(post.get(f"mark-{pk}", "")), str(post.get(f"reason-{pk}", "")))
        for pk in enrollment_ids
    }
