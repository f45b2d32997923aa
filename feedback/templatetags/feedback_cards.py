"""The survey results card of the lecturer page (issue #5 item 6)."""

from __future__ import annotations

from typing import Any

from django import template

from feedback.selectors import lecturer_feedback
from people.models import Lecturer

register = template.Library()


@register.inclusion_tag("feedback/_lecturer_card.html", takes_context=True)
def lecturer_feedback_card(context: dict[str, Any], lecturer: Lecturer) -> dict[str, Any]:
    """Average scores trainees gave `lecturer`, per class, over the classes the viewer
    may see (a lecturer: their own scores); one query."""
    return {"feedback": lecturer_feedback(lecturer, context["request"].user)}
