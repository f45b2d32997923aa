"""Reads of the trainee page. The gate of this app: a trainee reaches only the rows
of their own person (through `Person.user` or a live personal link); staff reach
the same rows through the scope gate (`core/scope.py`), to help a trainee."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Assignment, Result
from assessment.selectors import rule_of
from assessment.services import grade_label
from attendance.models import ATTENDED, Attendance
from attendance.selectors import counted_sessions
from certificates.models import Certificate
from core.roles import Role
from core.scope import VIEW, get_for_user, has_role, restrict
from courses.models import Session, TopicMaterial
from feedback.models import SurveyResponse
from feedback.selectors import survey_token
from nominations.models import Enrollment, EnrollmentStatus
from people.models import Person
from trainee.models import PersonalLink

LINK_SALT = "trainee.link"  # a signing salt, not a secret


def _not_found() -> Http404:
    return Http404(_("Không tìm thấy hoặc bạn không có quyền xem mục này."))


# --- who is asking ----------------------------------------------------------------------


def person_of_user(user: Any) -> Person | None:
    """The person whose trainee account `user` is (None: not a linked trainee)."""
    if not user.is_authenticated or not has_role(user, {Role.TRAINEE}):
        return None
    return Person.objects.filter(user=user, user__is_active=True).first()


def link_token(link: PersonalLink) -> str:
    """The unguessable token of a personal link (signed with SECRET_KEY)."""
    return signing.Signer(salt=LINK_SALT).sign_object({"l": link.pk, "p": link.person_id})


def link_for_token(token: str) -> PersonalLink | None:
    """The live link a token names; None for a tampered, revoked or expired one."""
    try:
        data = signing.Signer(salt=LINK_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    pk, person_pk = data.get("l"), data.get("p")
    if not isinstance(pk, int) or not isinstance(person_pk, int):
        return None
    return (
        PersonalLink.objects.select_related("person")
        .filter(pk=pk, person_id=person_pk, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def own_enrollments(person: Person) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(person=person, status=EnrollmentStatus.ENROLLED)
        .select_related("course", "course__owner", "person")
        .order_by("-course__start_date", "-pk")
    )


def enrollment_for(*, person: Person | None, user: Any, pk: Any) -> Enrollment:
    """One enrollment: the person's own, else (staff only) one the scope gate allows."""
    if person is not None:
        own = own_enrollments(person).filter(pk=pk).first() if str(pk).isdigit() else None
        if own is not None:
            return own
    if user is None or not user.is_authenticated:
        raise _not_found()
    return get_for_user(
        Enrollment.objects.select_related("course", "course__owner", "person").filter(
            status=EnrollmentStatus.ENROLLED
        ),
        user,
        pk,
        VIEW,
    )


def material_for(enrollment: Enrollment, pk: int) -> TopicMaterial:
    """A material of a topic taught in the enrollment's class; 404 otherwise."""
    material = (
        TopicMaterial.objects.filter(pk=pk, topic__sessions__course_id=enrollment.course_id)
        .distinct()
        .first()
    )
    if material is None:
        raise _not_found()
    return material


def certificate_for(enrollment: Enrollment, pk: int, *, staff: Any = None) -> Certificate:
    """A valid certificate of this enrollment; 404 otherwise.

    The trainee's own certificate is theirs; a staff member previewing the page
    (`staff`) gets one only through the certificates' own scope gate, so a role
    that may see the class but not its register (a focal point) gets nothing.
    """
    certificates = Certificate.objects.select_related(
        "enrollment__person", "enrollment__course__owner"
    ).filter(enrollment=enrollment, status="valid")
    if staff is not None:
        certificates = restrict(certificates, staff, VIEW)
    cert = certificates.filter(pk=pk).first() if str(pk).isdigit() else None
    if cert is None:
        raise _not_found()
    return cert


# --- the page ---------------------------------------------------------------------------


@dataclass
class SessionRow:
    session: Session
    lecturers: list[Any]
    materials: list[TopicMaterial]
    mark: Attendance | None
    counted: bool


@dataclass
class ClassCard:
    enrollment: Enrollment
    sessions: list[SessionRow] = field(default_factory=list)
    attended: int = 0
    counted: int = 0
    assignment: Assignment | None = None
    grade: str = ""
    result: Result | None = None
    can_submit: bool = False
    survey_token: str = ""
    survey_answered: bool = False
    certificates: list[Certificate] = field(default_factory=list)

    @property
    def course(self) -> Any:
        return self.enrollment.course

    @property
    def file_name(self) -> str:
        """The submitted file's own name, without the storage folders."""
        if self.assignment is None or not self.assignment.file:
            return ""
        return str(self.assignment.file.name).rsplit("/", 1)[-1]


def class_card(enrollment: Enrollment) -> ClassCard:
    """Everything the trainee sees of one class (a fixed number of queries)."""
    course = enrollment.course
    sessions = list(
        Session.objects.filter(course=course)
        .select_related("topic")
        .prefetch_related(
            "lecturers__person",
            Prefetch("topic__materials", queryset=TopicMaterial.objects.order_by("title", "pk")),
        )
        .order_by("starts_at", "pk")
    )
    marks = {a.session_id: a for a in Attendance.objects.filter(enrollment=enrollment)}
    counted = set(counted_sessions(course).values_list("pk", flat=True))
    card = ClassCard(enrollment)
    for session in sessions:
        materials = list(session.topic.materials.all()) if session.topic else []
        mark = marks.get(session.pk)
        card.sessions.append(
            SessionRow(
                session, list(session.lecturers.all()), materials, mark, session.pk in counted
            )
        )
        if session.pk in counted:
            card.counted += 1
            card.attended += int(mark is not None and mark.mark in ATTENDED)
    card.assignment = Assignment.objects.filter(enrollment=enrollment).first()
    if card.assignment is not None and card.assignment.score is not None:
        card.grade = grade_label(card.assignment.score, rule_of(course))
    card.result = Result.objects.filter(enrollment=enrollment).first()
    card.can_submit = card.assignment is None or card.assignment.score is None
    card.survey_token = survey_token(enrollment)
    card.survey_answered = SurveyResponse.objects.filter(enrollment=enrollment).exists()
    card.certificates = list(
        Certificate.objects.filter(enrollment=enrollment).order_by("-issued_on", "-pk")
    )
    return card


def person_links(person: Person, user: Any) -> QuerySet[PersonalLink]:
    """The personal links of a person the staff user may see."""
    return restrict(PersonalLink.objects.filter(person=person), user, VIEW).select_related(
        "created_by"
    )
