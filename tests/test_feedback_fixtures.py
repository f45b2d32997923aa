"""Builders shared by the feedback tests (no tests here).

The assessment class (two lectures: the first taught by a lecturer with an
account, the second without a lecturer) and its three trainees.
"""

from __future__ import annotations

from typing import Any

from feedback.selectors import survey_items
from nominations.models import Enrollment


def answers(
    enrollment: Enrollment, score: int = 4, organisation: Any = 5, **extra: Any
) -> dict[str, Any]:
    """Form data answering every row of the class's survey with `score`."""
    data: dict[str, Any] = {item.name: str(score) for item in survey_items(enrollment.course)}
    data["organisation"] = str(organisation)
    data["comment"] = ""
    data.update(extra)
    return data
