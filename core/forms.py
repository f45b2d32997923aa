from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import Form
from django.utils.translation import gettext_lazy as _

# Dates typed in forms: from the oldest trainee's birth to any plausible plan.
MIN_YEAR = 1900
MAX_YEAR = 2100


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def add_failure(form: Form, exc: ValidationError | PermissionDenied) -> None:
    """Show what a service refused on the form (validation or permission)."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc))
    else:
        add_service_errors(form, exc)


def error_text(form: Form) -> str:
    """A form's errors in one line for a flash message, each named by its field's label."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(str(error) for error in errors)
        field = form.fields.get(name)
        parts.append(f"{field.label}: {text}" if field is not None and field.label else text)
    return " ".join(parts)


_ID_RE = re.compile(r"[0-9]{1,12}")


def parse_id(value: object) -> int | None:
    """An id from a query string or form: ASCII digits only ("²".isdigit() is True)."""
    text = str(value) if value is not None else ""
    return int(text) if _ID_RE.fullmatch(text) else None


class DateField(forms.DateField):
    """A date between MIN_YEAR and MAX_YEAR: year 1 or 9999 is a typo, not a date
    (and overflows date arithmetic such as shifting a cloned class)."""

    default_error_messages = {
        "out_of_range": _("Năm phải từ %(min)d đến %(max)d (đã nhập %(value)s)."),
    }

    def to_python(self, value: Any) -> datetime.date | None:
        date: datetime.date | None = super().to_python(value)
        if date is not None and not MIN_YEAR <= date.year <= MAX_YEAR:
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"min": MIN_YEAR, "max": MAX_YEAR, "value": date.strftime("%d/%m/%Y")},
            )
        return date


class ModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice by id that refuses a non-id (an oversized number) as invalid, not 500."""

    def to_python(self, value: Any) -> Any:
        if (
            value not in self.empty_values
            and self.to_field_name is None
            and not isinstance(value, Model)  # an initial value given as the object
            and parse_id(value) is None  # a 20-digit id overflows SQLite
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Choices by id; a value that is no id is refused with the field's message."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for item in value:
                if parse_id(item) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(item)[:20]},
                    )
        return super()._check_values(value)  # type: ignore[misc]
