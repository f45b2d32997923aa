"""Writes of quotas, nominations and enrollments.

Places are counted in `Course.enrolled_count`. A place is taken by one atomic
conditional UPDATE (`enrolled_count < capacity`), never by reading the count
and writing it back, and the database's CHECK keeps the count within capacity
whatever happens: two committee users approving the last place at the same
instant cannot both get it. Freeing a place locks the class row, so the first
person on the waiting list takes it in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role
from core.scope import may_change, require_change, restrict, roles_of
from courses.models import Course, CourseStatus
from nominations.models import (
    OPEN_STATUSES,
    Enrollment,
    EnrollmentStatus,
    EventKind,
    Nomination,
    NominationEvent,
    NominationStatus,
    Quota,
)
from orgs.models import Organization
from people.models import Person
from people.services import PersonData, person_create

# Quotas may change until the class is held; nominations are decided while
# nominating and while the class runs (a late replacement).
QUOTA_STATUSES = (CourseStatus.DRAFT, CourseStatus.APPROVED, CourseStatus.NOMINATING)
DECIDE_STATUSES = (CourseStatus.NOMINATING, CourseStatus.RUNNING)


def format_moment(moment: Any) -> str:
    """dd/mm/yyyy HH:MM in the local time zone."""
    return str(timezone.localtime(moment).strftime("%d/%m/%Y %H:%M"))


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _event(course: Course, kind: str, message: str, actor: Any, nomination: Any = None) -> None:
    NominationEvent.objects.create(
        course=course, nomination=nomination, kind=kind, message=message, by=_user(actor)
    )


def _status_label(course: Course) -> str:
    return str(CourseStatus(course.status).label)


def _label(person: Person, unit: Organization | None) -> str:
    return f"{person.full_name} ({unit.name})" if unit is not None else person.full_name


# --- quotas ---------------------------------------------------------------------------


@transaction.atomic
def quota_set(
    *, actor: Any, course: Course, unit: Organization, places: int, note: str = ""
) -> Quota:
    """Give `unit` `places` places in `course` (create or change its quota)."""
    require_change(actor, course)
    # One writer of a class's quotas at a time: the sum check below holds.
    # NO KEY UPDATE: a nomination being saved (its foreign key takes a KEY
    # SHARE lock on the class) is not blocked by it, so the two never deadlock.
    course = Course.objects.select_for_update(no_key=True).get(pk=course.pk)
    if course.status not in QUOTA_STATUSES:
        raise ValidationError(
            _("Lớp đang ở trạng thái “%(s)s”; không thể thay đổi chỉ tiêu.")
            % {"s": _status_label(course)}
        )
    if (
        actor is not None
        and not restrict(Organization.objects.all(), actor).filter(pk=unit.pk).exists()
    ):
        raise ValidationError({"unit": _("Đơn vị này nằm ngoài phạm vi quản lý của bạn.")})
    if places < 1:
        raise ValidationError({"places": _("Số chỉ tiêu phải từ 1 trở lên.")})
    # Lock the unit's quota row before counting its nominations: `nominate`
    # takes the same lock, so no nomination can slip in between the count
    # below and the save, and places never fall below what is used.
    quota = Quota.objects.select_for_update().filter(course=course, unit=unit).first() or Quota(
        course=course, unit=unit
    )
    others = (
        Quota.objects.filter(course=course)
        .exclude(pk=quota.pk)
        .aggregate(total=Sum("places"))["total"]
        or 0
    )
    if others + places > course.capacity:
        raise ValidationError(
            {
                "places": _(
                    "Tổng chỉ tiêu các đơn vị (%(total)d) vượt số học viên dự kiến của lớp "
                    "(%(capacity)d); còn có thể giao tối đa %(left)d."
                )
                % {
                    "total": others + places,
                    "capacity": course.capacity,
                    "left": max(course.capacity - others, 0),
                }
            }
        )
    if quota.pk is not None:
        used = quota.nominations.filter(status__in=OPEN_STATUSES).count()
        if places < used:
            raise ValidationError(
                {
                    "places": _(
                        "Đơn vị đã cử %(used)d người; không thể giảm chỉ tiêu xuống %(places)d."
                    )
                    % {"used": used, "places": places}
                }
            )
    quota.places, quota.note = places, note.strip()
    quota.full_clean()
    quota.save()
    return quota


@transaction.atomic
def quota_delete(*, actor: Any, quota: Quota) -> None:
    require_change(actor, quota.course)
    if quota.nominations.exists():
        raise ValidationError(
            _("Đơn vị đã cử người theo chỉ tiêu này; không xoá được (có thể giảm số chỉ tiêu).")
        )
    quota.delete()


def nomination_deadline_set(
    *, actor: Any, course: Course, deadline: datetime.datetime | None
) -> Course:
    """Set (or clear) the date and time after which focal points can no longer nominate."""
    require_change(actor, course)
    if deadline is not None and timezone.localtime(deadline).date() > course.end_date:
        raise ValidationError(
            {
                "deadline": _("Hạn cử học viên phải trước khi lớp kết thúc (%(d)s).")
                % {"d": course.end_date.strftime("%d/%m/%Y")}
            }
        )
    course.nomination_deadline = deadline
    course.save(update_fields=["nomination_deadline", "updated_at"])
    return course


# --- nominations ----------------------------------------------------------------------


def _is_focal_point_of(actor: Any, unit: Organization) -> bool:
    return Role.FOCAL_POINT in roles_of(actor) and actor.organization_id == unit.pk


@transaction.atomic
def nominate(
    *, actor: Any, course: Course, unit: Organization, person: Person, note: str = ""
) -> Nomination:
    """The unit's focal point (or the committee) puts `person` forward for `course`."""
    committee = actor is None or may_change(actor, course)
    if not committee and not _is_focal_point_of(actor, unit):
        raise PermissionDenied(_("Chỉ đầu mối của đơn vị được cử học viên theo chỉ tiêu này."))
    if course.status != CourseStatus.NOMINATING:
        raise ValidationError(
            _("Lớp không trong giai đoạn cử học viên (trạng thái hiện tại: “%(s)s”).")
            % {"s": _status_label(course)}
        )
    deadline = course.nomination_deadline
    if deadline is not None and timezone.now() > deadline and not committee:
        raise ValidationError(
            _("Đã hết hạn cử học viên (hạn cuối: %(d)s).") % {"d": format_moment(deadline)}
        )
    if (
        actor is not None
        and not restrict(Person.objects.all(), actor).filter(pk=person.pk).exists()
    ):
        raise PermissionDenied(_("Bạn không có quyền cử người này."))
    # The row lock makes concurrent nominations of one unit queue here, so the
    # count below cannot be passed by two of them at once.
    quota = Quota.objects.select_for_update().filter(course=course, unit=unit).first()
    if quota is None:
        raise ValidationError(_("Đơn vị chưa được giao chỉ tiêu trong lớp này."))
    used = quota.nominations.filter(status__in=OPEN_STATUSES).count()
    if used >= quota.places:
        raise ValidationError(
            _("Đơn vị đã cử đủ %(used)d/%(places)d chỉ tiêu của lớp.")
            % {"used": used, "places": quota.places}
        )
    if Enrollment.objects.filter(
        course=course, person=person, status=EnrollmentStatus.ENROLLED
    ).exists():
        raise ValidationError(_("%(name)s đã là học viên của lớp.") % {"name": person.full_name})
    nomination = Nomination(
        course=course,
        person=person,
        unit=unit,
        quota=quota,
        note=note.strip()[:300],
        submitted_by=_user(actor),
    )
    duplicate = _("%(name)s đã được cử vào lớp này.") % {"name": person.full_name}
    try:
        nomination.full_clean()
    except ValidationError as exc:
        if "__all__" in exc.message_dict:
            raise ValidationError(duplicate) from None
        raise
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError:
        # Another user nominated the same person a moment ago.
        raise ValidationError(duplicate) from None
    _event(
        course,
        EventKind.SUBMITTED,
        _("%(unit)s cử %(name)s.") % {"unit": unit.name, "name": person.full_name},
        actor,
        nomination,
    )
    return nomination


