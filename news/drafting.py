"""A Vietnamese news draft built only from a class's own data.

`class_facts` reads what the class holds (dates, organisers, guests, the
programme, trainee counts, the assignment and its outcome); `draft_from_facts`
writes the house style of such reports from those facts alone: a sentence
whose data is missing is left out, nothing is invented. Several opening
templates keep a year of articles from reading the same.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from courses.models import Course, CourseGuest, CourseKind, CourseStatus, Session, SessionKind

HALF_DAY_WORDS = {"morning": "Sáng", "afternoon": "Chiều", "evening": "Tối"}
TEMPLATE_KEYS = ("a", "b", "c")
# Words that show a lecturer's position already names the body they work for.
_BODY_WORDS = ("Ban ", "Trường ", "Trung tâm", "Công an", "Sở ", "Tỉnh ủy", "Huyện ủy", "Thành ủy")


@dataclass(frozen=True)
class GuestFact:
    name: str
    title: str  # position joined with the organisation: "Bí thư Tỉnh ủy Quảng Bình"
    opening_speech: bool


@dataclass(frozen=True)
class LecturerFact:
    name: str  # with the academic title: "TS. Nguyễn Văn Hùng"
    title: str  # position and organisation


@dataclass(frozen=True)
class TopicFact:
    title: str
    lecturers: tuple[str, ...]


@dataclass(frozen=True)
class ClassFacts:
    """Everything a draft may say about one class, read from the database."""

    course_id: int
    title: str
    kind: str
    organiser: str
    co_organisers: tuple[str, ...]
    venue: str
    start: datetime.date
    end: datetime.date
    opening_half_day: str | None
    closed: bool
    count: int | None
    audience: tuple[str, ...]
    category_counts: tuple[tuple[str, int], ...]
    guests: tuple[GuestFact, ...]
    topics: tuple[TopicFact, ...]
    lecturers: tuple[LecturerFact, ...]
    discussion: bool
    assignment_session: bool
    assignments_submitted: int
    completed: int | None
    certificates: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def noun(self) -> str:
        return "đại biểu" if self.kind == CourseKind.CONFERENCE else "học viên"

    @property
    def speaker(self) -> GuestFact | None:
        return next((g for g in self.guests if g.opening_speech), None)


@dataclass(frozen=True)
class Draft:
    title: str
    lead: str
    body: str  # HTML (escaped data in a fixed frame; sanitised again on save)
    template_key: str
    paragraphs: tuple[str, ...] = field(default=())


# --- Vietnamese wording -----------------------------------------------------


def vn_date(day: datetime.date) -> str:
    """17/9/2020: day and month without leading zeros, as news copy writes them."""
    return f"{day.day}/{day.month}/{day.year}"


def vn_range(start: datetime.date, end: datetime.date) -> str:
    """25 – 27/5/2022, 30/5 – 2/6/2022, 30/12/2022 – 2/1/2023."""
    if start == end:
        return vn_date(start)
    if start.year != end.year:
        return f"{vn_date(start)} – {vn_date(end)}"
    if start.month != end.month:
        return f"{start.day}/{start.month} – {vn_date(end)}"
    return f"{start.day} – {vn_date(end)}"


def vn_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def vn_count(value: int) -> str:
    """59; 300; hơn 300 (for 320); gần 200 (for 196); gần 1.000 (for 952)."""
    if value < 100 or value % 100 == 0:
        return vn_number(value)
    step = 1000 if value >= 1000 else 100
    above = (value // step + 1) * step
    if above - value <= above * 0.05:
        return f"gần {vn_number(above)}"
    return f"hơn {vn_number(value // step * step)}"


def when_phrase(facts: ClassFacts) -> str:
    """'Sáng 17/9/2020' for a one-day class, 'Từ ngày 25 – 27/5/2022' otherwise."""
    if facts.days == 1:
        word = HALF_DAY_WORDS.get(facts.opening_half_day or "", "Ngày")
        return f"{word} {vn_date(facts.start)}"
    return f"Từ ngày {vn_range(facts.start, facts.end)}"


def _lower_first(text: str) -> str:
    """'Tổ trưởng tổ dân vận' -> 'tổ trưởng tổ dân vận'; acronyms (MTTQ) stay."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def join_title(position: str, organisation: str) -> str:
    """Position and organisation as one title, without saying the body twice.

    'Bí thư Tỉnh ủy' + 'Tỉnh ủy Quảng Bình' -> 'Bí thư Tỉnh ủy Quảng Bình'.
    """
    position, organisation = position.strip(), organisation.strip()
    if not organisation or organisation in position:
        return position
    if not position:
        return organisation
    words = position.split()
    for start in range(len(words)):
        tail = " ".join(words[start:])
        if organisation.startswith(tail + " ") or organisation == tail:
            return " ".join([*words[:start], organisation])
    if any(word in position for word in _BODY_WORDS):
        return position
    return f"{position}, {organisation}"


