"""Reads of surveys, always through the scope gate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db.models import Avg, Count, QuerySet, Sum

from core.scope import VIEW, restrict
from courses.models import Course, Session, SessionKind
from feedback.models import SurveyRating, SurveyResponse
from nominations.models import Enrollment, EnrollmentStatus
from people.models import Lecturer

TOKEN_SALT = "feedback.survey"  # noqa: S105 - a signing salt, not a secret


# --- personal links -------------------------------------------------------------------


def survey_token(enrollment: Enrollment) -> str:
    """The trainee's personal, unguessable token (signed with SECRET_KEY)."""
    return signing.Signer(salt=TOKEN_SALT).sign_object({"e": enrollment.pk})


def enrollment_for_token(token: str) -> Enrollment | None:
    """The enrolled trainee a token names; None for a random or tampered token."""
    try:
        data = signing.Signer(salt=TOKEN_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    pk = data.get("e") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return (
        Enrollment.objects.select_related("person", "course")
        .filter(pk=pk, status=EnrollmentStatus.ENROLLED)
        .first()
    )


# --- the questions of a class ---------------------------------------------------------


@dataclass(frozen=True)
class SurveyItem:
    """One row of the survey: a lecture session and one of its lecturers (or none)."""

    session: Session
    lecturer: Lecturer | None

    @property
    def name(self) -> str:
        return f"r-{self.session.pk}-{self.lecturer.pk if self.lecturer else 0}"

    @property
    def topic_label(self) -> str:
        return self.session.topic.title if self.session.topic else self.session.label

    @property
    def label(self) -> str:
        if self.lecturer is None:
            return self.topic_label
        return f"{self.topic_label} — {self.lecturer}"


def survey_items(course: Course) -> list[SurveyItem]:
    """The rows of a class's survey, in programme order (2 queries)."""
    sessions = (
        Session.objects.filter(course=course, kind=SessionKind.LECTURE)
        .select_related("topic")
        .prefetch_related("lecturers__person")
        .order_by("starts_at", "pk")
    )
    items: list[SurveyItem] = []
    for session in sessions:
        lecturers = sorted(session.lecturers.all(), key=lambda lec: lec.pk)
        if not lecturers:
            items.append(SurveyItem(session, None))
        items.extend(SurveyItem(session, lecturer) for lecturer in lecturers)
    return items


def course_enrollments(course: Course) -> QuerySet[Enrollment]:
    """Enrolled trainees of a class the caller already got through the gate."""
    return (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED)
        .select_related("person", "unit", "survey_response")
        .order_by("person__sort_key", "pk")
    )


# --- summaries ------------------------------------------------------------------------


@dataclass
class Average:
    label: str
    average: float
    count: int


@dataclass
class CourseSummary:
    responses: int
    enrolled: int
    organisation: float | None
    topics: list[Average] = field(default_factory=list)
    lecturers: list[Average] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def _average(scores: list[int]) -> float:
    return round(sum(scores) / len(scores), 2)


def course_summary(course: Course, *, user: Any) -> CourseSummary:
    """Averages per topic, per lecturer and for the organisation, and the comments
    of a class (4 queries, whatever the number of trainees)."""
    responses = restrict(SurveyResponse.objects.filter(enrollment__course=course), user, VIEW)
    totals = responses.aggregate(n=Count("pk"), org=Avg("organisation_score"))
    ratings = restrict(
        SurveyRating.objects.filter(response__enrollment__course=course), user, VIEW
    ).values_list("topic__title", "label", "lecturer_id", "score")
    lecturer_names = {
        lec.pk: str(lec)
        for lec in Lecturer.objects.filter(
            pk__in=restrict(
                SurveyRating.objects.filter(response__enrollment__course=course), user, VIEW
            ).values("lecturer_id")
        ).select_related("person")
    }
    by_topic: dict[str, list[int]] = defaultdict(list)
    by_lecturer: dict[int, list[int]] = defaultdict(list)
    for topic_title, label, lecturer_id, score in ratings:
        topic = topic_title or label
        by_topic[topic].append(score)
        if lecturer_id is not None:
            by_lecturer[lecturer_id].append(score)
    comments = [
        c
        for c in responses.exclude(comment="")
        .order_by("submitted_at", "pk")
        .values_list("comment", flat=True)
    ]
    enrolled = Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED).count()
    org = totals["org"]
    return CourseSummary(
        responses=totals["n"],
        enrolled=enrolled,
        organisation=round(float(org), 2) if org is not None else None,
        topics=[Average(t, _average(s), len(s)) for t, s in by_topic.items()],
        lecturers=sorted(
            (
                Average(lecturer_names.get(pk, str(pk)), _average(s), len(s))
                for pk, s in by_lecturer.items()
            ),
            key=lambda a: a.label,
        ),
        comments=comments,
    )


@dataclass
class CourseAverage:
    course_id: int
    title: str
    average: float
    count: int


@dataclass
class LecturerFeedback:
    average: float | None
    count: int
    courses: list[CourseAverage]


def lecturer_feedback(lecturer: Lecturer, user: Any) -> LecturerFeedback:
    """The scores trainees gave a lecturer, over all their classes that `user` may see
    (a lecturer: their own scores); 1 query."""
    rows = list(
        restrict(SurveyRating.objects.filter(lecturer=lecturer), user, VIEW)
        .values("response__enrollment__course_id", "response__enrollment__course__title")
        .annotate(avg=Avg("score"), n=Count("pk"), total=Sum("score"))
        .order_by("response__enrollment__course_id")
    )
    courses = [
        CourseAverage(
            r["response__enrollment__course_id"],
            r["response__enrollment__course__title"],
            round(float(r["avg"]), 2),
            r["n"],
        )
        for r in rows
    ]
    count = sum(c.count for c in courses)
    total = sum(r["total"] for r in rows)
    return LecturerFeedback(round(total / count, 2) if count else None, count, courses)