@transaction.atomic
def nominate_new_person(
    *, actor: Any, course: Course, unit: Organization, data: PersonData, note: str = ""
) -> Nomination:
    """Add a person to the unit's records and nominate them: both or neither."""
    person = person_create(actor=actor, owner=unit, data=data, note=_("Thêm khi cử đi học."))
    return nominate(actor=actor, course=course, unit=unit, person=person, note=note)


def _lock_nomination(nomination: Nomination) -> Nomination:
    """The class row, then the nomination: every service locks in this order, so
    none waits for another in a cycle, and a withdrawal promoting the first on
    the waiting list never meets a waiting row that is changing under it."""
    Course.objects.select_for_update().filter(pk=nomination.course_id).values_list("pk").get()
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("course", "person", "unit")
        .get(pk=nomination.pk)
    )


def _may_act_for_unit(actor: Any, nomination: Nomination) -> bool:
    return (
        actor is None or may_change(actor, nomination) or _is_focal_point_of(actor, nomination.unit)
    )


@transaction.atomic
def nomination_withdraw(*, actor: Any, nomination: Nomination, reason: str = "") -> Nomination:
    """The unit (or the committee) takes a nomination back; an enrolled person
    leaves the class and the place goes to the waiting list."""
    if not _may_act_for_unit(actor, nomination):
        raise PermissionDenied(_("Bạn không có quyền rút đề cử này."))
    nomination = _lock_nomination(nomination)
    if nomination.status == NominationStatus.APPROVED:
        committee = actor is None or may_change(actor, nomination)
        _check_withdrawable(nomination.course, committee=committee)
        enrollment = Enrollment.objects.filter(
            nomination=nomination, status=EnrollmentStatus.ENROLLED
        ).first()
        if enrollment is not None:
            _withdraw_enrollment(
                actor, enrollment, reason.strip() or _("Đơn vị rút đề cử."), nomination
            )
            nomination.refresh_from_db()
            return nomination
    if nomination.status not in OPEN_STATUSES:
        raise ValidationError(
            _("Đề cử đang ở trạng thái “%(s)s”; không rút được.")
            % {"s": nomination.get_status_display()}
        )
    nomination.status = NominationStatus.WITHDRAWN
    nomination.reason = reason.strip()
    nomination.waitlisted_at = None
    nomination.save(update_fields=["status", "reason", "waitlisted_at"])
    _event(
        nomination.course,
        EventKind.WITHDRAWN,
        _("Đã rút đề cử %(who)s.") % {"who": _label(nomination.person, nomination.unit)},
        actor,
        nomination,
    )
    return nomination


