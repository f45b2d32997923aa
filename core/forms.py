from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form


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


_ID_RE = re.compile(r"[0-9]{1,12}")


def parse_id(value: object) -> int | None:
    """An id from a query string or form: ASCII digits only ("²".isdigit() is True)."""
    text = str(value) if value is not None else ""
    return int(text) if _ID_RE.fullmatch(text) else None
