"""Writes of classes, programmes, topics, lecturers and guests."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import MANAGERS
from core.scope import (
    has_role,
    require_change,
    require_owner_in_scope,
    restrict,
    territory_units_q,
)
from core.text import clean_note, fold, normalize_text, sort_key
from core.tokens import new_token
from courses.models import (
    HALF_DAY_HOURS,
    TRANSITIONS,
    Course,
    CourseCluster,
    CourseGuest,
    CourseLevel,
    CourseStatus,
    CourseStatusChange,
    HalfDay,
    Session,
    SessionKind,
    SessionLecturer,
    Topic,
)
from geo.models import AdminUnit, Level
from orgs.models import Organization
from people.identity import person_fill_derived, split_full_name
from people.models import Lecturer, Person, TraineeCategory

LEVEL_OF_TERRITORY: dict[str, str] = {
    Level.COUNTRY: CourseLevel.CENTRAL,
    Level.PROVINCE: CourseLevel.PROVINCE,
    Level.DISTRICT: CourseLevel.DISTRICT,
    Level.COMMUNE: CourseLevel.COMMUNE,
    Level.VILLAGE: CourseLevel.COMMUNE,
}


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- topics ---------------------------------------------------------------------------


def topic_create(
    *, actor: Any, owner: Organization, title: str, summary: str = "", tags: str = ""
) -> Topic:
    require_owner_in_scope(actor, owner)
    topic = Topic(owner=owner, title=normalize_text(title), summary=summary.strip(), tags=tags)
    _topic_derived(topic)
    topic.full_clean()
    topic.save()
    return topic


def topic_update(*, actor: Any, topic: Topic, title: str, summary: str, tags: str) -> Topic:
    require_change(actor, topic)
    topic.title, topic.summary, topic.tags = normalize_text(title), summary.strip(), tags
    _topic_derived(topic)
    topic.full_clean()
    topic.save()
    return topic


def _topic_derived(topic: Topic) -> None:
    topic.tags = ", ".join(t for t in (normalize_text(x) for x in topic.tags.split(",")) if t)
    topic.title_folded = fold(f"{topic.title} {topic.tags}")
    topic.sort_key = sort_key(topic.title)


# --- lecturers ------------------------------------------------------------------------


def split_name(full_name: str) -> tuple[str, str, str]:
    """ "Nguyễn Thị Minh Khai" -> ("Nguyễn", "Thị Minh", "Khai")."""
    try:
        return split_full_name(full_name)
    except ValueError as error:
        raise ValidationError({"full_name": str(error)}) from None


@transaction.atomic
def lecturer_create(
    *,
    actor: Any,
    owner: Organization,
    full_name: str,
    academic_title: str = "",
    position: str = "",
    organization: Organization | None = None,
    topics: Iterable[Topic] = (),
    phone: str = "",
    email: str = "",
) -> Lecturer:
    require_owner_in_scope(actor, owner)
    family, middle, given = split_name(full_name)
    person = Person(
        family_name=family,
        middle_name=middle,
        given_name=given,
        position=normalize_text(position),
        organization=organization,
        phone=phone.strip(),
        email=email.strip(),
        owner=owner,
    )
    person_fill_derived(person)
    person.full_clean()
    person.save()
    lecturer = Lecturer(
        person=person, academic_title=academic_title, owner=owner, feed_token=new_token()
    )
    lecturer.full_clean()
    lecturer.save()
    lecturer.topics.set(list(topics))
    return lecturer


@transaction.atomic
def lecturer_update(
    *,
    actor: Any,
    lecturer: Lecturer,
    full_name: str,
    academic_title: str,
    position: str,
    organization: Organization | None,
    topics: Iterable[Topic],
    phone: str = "",
    email: str = "",
) -> Lecturer:
    require_change(actor, lecturer)
    person = lecturer.person
    person.family_name, person.middle_name, person.given_name = split_name(full_name)
    person.position, person.organization = normalize_text(position), organization
    person.phone, person.email = phone.strip(), email.strip()
    person_fill_derived(person)
    person.full_clean()
    person.save()
    lecturer.academic_title = academic_title
    lecturer.full_clean()
    lecturer.save(update_fields=["academic_title"])
    lecturer.topics.set(list(topics))
    return lecturer


# --- classes --------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseData:
    """The editable fields of a class, as a form hands them to the services."""

    kind: str
    title: str
    owner: Organization
    start_date: datetime.date
    end_date: datetime.date
    venue: str = ""
    venue_unit: AdminUnit | None = None
    level: str = ""
    capacity: int = 0
    trainee_count: int | None = None
    plan: Any = None
    co_organizers: Sequence[Organization] = ()
    audience: Sequence[TraineeCategory] = ()
    catchment_units: Sequence[AdminUnit] = ()


def _apply(course: Course, data: CourseData) -> None:
    course.kind = data.kind
    course.title = normalize_text(data.title)
    course.owner = data.owner
    course.start_date, course.end_date = data.start_date, data.end_date
    course.venue = normalize_text(data.venue)
    course.venue_unit = data.venue_unit
    course.level = data.level or LEVEL_OF_TERRITORY.get(
        data.owner.territory.level, CourseLevel.PROVINCE
    )
    course.capacity = data.capacity
    course.trainee_count = data.trainee_count
    course.plan = data.plan
    course.title_folded = fold(course.title)
    # A district's class may belong to its province's plan, not to a stranger's.
    if data.plan is not None and not data.owner.territory.path.startswith(
        data.plan.issuer.territory.path
    ):
        raise ValidationError({"plan": _("Kế hoạch này không thuộc đơn vị tổ chức lớp.")})


def _check_units(data: CourseData) -> None:
    """The venue and the catchment units lie inside the organiser's territory."""
    units = [u for u in (data.venue_unit, *data.catchment_units) if u is not None]
    if not units:
        return
    inside = set(
        AdminUnit.objects.filter(territory_units_q(data.owner.territory, ""))
        .filter(pk__in=[u.pk for u in units])
        .values_list("pk", flat=True)
    )
    outside = [u.name for u in units if u.pk not in inside]
    if outside:
        raise ValidationError(
            {
                "catchment_units": _("Ngoài địa bàn của đơn vị tổ chức: %(units)s.")
                % {"units": ", ".join(outside)}
            }
        )