def may_withdraw_approved(course: Course, *, committee: bool) -> bool:
    """May a trainee (an approved nomination, an enrollment) leave `course` now?

    Only while the class takes nominations or runs; a unit's focal point only
    while nominating and before the deadline (the committee after it too).
    """
    if committee:
        return course.status in DECIDE_STATUSES
    deadline = course.nomination_deadline
    return course.status == CourseStatus.NOMINATING and (
        deadline is None or timezone.now() <= deadline
    )


def _check_withdrawable(course: Course, *, committee: bool) -> None:
    if may_withdraw_approved(course, committee=committee):
        return
    if course.status not in DECIDE_STATUSES:
        raise ValidationError(
            _("Lớp đang ở trạng thái “%(s)s”; không thể rút học viên khỏi lớp.")
            % {"s": _status_label(course)}
        )
    if course.status != CourseStatus.NOMINATING:
        raise ValidationError(
            _(
                "Lớp đã hết giai đoạn cử học viên; muốn rút người đã được duyệt, "
                "hãy liên hệ cơ quan tổ chức lớp."
            )
        )
    assert course.nomination_deadline is not None
    raise ValidationError(
        _(
            "Đã hết hạn cử học viên (hạn cuối: %(d)s); muốn rút người đã được duyệt, "
            "hãy liên hệ cơ quan tổ chức lớp."
        )
        % {"d": format_moment(course.nomination_deadline)}
    )