def _join(items: list[str]) -> str:
    """a, b và c."""
    if len(items) <= 1:
        return "".join(items)
    if any(" và " in item for item in items):
        return ", ".join(items)  # a second "và" would blur where items end
    return ", ".join(items[:-1]) + " và " + items[-1]


# --- Reading the class -------------------------------------------------------


def class_facts(course: Course) -> ClassFacts:
    """The facts of `course` a draft may use (a handful of queries)."""
    from certificates.models import Certificate, CertificateStatus
    from nominations.models import Enrollment, EnrollmentStatus
    from people.models import TraineeCategory

    sessions = list(
        Session.objects.filter(course=course)
        .select_related("topic")
        .prefetch_related("lecturers__person__organization")
        .order_by("starts_at", "pk")
    )
    guests = list(CourseGuest.objects.filter(course=course).order_by("order", "pk"))
    enrollments = Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED)
    enrolled = enrollments.count()
    count = enrolled or course.trainee_count or None
    category_counts: tuple[tuple[str, int], ...] = ()
    if enrolled:
        rows = (
            TraineeCategory.objects.filter(people__enrollments__in=enrollments)
            .annotate(n=Count("people__enrollments", distinct=True))
            .order_by("order", "name")
        )
        category_counts = tuple((row.name, row.n) for row in rows if row.n)
    opening = next((s for s in sessions if s.kind == SessionKind.OPENING), None)
    first = opening or (sessions[0] if sessions else None)

    topics: list[TopicFact] = []
    lecturers: dict[int, LecturerFact] = {}
    seen_topics: dict[str, list[str]] = {}
    for session in sessions:
        if session.kind != SessionKind.LECTURE:
            continue
        label = session.topic.title if session.topic else session.title
        if not label:
            continue
        names = seen_topics.setdefault(label, [])
        for lecturer in session.lecturers.all():
            person = lecturer.person
            lecturers.setdefault(
                lecturer.pk,
                LecturerFact(
                    lecturer.display_name,
                    join_title(
                        person.position,
                        person.organization.name if person.organization else "",
                    ),
                ),
            )
            if lecturer.display_name not in names:
                names.append(lecturer.display_name)
    topics = [TopicFact(title, tuple(names)) for title, names in seen_topics.items()]

    from assessment.models import Assignment

    closed = course.status in (CourseStatus.COMPLETED, CourseStatus.REPORTED)
    return ClassFacts(
        course_id=course.pk,
        title=course.title,
        kind=course.kind,
        organiser=course.owner.name,
        co_organisers=tuple(o.name for o in course.co_organizers.order_by("name")),
        venue=course.venue,
        start=course.start_date,
        end=course.end_date,
        opening_half_day=first.half_day if first else None,
        closed=closed,
        count=count,
        audience=tuple(c.name for c in course.audience.order_by("order", "name")),
        category_counts=category_counts,
        guests=tuple(
            GuestFact(g.full_name, join_title(g.title, g.organization), g.gives_opening_speech)
            for g in guests
            if g.attends in ("opening", "both")
        ),
        topics=tuple(topics),
        lecturers=tuple(lecturers.values()),
        discussion=any(s.kind == SessionKind.DISCUSSION for s in sessions),
        assignment_session=any(s.kind == SessionKind.ASSIGNMENT for s in sessions),
        assignments_submitted=Assignment.objects.filter(
            enrollment__in=enrollments, submitted_at__isnull=False
        ).count(),
        completed=enrollments.filter(completed=True).count() if closed and enrolled else None,
        certificates=Certificate.objects.filter(
            enrollment__course=course, status=CertificateStatus.VALID
        ).count(),
    )


# --- Writing ------------------------------------------------------------------


def _organisers(facts: ClassFacts) -> str:
    if facts.co_organisers:
        return f"{facts.organiser} phối hợp với {_join(list(facts.co_organisers))}"
    return facts.organiser


def _audience(facts: ClassFacts) -> str:
    return _join([_lower_first(a) for a in facts.audience])


def _lead(facts: ClassFacts, key: str) -> tuple[str, str]:
    """The opening sentence in one of the templates; (text, template actually used)."""
    when = when_phrase(facts)
    count = f"{vn_count(facts.count)} {facts.noun}" if facts.count else ""
    venue = f" tại {facts.venue}" if facts.venue else ""
    if key == "b" and count:
        whom = f" là {_audience(facts)}" if facts.audience else ""
        text = (
            f"{count[:1].upper()}{count[1:]}{whom} đã tham dự {facts.title} "
            f"do {_organisers(facts)} tổ chức{venue}, {_lower_first(when)}."
        )
        return text, "b"
    if key == "c" and facts.venue:
        verb = "khai mạc" if facts.kind == CourseKind.CONFERENCE else "khai giảng"
        whom = f" cho {count}" if count else ""
        text = (
            f"Tại {facts.venue}, {_lower_first(when)}, {_organisers(facts)} đã {verb} "
            f"{facts.title}{whom}."
        )
        return text, "c"
    whom = ""
    if count and facts.audience:
        whom = f", với sự tham gia của {count} là {_audience(facts)}"
    elif count:
        whom = f", với sự tham gia của {count}"
    return f"{when}, {_organisers(facts)} tổ chức {facts.title}{venue}{whom}.", "a"


