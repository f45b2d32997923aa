"""`{{ courses|course_rows }}`: the class table's rows, written in Python (courses.html)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.safestring import SafeString

from courses import html

register = template.Library()


@register.filter
def course_rows(courses: Iterable[Any]) -> SafeString:
    return html.course_rows(courses)