def _take_place(course_id: int) -> bool:
    """One place, if one is free: a single conditional UPDATE, safe under concurrency."""
    return (
        Course.objects.filter(pk=course_id, enrolled_count__lt=F("capacity")).update(
            enrolled_count=F("enrolled_count") + 1
        )
        == 1
    )


def _enroll(
    course: Course, person: Person, unit: Organization | None, nomination: Nomination | None
) -> Enrollment:
    """The enrollment row of a person (re-used if they had withdrawn before)."""
    enrollment = Enrollment.objects.select_for_update().filter(course=course, person=person).first()
    if enrollment is None:
        enrollment = Enrollment(course=course, person=person)
    elif enrollment.status == EnrollmentStatus.ENROLLED:
        raise ValidationError(_("%(name)s đã là học viên của lớp.") % {"name": person.full_name})
    enrollment.nomination, enrollment.unit = nomination, unit
    enrollment.status = EnrollmentStatus.ENROLLED
    enrollment.withdrawn_at, enrollment.withdraw_reason = None, ""
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s đã là học viên của lớp.") % {"name": person.full_name}
        ) from None
    return enrollment


def waitlist_position(nomination: Nomination) -> int:
    """1 for the first on the class's waiting list."""
    assert nomination.waitlisted_at is not None
    return (
        Nomination.objects.filter(
            course_id=nomination.course_id, status=NominationStatus.WAITLISTED
        )
        .filter(waitlisted_at__lt=nomination.waitlisted_at)
        .count()
        + Nomination.objects.filter(
            course_id=nomination.course_id,
            status=NominationStatus.WAITLISTED,
            waitlisted_at=nomination.waitlisted_at,
            pk__lte=nomination.pk,
        ).count()
    )


def _check_decidable(course: Course) -> None:
    if course.status not in DECIDE_STATUSES:
        raise ValidationError(
            _("Lớp đang ở trạng thái “%(s)s”; không thể xét duyệt học viên.")
            % {"s": _status_label(course)}
        )


@transaction.atomic
def nomination_approve(*, actor: Any, nomination: Nomination) -> Nomination:
    """Approve: the person takes a place, or goes to the waiting list when the class is full."""
    require_change(actor, nomination.course)
    nomination = _lock_nomination(nomination)
    course = nomination.course
    _check_decidable(course)
    if nomination.status not in (NominationStatus.SUBMITTED, NominationStatus.WAITLISTED):
        raise ValidationError(
            _("Đề cử đang ở trạng thái “%(s)s”; không duyệt được.")
            % {"s": nomination.get_status_display()}
        )
    if Enrollment.objects.filter(
        course=course, person=nomination.person, status=EnrollmentStatus.ENROLLED
    ).exists():
        raise ValidationError(
            _("%(name)s đã là học viên của lớp.") % {"name": nomination.person.full_name}
        )
    if nomination.status == NominationStatus.SUBMITTED:
        # Those already waiting come first.
        promote_waiting(actor=actor, course=course)
    now = timezone.now()
    nomination.decided_by, nomination.decided_at = _user(actor), now
    who = _label(nomination.person, nomination.unit)
    if _take_place(course.pk):
        _enroll(course, nomination.person, nomination.unit, nomination)
        nomination.status, nomination.waitlisted_at = NominationStatus.APPROVED, None
        nomination.save(update_fields=["status", "waitlisted_at", "decided_by", "decided_at"])
        _event(course, EventKind.APPROVED, _("Duyệt %(who)s.") % {"who": who}, actor, nomination)
        return nomination
    if nomination.status == NominationStatus.WAITLISTED:
        raise ValidationError(
            _("Lớp vẫn đủ %(n)d học viên; %(name)s tiếp tục ở danh sách chờ.")
            % {"n": course.capacity, "name": nomination.person.full_name}
        )
    nomination.status, nomination.waitlisted_at = NominationStatus.WAITLISTED, now
    nomination.save(update_fields=["status", "waitlisted_at", "decided_by", "decided_at"])
    _event(
        course,
        EventKind.WAITLISTED,
        _("Lớp đã đủ chỗ: %(who)s vào danh sách chờ, thứ tự %(n)d.")
        % {"who": who, "n": waitlist_position(nomination)},
        actor,
        nomination,
    )
    return nomination


