"""Writes of attendance: marks from the table, the paper sheet and QR badges.

One mark per trainee per session is kept by the database (unique constraint);
a mark is written with `update_or_create` inside a transaction, which locks
the existing row or, when two secretaries create it at the same instant, lets
the loser of the insert update the winner's row: no duplicate, last write wins.

Who may mark: the committee and the class secretaries (`ATTENDANCE_ROLES`)
whose territory holds the class — the roles and scope of `Attendance`.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.models import Attendance, Badge, Mark, MarkSource
from attendance.selectors import enrolled
from core.roles import COMMITTEE, Role
from core.scope import in_territory
from core.text import clean_note
from courses.models import Course, Session
from nominations.models import Enrollment, EnrollmentStatus

ATTENDANCE_ROLES = COMMITTEE | {Role.SECRETARY}
BADGE_SALT = "attendance.badge"
# A QR check-in this long after the session started is marked late.
LATE_AFTER = datetime.timedelta(minutes=15)
# A QR check-in opens this long before the session starts.
OPENS_BEFORE = datetime.timedelta(minutes=45)


def format_moment(moment: datetime.datetime) -> str:
    return str(timezone.localtime(moment).strftime("%H:%M %d/%m/%Y"))


def may_mark(user: Any, course: Course) -> bool:
    """May `user` take attendance in `course`? (None: the system, allowed.)"""
    if user is None:
        return True
    # The class's own territory: lecturing in another district's class or holding
    # a quota in it is no licence to take its attendance.
    return in_territory(user, course, ATTENDANCE_ROLES)


def require_mark(user: Any, course: Course) -> None:
    if not may_mark(user, course):
        raise PermissionDenied(_("Bạn không có quyền điểm danh lớp này."))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _check(session: Session, enrollment: Enrollment, mark: str, reason: str) -> str:
    if mark not in Mark.values:
        raise ValidationError(_("Hãy chọn một trong các mức điểm danh."))
    reason = clean_note(reason, field=_("Lý do vắng"), limit=300)
    if mark == Mark.EXCUSED and not reason:
        raise ValidationError(_("Vắng có phép phải ghi lý do."))
    if enrollment.course_id != session.course_id:
        raise ValidationError(_("Học viên không thuộc lớp của buổi học này."))
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise ValidationError(_("Học viên đã rút khỏi lớp, không điểm danh được."))
    return reason


def _write(
    *, actor: Any, session: Session, enrollment: Enrollment, mark: str, reason: str, source: str
) -> Attendance:
    values = {"mark": mark, "reason": reason, "source": source, "marked_by": _user(actor)}
    for attempt in range(2):
        try:
            with transaction.atomic():
                attendance, _created = Attendance.objects.update_or_create(
                    session=session, enrollment=enrollment, defaults=values
                )
                return attendance
        except IntegrityError:
            # Lost the race to insert the row: the next try updates it.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def attendance_mark(
    *,
    actor: Any,
    session: Session,
    enrollment: Enrollment,
    mark: str,
    reason: str = "",
    source: str = MarkSource.TABLE,
) -> Attendance:
    """Mark one trainee at one session (create or change the mark)."""
    require_mark(actor, session.course)
    reason = _check(session, enrollment, mark, reason)
    return _write(
        actor=actor,
        session=session,
        enrollment=enrollment,
        mark=mark,
        reason=reason,
        source=source,
    )


def mark_all_present(*, actor: Any, session: Session) -> int:
    """Mark present every enrolled trainee not yet marked; returns how many.

    Marks already given (a late arrival, an excused absence) are kept: the
    secretary marks everyone present, then the exceptions, in either order.
    """
    require_mark(actor, session.course)
    rows = [
        Attendance(
            session=session,
            enrollment=e,
            mark=Mark.PRESENT,
            source=MarkSource.TABLE,
            marked_by=_user(actor),
        )
        for e in enrolled(session.course).exclude(attendances__session=session)
    ]
    # Another secretary marking at the same moment: their mark stays.
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def paper_sheet_enter(*, actor: Any, session: Session, marks: Mapping[int, tuple[str, str]]) -> int:
    """Enter the signed paper sheet: enrollment id -> (mark, reason), all or nothing."""
    require_mark(actor, session.course)
    trainees = {e.pk: e for e in enrolled(session.course)}
    errors: list[str] = []
    checked: list[tuple[Enrollment, str, str]] = []
    for pk, (mark, reason) in marks.items():
        enrollment = trainees.get(pk)
        if enrollment is None:
            errors.append(_("Học viên không thuộc lớp của buổi học này."))
            continue
        try:
            checked.append((enrollment, mark, _check(session, enrollment, mark, reason)))
        except ValidationError as exc:
            errors.append(f"{enrollment.person.full_name}: {' '.join(exc.messages)}")
    if errors:
        raise ValidationError(errors)
    for enrollment, mark, reason in checked:
        _write(
            actor=actor,
            session=session,
            enrollment=enrollment,
            mark=mark,
            reason=reason,
            source=MarkSource.PAPER,
        )
    return len(checked)


# --- QR badges ---------------------------------------------------------------------------


def _new_nonce() -> str:
    return secrets.token_urlsafe(18)


def badges_for(*, actor: Any, course: Course) -> list[tuple[Enrollment, Badge]]:
    """Every enrolled trainee with a badge, issuing the missing ones."""
    require_mark(actor, course)
    trainees = list(enrolled(course))
    badges = {b.enrollment_id: b for b in Badge.objects.filter(enrollment__in=trainees)}
    missing = [Badge(enrollment=e, nonce=_new_nonce()) for e in trainees if e.pk not in badges]
    if missing:
        Badge.objects.bulk_create(missing, ignore_conflicts=True)
        badges = {b.enrollment_id: b for b in Badge.objects.filter(enrollment__in=trainees)}
    return [(e, badges[e.pk]) for e in trainees]


def badge_reissue(*, actor: Any, enrollment: Enrollment) -> Badge:
    """A new badge for the trainee: every badge printed before stops working."""
    require_mark(actor, enrollment.course)
    badge, _created = Badge.objects.update_or_create(
        enrollment=enrollment, defaults={"nonce": _new_nonce(), "revoked_at": None}
    )
    return badge


def badge_revoke(*, actor: Any, enrollment: Enrollment) -> None:
    require_mark(actor, enrollment.course)
    Badge.objects.filter(enrollment=enrollment).update(revoked_at=timezone.now())


def badge_token(badge: Badge) -> str:
    return signing.dumps({"e": badge.enrollment_id, "n": badge.nonce}, salt=BADGE_SALT)


class BadToken(Exception):
    """The token is not one of ours (tampered, made up, or of a reissued badge)."""


def badge_from_token(token: str) -> Badge:
    try:
        data = signing.loads(token, salt=BADGE_SALT)
        enrollment_id, nonce = int(data["e"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadToken from None
    badge = (
        Badge.objects.select_related(
            "enrollment", "enrollment__person", "enrollment__course", "enrollment__course__owner"
        )
        .filter(enrollment_id=enrollment_id, nonce=nonce)
        .first()
    )
    if badge is None:
        raise BadToken
    return badge


def current_session(course: Course, now: datetime.datetime) -> Session | None:
    """The session of `course` happening at `now`: the one whose time window
    (opening a little before the start) holds `now`, else today's only session."""
    today = timezone.localdate(now)
    sessions = list(Session.objects.filter(course=course, date=today).order_by("starts_at"))
    for session in sessions:
        if session.starts_at - OPENS_BEFORE <= now <= session.ends_at:
            return session
    if len(sessions) == 1:
        return sessions[0]
    return None