def _title(facts: ClassFacts) -> str:
    place = facts.organiser
    if facts.closed and facts.kind == CourseKind.CONFERENCE:
        return f"{place} tổ chức {facts.title}"
    if facts.closed:
        word = "Bế giảng"
    else:
        word = "Khai mạc" if facts.kind == CourseKind.CONFERENCE else "Khai giảng"
    return f"{place}: {word} {facts.title}"


def draft_from_facts(facts: ClassFacts, template_key: str | None = None) -> Draft:
    """The draft article: title, lead and body paragraphs, each from present data only."""
    key = template_key if template_key in TEMPLATE_KEYS else TEMPLATE_KEYS[facts.course_id % 3]
    lead, used = _lead(facts, key)
    parts: list[str] = []

    if facts.guests:
        verb = "hội nghị" if facts.kind == CourseKind.CONFERENCE else "lễ khai giảng"
        guests = "; ".join(f"{g.name}, {g.title}" for g in facts.guests)
        whom = "các đồng chí:" if len(facts.guests) > 1 else "đồng chí"
        parts.append(format_html("<p>Dự {} có {} {}.</p>", verb, whom, guests))
    speaker = facts.speaker
    if speaker is not None:
        what = "khai mạc hội nghị" if facts.kind == CourseKind.CONFERENCE else "khai giảng lớp học"
        parts.append(
            format_html("<p>Đồng chí {}, {} phát biểu {}.</p>", speaker.name, speaker.title, what)
        )
    if facts.count and facts.category_counts and len(facts.category_counts) > 1:
        kinds = _join([f"{vn_number(n)} {_lower_first(name)}" for name, n in facts.category_counts])
        parts.append(
            format_html(
                "<p>Tham gia {} có {} {}, gồm {}.</p>",
                "hội nghị" if facts.kind == CourseKind.CONFERENCE else "lớp học",
                vn_number(facts.count),
                facts.noun,
                kinds,
            )
        )
    if facts.topics:
        duration = f"Trong {facts.days} ngày, các" if facts.days > 1 else "Các"
        items = "".join(
            str(
                format_html("<li>{}{}</li>", t.title, f" ({_join(list(t.lecturers))})")
                if t.lecturers
                else format_html("<li>{}</li>", t.title)
            )
            for t in facts.topics
        )
        parts.append(
            format_html(
                "<p>{} {} được nghe truyền đạt {} chuyên đề:</p>",
                duration,
                facts.noun,
                len(facts.topics),
            )
            + f"<ul>{items}</ul>"
        )
    if facts.lecturers:
        people = "; ".join(
            f"{lecturer.name}, {lecturer.title}" if lecturer.title else lecturer.name
            for lecturer in facts.lecturers
        )
        if len(facts.lecturers) == 1:
            parts.append(format_html("<p>Báo cáo viên là đồng chí {}.</p>", people))
        else:
            parts.append(format_html("<p>Các báo cáo viên gồm các đồng chí: {}.</p>", people))
    if facts.discussion:
        parts.append(
            mark_safe(
                "<p>Chương trình có buổi thảo luận, trao đổi kinh nghiệm và xử lý tình huống "
                "ở cơ sở.</p>"
            )
        )
    if facts.assignment_session:
        if facts.assignments_submitted:
            parts.append(
                format_html(
                    "<p>Kết thúc khóa học, {} học viên viết bài thu hoạch.</p>",
                    vn_number(facts.assignments_submitted),
                )
            )
        else:
            parts.append(mark_safe("<p>Kết thúc khóa học, học viên viết bài thu hoạch.</p>"))
    if facts.completed:
        sentence = (
            f"{vn_number(facts.completed)}/{vn_number(facts.count or facts.completed)} học viên "
            "hoàn thành chương trình bồi dưỡng"
        )
        if facts.certificates:
            sentence += (
                f"; {vn_number(facts.certificates)} học viên được cấp giấy chứng nhận hoàn "
                "thành chương trình bồi dưỡng"
            )
        parts.append(format_html("<p>{}.</p>", sentence))
    elif facts.certificates:
        parts.append(
            format_html(
                "<p>{} học viên được cấp giấy chứng nhận hoàn thành chương trình bồi dưỡng.</p>",
                vn_number(facts.certificates),
            )
        )
    return Draft(
        title=_title(facts),
        lead=lead,
        body="\n".join(str(p) for p in parts),
        template_key=used,
        paragraphs=tuple(str(p) for p in parts),
    )


def plain_text(draft: Draft) -> str:
    """The draft as plain text (for the note and for reading in tests)."""
    body = re.sub(r"<li>", "\n- ", draft.body)
    body = re.sub(r"</?(ul|p)>", "\n", body)
    body = re.sub(r"<[^>]+>", "", body)
    body = re.sub(r"\n+", "\n", body).strip()
    return html.unescape(f"{draft.title}\n\n{draft.lead}\n\n{body}")