@transaction.atomic
def nomination_reject(*, actor: Any, nomination: Nomination, reason: str) -> Nomination:
    require_change(actor, nomination.course)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Không duyệt phải ghi rõ lý do.")})
    nomination = _lock_nomination(nomination)
    _check_decidable(nomination.course)
    if nomination.status not in (NominationStatus.SUBMITTED, NominationStatus.WAITLISTED):
        raise ValidationError(
            _("Đề cử đang ở trạng thái “%(s)s”; không thể chuyển sang không duyệt.")
            % {"s": nomination.get_status_display()}
        )
    nomination.status, nomination.reason = NominationStatus.REJECTED, reason
    nomination.waitlisted_at = None
    nomination.decided_by, nomination.decided_at = _user(actor), timezone.now()
    nomination.save(update_fields=["status", "reason", "waitlisted_at", "decided_by", "decided_at"])
    _event(
        nomination.course,
        EventKind.REJECTED,
        _("Không duyệt %(who)s: %(reason)s")
        % {"who": _label(nomination.person, nomination.unit), "reason": reason},
        actor,
        nomination,
    )
    return nomination


# --- enrollments ----------------------------------------------------------------------


@transaction.atomic
def enroll_directly(
    *, actor: Any, course: Course, person: Person, unit: Organization | None = None
) -> Enrollment:
    """The committee adds a person to the class without a nomination (same places)."""
    require_change(actor, course)
    course = Course.objects.get(pk=course.pk)
    _check_decidable(course)
    if (
        actor is not None
        and not restrict(Person.objects.all(), actor).filter(pk=person.pk).exists()
    ):
        raise PermissionDenied(_("Bạn không có quyền ghi danh người này."))
    if Nomination.objects.filter(course=course, person=person, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            _("%(name)s đã có đề cử trong lớp; hãy xét duyệt đề cử đó.")
            % {"name": person.full_name}
        )
    if Enrollment.objects.filter(
        course=course, person=person, status=EnrollmentStatus.ENROLLED
    ).exists():
        raise ValidationError(_("%(name)s đã là học viên của lớp.") % {"name": person.full_name})
    if not _take_place(course.pk):
        raise ValidationError(
            _("Lớp đã đủ %(n)d học viên; không còn chỗ.") % {"n": course.capacity}
        )
    enrollment = _enroll(course, person, unit, None)
    _event(
        course,
        EventKind.ENROLLED,
        _("Ghi danh trực tiếp %(who)s.") % {"who": _label(person, unit)},
        actor,
    )
    return enrollment


def _waiting(course: Course) -> list[Nomination]:
    """The class's waiting list in order, locked (the class row is locked first)."""
    return list(
        Nomination.objects.select_for_update(of=("self",))
        .select_related("person", "unit")
        .filter(course_id=course.pk, status=NominationStatus.WAITLISTED)
        .order_by("waitlisted_at", "pk")
    )


def _close_waiting(actor: Any, course: Course, nomination: Nomination, reason: str) -> None:
    """Take `nomination` off the waiting list (withdrawn, with the reason and an event)."""
    nomination.status, nomination.waitlisted_at = NominationStatus.WITHDRAWN, None
    nomination.reason = reason
    nomination.save(update_fields=["status", "reason", "waitlisted_at"])
    _event(
        course,
        EventKind.WITHDRAWN,
        _("Đã đưa %(who)s ra khỏi danh sách chờ: %(reason)s")
        % {"who": _label(nomination.person, nomination.unit), "reason": reason},
        actor,
        nomination,
    )