def _set_relations(course: Course, data: CourseData) -> None:
    course.co_organizers.set(list(data.co_organizers))
    course.audience.set(list(data.audience))
    course.catchment_units.set(list(data.catchment_units))


def _sessions_outside(course: Course) -> list[Session]:
    return list(course.sessions.exclude(date__gte=course.start_date, date__lte=course.end_date))


@transaction.atomic
def course_create(*, actor: Any, data: CourseData, cluster: CourseCluster | None = None) -> Course:
    require_owner_in_scope(actor, data.owner)
    course = Course(
        feed_token=new_token(), created_by=actor if getattr(actor, "pk", None) else None
    )
    _apply(course, data)
    _check_units(data)
    course.cluster = cluster
    course.full_clean()
    course.save()
    _set_relations(course, data)
    CourseStatusChange.objects.create(
        course=course, to_status=course.status, changed_by=course.created_by
    )
    return course


@transaction.atomic
def course_update(*, actor: Any, course: Course, data: CourseData) -> Course:
    require_change(actor, course)
    if data.owner.pk != course.owner_id:
        require_owner_in_scope(actor, data.owner)
    # Places taken by trainees (locked: approvals wait, and save() cannot undo theirs).
    course.enrolled_count = (
        Course.objects.select_for_update()
        .values_list("enrolled_count", flat=True)
        .get(pk=course.pk)
    )
    if data.capacity < course.enrolled_count:
        raise ValidationError(
            {
                "capacity": _("Lớp đã có %(n)d học viên; số học viên dự kiến không thể ít hơn.")
                % {"n": course.enrolled_count}
            }
        )
    _apply(course, data)
    _check_units(data)
    course.full_clean()
    outside = _sessions_outside(course)
    if outside:
        raise ValidationError(
            {
                "end_date": _(
                    "Còn %(n)d buổi học nằm ngoài thời gian mới (ví dụ %(day)s); "
                    "hãy dời hoặc xoá các buổi đó trước."
                )
                % {"n": len(outside), "day": _d(outside[0].date)}
            }
        )
    grew = data.capacity > Course.objects.values_list("capacity", flat=True).get(pk=course.pk)
    course.save()
    _set_relations(course, data)
    if grew:
        # New places go to those on the waiting list first.
        from nominations.services import promote_waiting

        promote_waiting(actor=actor, course=course)
        course.refresh_from_db(fields=["enrolled_count"])
    return course