@dataclass
class CheckIn:
    attendance: Attendance
    enrollment: Enrollment
    session: Session


def check_in(*, actor: Any, badge: Badge, now: datetime.datetime | None = None) -> CheckIn:
    """Mark the badge's trainee at the class's current session (present or late)."""
    now = now or timezone.now()
    enrollment = badge.enrollment
    course = enrollment.course
    require_mark(actor, course)
    if badge.revoked_at is not None:
        raise ValidationError(_("Thẻ này đã bị thu hồi, không dùng để điểm danh được."))
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise ValidationError(_("Học viên đã rút khỏi lớp, không điểm danh được."))
    session = current_session(course, now)
    if session is None:
        raise ValidationError(_("Lớp không có buổi học nào vào lúc này."))
    with transaction.atomic():
        # Two scans of one badge at once: the second waits here, then sees the first.
        Badge.objects.select_for_update().filter(pk=badge.pk).first()
        existing = (
            Attendance.objects.select_for_update()
            .filter(session=session, enrollment=enrollment)
            .first()
        )
        if existing is not None and existing.mark in (Mark.PRESENT, Mark.LATE):
            raise ValidationError(
                _("%(name)s đã được điểm danh buổi này lúc %(when)s.")
                % {"name": enrollment.person.full_name, "when": format_moment(existing.marked_at)}
            )
        mark = Mark.LATE if now > session.starts_at + LATE_AFTER else Mark.PRESENT
        attendance = _write(
            actor=actor,
            session=session,
            enrollment=enrollment,
            mark=mark,
            reason="",
            source=MarkSource.QR,
        )
    return CheckIn(attendance=attendance, enrollment=enrollment, session=session)
