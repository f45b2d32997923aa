"""Rules of the feedback survey: the only writer of this app's rows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.roles import COMMITTEE, Role
from core.scope import in_territory, require_role
from core.text import clean_note, shorten
from courses.models import Course
from feedback.models import MAX_SCORE, MIN_SCORE, Source, SurveyRating, SurveyResponse
from feedback.selectors import SurveyItem, survey_items
from nominations.models import Enrollment, EnrollmentStatus

COLLECTORS = COMMITTEE | {Role.SECRETARY}
ORGANISATION = "organisation"
MAX_COMMENT = 5000


def already_answered(enrollment: Enrollment) -> str:
    return _("%(name)s đã gửi phiếu đánh giá của lớp này; phiếu không thay đổi.") % {
        "name": enrollment.person
    }


def parse_rating(value: Any, field: str) -> int:
    """A score 1–5 typed in a form; ValidationError naming the field otherwise."""
    text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationError(_("Chưa chấm điểm cho “%(f)s”.") % {"f": field})
    # ASCII digits only: "²".isdigit() is True and int() of 5,000 digits raises.
    if not re.fullmatch(r"[0-9]{1,2}", text) or not MIN_SCORE <= int(text) <= MAX_SCORE:
        raise ValidationError(
            _("Điểm “%(v)s” cho “%(f)s” không hợp lệ: chọn một số từ %(a)d đến %(b)d.")
            % {"v": shorten(text), "f": field, "a": MIN_SCORE, "b": MAX_SCORE}
        )
    return int(text)


def require_collector(actor: Any, course: Course) -> None:
    """Secretaries and the committee enter the paper surveys of their territory's classes."""
    require_role(actor, COLLECTORS)
    if not in_territory(actor, course, COLLECTORS):
        raise PermissionDenied(_("Lớp này nằm ngoài phạm vi của bạn."))


@transaction.atomic
def response_submit(
    *,
    actor: Any,
    enrollment: Enrollment,
    source: str,
    data: Mapping[str, Any],
    items: list[SurveyItem] | None = None,
) -> SurveyResponse:
    """Record one trainee's survey from form data (`r-<session>-<lecturer>` per row,
    `organisation`, `comment`). Every error is collected first; nothing is written
    unless all is well. A trainee answers once."""
    if actor is not None:
        require_collector(actor, enrollment.course)
    if source not in Source.values:
        raise ValidationError(_("Nguồn phiếu không hợp lệ."))
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise ValidationError(_("%(name)s đã rút khỏi lớp.") % {"name": enrollment.person})
    if items is None:
        items = survey_items(enrollment.course)
    errors: list[str] = []
    scores: list[tuple[SurveyItem, int]] = []
    for item in items:
        try:
            scores.append((item, parse_rating(data.get(item.name), item.label)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    organisation = 0
    try:
        organisation = parse_rating(data.get(ORGANISATION), _("Công tác tổ chức lớp"))
    except ValidationError as exc:
        errors.extend(exc.messages)
    try:
        comment = clean_note(data.get("comment"), field=_("Ý kiến khác"), limit=MAX_COMMENT)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if SurveyResponse.objects.filter(enrollment=enrollment).exists():
        raise ValidationError(already_answered(enrollment))
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                enrollment=enrollment,
                organisation_score=organisation,
                comment=comment,
                source=source,
                entered_by=actor,
            )
    except IntegrityError:  # answered at the same moment from another request
        raise ValidationError(already_answered(enrollment)) from None
    SurveyRating.objects.bulk_create(
        SurveyRating(
            response=response,
            session=item.session,
            topic=item.session.topic,
            lecturer=item.lecturer,
            label=item.topic_label[:300],
            score=score,
        )
        for item, score in scores
    )
    return response