@transaction.atomic
def course_transition(*, actor: Any, course: Course, to_status: str, reason: str = "") -> Course:
    """Move a class along its workflow, recording who, when and why."""
    require_change(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if to_status not in TRANSITIONS.get(course.status, ()):
        raise ValidationError(
            _("Không thể chuyển lớp từ “%(a)s” sang “%(b)s”.")
            % {"a": course.get_status_display(), "b": CourseStatus(to_status).label}
        )
    reason = clean_note(reason, field=_("Lý do huỷ lớp"), limit=1000, key="reason")
    if to_status == CourseStatus.CANCELLED and not reason:
        raise ValidationError({"reason": _("Huỷ lớp phải ghi rõ lý do.")})
    if to_status == CourseStatus.APPROVED and actor is not None and not has_role(actor, MANAGERS):
        raise PermissionDenied(_("Chỉ lãnh đạo Ban được duyệt lớp."))
    previous = course.status
    if previous == CourseStatus.CANCELLED:
        _rebook(actor, course)
    elif to_status == CourseStatus.CANCELLED:
        # A cancelled class frees its rooms and lecturers for other classes.
        course.sessions.update(is_booked=False)
        SessionLecturer.objects.filter(session__course=course).update(is_booked=False)
    course.status = to_status
    course.cancel_reason = reason if to_status == CourseStatus.CANCELLED else ""
    course.save(update_fields=["status", "cancel_reason", "updated_at"])
    CourseStatusChange.objects.create(
        course=course,
        from_status=previous,
        to_status=to_status,
        reason=reason,
        changed_by=actor if getattr(actor, "pk", None) else None,
    )
    return course


@transaction.atomic
def course_clone(*, actor: Any, course: Course, start_date: datetime.date) -> Course:
    """Copy a class (programme, lecturers, guests, audience) into a new draft, dates shifted."""
    require_change(actor, course)
    shift = start_date - course.start_date
    data = CourseData(
        kind=course.kind,
        title=course.title,
        owner=course.owner,
        start_date=start_date,
        end_date=course.end_date + shift,
        venue=course.venue,
        venue_unit=course.venue_unit,
        level=course.level,
        capacity=course.capacity,
        plan=None,
        co_organizers=list(course.co_organizers.all()),
        audience=list(course.audience.all()),
        catchment_units=list(course.catchment_units.all()),
    )
    copy = course_create(actor=actor, data=data)
    copy.source = course
    copy.save(update_fields=["source"])
    for session in course.sessions.prefetch_related("lecturers"):
        session_create(
            actor=None,
            course=copy,
            date=session.date + shift,
            half_day=session.half_day,
            start_time=session.start_time,
            end_time=session.end_time,
            kind=session.kind,
            topic=session.topic,
            title=session.title,
            room=session.room,
            lecturers=list(session.lecturers.all()),
        )
    CourseGuest.objects.bulk_create(
        [
            CourseGuest(
                course=copy,
                full_name=g.full_name,
                title=g.title,
                organization=g.organization,
                attends=g.attends,
                gives_opening_speech=g.gives_opening_speech,
                gives_closing_speech=g.gives_closing_speech,
                order=g.order,
            )
            for g in course.guests.all()
        ]
    )
    return copy


def _rebook(actor: Any, course: Course) -> None:
    """Reopening a cancelled class takes its rooms and lecturers back, if still free."""
    course.status = CourseStatus.DRAFT  # checked as a live class
    for session in course.sessions.select_related("topic").prefetch_related("lecturers"):
        session.course = course
        try:
            _check_session(actor, session, list(session.lecturers.all()))
        except ValidationError as exc:
            raise ValidationError(
                _("Không mở lại được lớp: buổi %(day)s — %(reason)s")
                % {"day": _d(session.date), "reason": " ".join(exc.messages)}
            ) from None
    course.sessions.update(is_booked=True)
    SessionLecturer.objects.filter(session__course=course).update(is_booked=True)


@dataclass(frozen=True)
class ClusterPart:
    venue: str
    venue_unit: AdminUnit | None
    catchment_units: Sequence[AdminUnit]
    start_date: datetime.date
    end_date: datetime.date


@transaction.atomic
def cluster_create(
    *, actor: Any, template: CourseData, cluster_title: str, parts: Sequence[ClusterPart]
) -> list[Course]:
    """Cụm lớp: N classes from one template, each with its venue, dates and units."""
    require_owner_in_scope(actor, template.owner)
    if len(parts) < 2:
        raise ValidationError(_("Một cụm lớp cần ít nhất 2 lớp."))
    seen: dict[int, int] = {}
    for index, part in enumerate(parts, start=1):
        if not part.catchment_units:
            raise ValidationError(_("Lớp %(i)d chưa có địa bàn học viên.") % {"i": index})
        for unit in part.catchment_units:
            if unit.pk in seen:
                raise ValidationError(
                    _("%(unit)s có ở cả lớp %(a)d và lớp %(b)d.")
                    % {"unit": unit.name, "a": seen[unit.pk], "b": index}
                )
            seen[unit.pk] = index
    cluster = CourseCluster.objects.create(
        title=normalize_text(cluster_title) or template.title, owner=template.owner
    )
    courses = []
    for index, part in enumerate(parts, start=1):
        place = part.venue_unit.short_name if part.venue_unit else part.venue
        data = CourseData(
            **{
                **template.__dict__,
                "title": f"{template.title} (cụm {index}: {place})" if place else template.title,
                "venue": part.venue,
                "venue_unit": part.venue_unit,
                "start_date": part.start_date,
                "end_date": part.end_date,
                "catchment_units": list(part.catchment_units),
            }
        )
        courses.append(course_create(actor=actor, data=data, cluster=cluster))
    return courses


# --- programme ------------------------------------------------------------------------


# When a session of each half-day may start (they overlap: a lecture from 11:30 is
# still the morning's, one from 17:30 may be the afternoon's or the evening's).
HALF_DAY_STARTS = {
    HalfDay.MORNING: (datetime.time(5, 0), datetime.time(12, 0)),
    HalfDay.AFTERNOON: (datetime.time(11, 0), datetime.time(18, 0)),
    HalfDay.EVENING: (datetime.time(16, 30), datetime.time(23, 0)),
}


def session_times(
    day: datetime.date,
    half_day: str,
    start: datetime.time | None,
    end: datetime.time | None,
) -> tuple[datetime.datetime, datetime.datetime]:
    default_start, default_end = HALF_DAY_HOURS[half_day]  # type: ignore[index]
    earliest, latest = HALF_DAY_STARTS[half_day]  # type: ignore[index]
    if start is not None and not earliest <= start <= latest:
        raise ValidationError(
            {
                "start_time": _(
                    "Giờ bắt đầu %(t)s không thuộc buổi “%(b)s” (từ %(a)s đến %(z)s): "
                    "chọn lại buổi hoặc sửa giờ."
                )
                % {
                    "t": start.strftime("%H:%M"),
                    "b": HalfDay(half_day).label,
                    "a": earliest.strftime("%H:%M"),
                    "z": latest.strftime("%H:%M"),
                }
            }
        )
    zone = timezone.get_current_timezone()
    starts = datetime.datetime.combine(day, start or default_start, tzinfo=zone)
    ends = datetime.datetime.combine(day, end or default_end, tzinfo=zone)
    return starts, ends


def _location_key(course: Course, room: str) -> str:
    """The place of a session: venue unit, venue text and room ("" without a room).

    The unit keeps "Hội trường Huyện ủy / P1" of two districts apart.
    """
    room = normalize_text(room)
    return fold(f"{course.venue_unit_id or ''}|{course.venue}|{room}") if room else ""


def _visible_to(actor: Any, course_id: int) -> bool:
    """Whether a clash may name the other class: only when the actor may see it."""
    if actor is None:
        return True
    return restrict(Course.objects.all(), actor).filter(pk=course_id).exists()


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _check_session(actor: Any, session: Session, lecturers: Sequence[Lecturer]) -> None:
    course = session.course
    errors: dict[str, list[str]] = {}
    if not course.start_date <= session.date <= course.end_date:
        errors.setdefault("date", []).append(
            _("Ngày %(day)s nằm ngoài thời gian của lớp (%(a)s – %(b)s).")
            % {"day": _d(session.date), "a": _d(course.start_date), "b": _d(course.end_date)}
        )
    if session.ends_at <= session.starts_at:
        errors.setdefault("end_time", []).append(_("Giờ kết thúc phải sau giờ bắt đầu."))
    if session.kind == SessionKind.LECTURE and session.topic_id is None and not session.title:
        errors.setdefault("topic", []).append(_("Buổi chuyên đề cần chọn chuyên đề."))
    if errors:
        raise ValidationError(errors)
    if course.status == CourseStatus.CANCELLED:
        return  # a cancelled class books nothing
    overlapping = Session.objects.filter(
        is_booked=True, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at
    ).exclude(pk=session.pk)
    if session.location_key:
        clash = overlapping.filter(location_key=session.location_key).first()
        if clash is not None:
            if _visible_to(actor, clash.course_id):
                message = _("Phòng “%(room)s” đã có buổi “%(other)s” lúc %(time)s.") % {
                    "room": clash.room,
                    "other": clash.label,
                    "time": _when(clash.starts_at),
                }
            else:
                message = _("Phòng “%(room)s” đã có lịch của đơn vị khác lúc %(time)s.") % {
                    "room": clash.room,
                    "time": _when(clash.starts_at),
                }
            raise ValidationError({"room": message})
    for lecturer in lecturers:
        busy = (
            SessionLecturer.objects.filter(
                lecturer=lecturer,
                is_booked=True,
                starts_at__lt=session.ends_at,
                ends_at__gt=session.starts_at,
            )
            .exclude(session_id=session.pk)
            .select_related("session__course")
            .first()
        )
        if busy is not None:
            other = Session.objects.select_related("course", "topic").get(pk=busy.session_id)
            if _visible_to(actor, other.course_id):
                message = _(
                    "%(name)s đã giảng buổi “%(other)s” của lớp “%(course)s” lúc %(time)s."
                ) % {
                    "name": lecturer.display_name,
                    "other": other.label,
                    "course": other.course.title,
                    "time": _when(other.starts_at),
                }
            else:
                # Another territory's class: say that the lecturer is busy, not where.
                message = _("%(name)s đã có lịch giảng ở đơn vị khác lúc %(time)s.") % {
                    "name": lecturer.display_name,
                    "time": _when(other.starts_at),
                }
            raise ValidationError({"lecturers": message})


def _save_session(actor: Any, session: Session, lecturers: Sequence[Lecturer]) -> Session:
    _check_session(actor, session, lecturers)
    session.is_booked = session.course.status != CourseStatus.CANCELLED
    session.full_clean(exclude=["course"])
    try:
        with transaction.atomic():
            session.save()
            SessionLecturer.objects.filter(session=session).delete()
            SessionLecturer.objects.bulk_create(
                [
                    SessionLecturer(
                        session=session,
                        lecturer=lecturer,
                        starts_at=session.starts_at,
                        ends_at=session.ends_at,
                        is_booked=session.is_booked,
                    )
                    for lecturer in lecturers
                ]
            )
    except IntegrityError:
        # Another user booked the same room or lecturer a moment ago.
        raise ValidationError(
            _("Phòng học hoặc báo cáo viên vừa được xếp cho buổi khác cùng giờ; hãy kiểm tra lại.")
        ) from None
    return session


@transaction.atomic
def session_create(
    *,
    actor: Any,
    course: Course,
    date: datetime.date,
    half_day: str,
    kind: str,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    topic: Topic | None = None,
    title: str = "",
    room: str = "",
    lecturers: Sequence[Lecturer] = (),
) -> Session:
    require_change(actor, course)
    starts_at, ends_at = session_times(date, half_day, start_time, end_time)
    session = Session(
        course=course,
        date=date,
        half_day=half_day,
        start_time=start_time,
        end_time=end_time,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=kind,
        topic=topic,
        title=normalize_text(title),
        room=normalize_text(room),
        location_key=_location_key(course, room),
    )
    return _save_session(actor, session, lecturers)


@transaction.atomic
def session_update(*, actor: Any, session: Session, **fields: Any) -> Session:
    require_change(actor, session.course)
    lecturers = fields.pop("lecturers", None)
    for name, value in fields.items():
        setattr(session, name, value)
    session.title, session.room = normalize_text(session.title), normalize_text(session.room)
    session.starts_at, session.ends_at = session_times(
        session.date, session.half_day, session.start_time, session.end_time
    )
    session.location_key = _location_key(session.course, session.room)
    if lecturers is None:
        lecturers = list(session.lecturers.all())
    return _save_session(actor, session, lecturers)


def session_delete(*, actor: Any, session: Session) -> None:
    require_change(actor, session.course)
    session.delete()


# --- guests ---------------------------------------------------------------------------


@transaction.atomic
def guest_add(
    *,
    actor: Any,
    course: Course,
    full_name: str,
    title: str,
    organization: str = "",
    attends: str = "opening",
    gives_opening_speech: bool = False,
    gives_closing_speech: bool = False,
) -> CourseGuest:
    require_change(actor, course)
    # One writer at a time per class: the order number and the single opening speaker.
    course = Course.objects.select_for_update().get(pk=course.pk)
    if gives_opening_speech and course.guests.filter(gives_opening_speech=True).exists():
        raise ValidationError({"gives_opening_speech": _("Lớp đã có người phát biểu khai giảng.")})
    guest = CourseGuest(
        course=course,
        full_name=normalize_text(full_name),
        title=normalize_text(title),
        organization=normalize_text(organization),
        attends=attends,
        gives_opening_speech=gives_opening_speech,
        gives_closing_speech=gives_closing_speech,
        order=course.guests.count() + 1,
    )
    guest.full_clean()
    guest.save()
    return guest


def guest_delete(*, actor: Any, guest: CourseGuest) -> None:
    require_change(actor, guest.course)
    guest.delete()


# --- calendar feed addresses ----------------------------------------------------------


def course_feed_reset(*, actor: Any, course: Course) -> Course:
    """A new feed address for a class; the old one stops working (a leaked link)."""
    require_change(actor, course)
    course.feed_token = new_token()
    course.save(update_fields=["feed_token", "updated_at"])
    return course


def lecturer_feed_reset(*, actor: Any, lecturer: Lecturer) -> Lecturer:
    """A new feed address for a lecturer: by the lecturer themself or their managers."""
    if actor is not None and lecturer.user_id != getattr(actor, "pk", None):
        require_change(actor, lecturer)
    lecturer.feed_token = new_token()
    lecturer.save(update_fields=["feed_token"])
    return lecturer