def _skip_enrolled(actor: Any, course: Course, nomination: Nomination) -> bool:
    """Close a waiting nomination of someone already in the class (two merged
    records, say): promoting them would fail, and stop the waiting list."""
    if not Enrollment.objects.filter(
        course=course, person_id=nomination.person_id, status=EnrollmentStatus.ENROLLED
    ).exists():
        return False
    _close_waiting(
        actor,
        course,
        nomination,
        _("%(name)s đã là học viên của lớp.") % {"name": nomination.person.full_name},
    )
    return True


def _withdraw_enrollment(
    actor: Any, enrollment: Enrollment, reason: str, nomination: Nomination | None
) -> Enrollment:
    """Free the place of `enrollment`; the first on the waiting list takes it."""
    # The class row lock queues the withdrawals of one class: each promotes
    # the next person, never the same one twice.
    course = Course.objects.select_for_update().get(pk=enrollment.course_id)
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("person", "unit")
        .get(pk=enrollment.pk)
    )
    if enrollment.status != EnrollmentStatus.ENROLLED:
        raise ValidationError(_("Học viên này đã rút khỏi lớp."))
    # The committee's rule; a focal point's narrower one is checked by the caller.
    _check_withdrawable(course, committee=True)
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.withdrawn_at, enrollment.withdraw_reason = timezone.now(), reason[:300]
    enrollment.save(update_fields=["status", "withdrawn_at", "withdraw_reason"])
    if enrollment.nomination_id is not None:
        Nomination.objects.filter(pk=enrollment.nomination_id).update(
            status=NominationStatus.WITHDRAWN, reason=reason, waitlisted_at=None
        )
    leaving = _label(enrollment.person, enrollment.unit)
    _event(
        course,
        EventKind.WITHDRAWN,
        _("%(who)s rút khỏi lớp: %(reason)s") % {"who": leaving, "reason": reason},
        actor,
        nomination or enrollment.nomination,
    )
    first = None
    if course.status in DECIDE_STATUSES:
        for waiting in _waiting(course):
            if waiting.person_id == enrollment.person_id:
                # The one leaving does not take their own place back.
                _close_waiting(actor, course, waiting, reason)
            elif not _skip_enrolled(actor, course, waiting):
                first = waiting
                break
    if first is None:
        Course.objects.filter(pk=course.pk).update(enrolled_count=F("enrolled_count") - 1)
        return enrollment
    # The freed place passes straight to the first waiting: the count stays.
    _enroll(course, first.person, first.unit, first)
    first.status, first.waitlisted_at = NominationStatus.APPROVED, None
    first.save(update_fields=["status", "waitlisted_at"])
    _event(
        course,
        EventKind.PROMOTED,
        _("Đã tự động chuyển %(who)s từ danh sách chờ vào lớp thay cho %(leaving)s.")
        % {"who": _label(first.person, first.unit), "leaving": leaving},
        actor,
        first,
    )
    return enrollment


@transaction.atomic
def promote_waiting(*, actor: Any, course: Course) -> list[Nomination]:
    """Free places go to the waiting list first, in order (after the class grew, say).

    Called before a new approval too, so nobody approved later takes a place
    ahead of someone already waiting.
    """
    promoted: list[Nomination] = []
    if course.status not in DECIDE_STATUSES:
        return promoted
    for first in _waiting(course):
        if _skip_enrolled(actor, course, first):
            continue
        if not _take_place(course.pk):
            break
        _enroll(course, first.person, first.unit, first)
        first.status, first.waitlisted_at = NominationStatus.APPROVED, None
        first.save(update_fields=["status", "waitlisted_at"])
        _event(
            course,
            EventKind.PROMOTED,
            _("Đã tự động chuyển %(who)s từ danh sách chờ vào chỗ còn trống.")
            % {"who": _label(first.person, first.unit)},
            actor,
            first,
        )
        promoted.append(first)
    return promoted


@transaction.atomic
def enrollment_withdraw(*, actor: Any, enrollment: Enrollment, reason: str) -> Enrollment:
    """A trainee leaves the class (committee); the place goes to the waiting list."""
    require_change(actor, enrollment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Rút học viên khỏi lớp phải ghi rõ lý do.")})
    return _withdraw_enrollment(actor, enrollment, reason, None)
