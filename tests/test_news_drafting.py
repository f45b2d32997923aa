"""Drafts from the five scenario classes (DESIGN.md §5), compared field by field
with the class data; the Vietnamese wording of dates and counts."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from core.demo import demo_load
from courses.models import Course, CourseGuest, Session, SessionKind
from news.drafting import (
    ClassFacts,
    Draft,
    GuestFact,
    class_facts,
    draft_from_facts,
    join_title,
    plain_text,
    vn_count,
    vn_range,
    when_phrase,
)
from nominations.models import Enrollment

D = datetime.date


def test_vietnamese_dates() -> None:
    assert vn_range(D(2022, 5, 25), D(2022, 5, 27)) == "25 – 27/5/2022"
    assert vn_range(D(2022, 5, 30), D(2022, 6, 2)) == "30/5 – 2/6/2022"
    assert vn_range(D(2022, 12, 30), D(2023, 1, 2)) == "30/12/2022 – 2/1/2023"
    assert vn_range(D(2020, 9, 17), D(2020, 9, 17)) == "17/9/2020"


def test_vietnamese_counts() -> None:
    assert vn_count(59) == "59"
    assert vn_count(300) == "300"
    assert vn_count(320) == "hơn 300"
    assert vn_count(196) == "gần 200"
    assert vn_count(952) == "gần 1.000"
    assert vn_count(1250) == "hơn 1.000"


def _facts(**values: object) -> ClassFacts:
    base: dict[str, object] = {
        "course_id": 3,
        "title": "Lớp bồi dưỡng nghiệp vụ công tác dân vận",
        "kind": "training",
        "organiser": "Ban Dân vận Huyện ủy Bù Đăng",
        "co_organisers": (),
        "venue": "",
        "start": D(2022, 5, 25),
        "end": D(2022, 5, 27),
        "opening_half_day": None,
        "closed": False,
        "count": None,
        "audience": (),
        "category_counts": (),
        "guests": (),
        "topics": (),
        "lecturers": (),
        "discussion": False,
        "assignment_session": False,
        "assignments_submitted": 0,
        "completed": None,
        "certificates": 0,
    }
    base.update(values)
    return ClassFacts(**base)


def test_missing_data_leaves_sentences_out() -> None:
    draft = draft_from_facts(_facts(), "b")  # B needs a count: falls back to A
    assert draft.template_key == "a"
    assert draft.lead == (
        "Từ ngày 25 – 27/5/2022, Ban Dân vận Huyện ủy Bù Đăng tổ chức "
        "Lớp bồi dưỡng nghiệp vụ công tác dân vận."
    )
    assert draft.body == ""
    assert draft.title == (
        "Ban Dân vận Huyện ủy Bù Đăng: Khai giảng Lớp bồi dưỡng nghiệp vụ công tác dân vận"
    )
    assert draft_from_facts(_facts(), "c").template_key == "a"  # C needs a venue


def test_assignment_and_certificates_when_recorded() -> None:
    facts = _facts(
        closed=True,
        count=59,
        assignment_session=True,
        assignments_submitted=58,
        completed=57,
        certificates=57,
    )
    text = plain_text(draft_from_facts(facts, "a"))
    assert "Kết thúc khóa học, 58 học viên viết bài thu hoạch." in text
    assert (
        "57/59 học viên hoàn thành chương trình bồi dưỡng; 57 học viên được cấp giấy chứng "
        "nhận hoàn thành chương trình bồi dưỡng." in text
    )
    assert "Bế giảng" in text


def test_class_data_is_escaped_in_the_draft() -> None:
    guest = GuestFact("<script>alert(1)</script>", "Bí thư", opening_speech=False)
    draft = draft_from_facts(_facts(guests=(guest,)), "a")
    assert "<script>" not in draft.body and "&lt;script&gt;" in draft.body


def test_titles_join_without_repeating_the_body() -> None:
    assert join_title("Bí thư Tỉnh ủy", "Tỉnh ủy Quảng Bình") == "Bí thư Tỉnh ủy Quảng Bình"
    assert (
        join_title("Phó Trưởng Công an thành phố", "Công an thành phố Buôn Ma Thuột")
        == "Phó Trưởng Công an thành phố Buôn Ma Thuột"
    )
    assert join_title("Chánh Văn phòng", "Ban Dân vận") == "Chánh Văn phòng, Ban Dân vận"
    assert join_title("", "Sở Nội vụ") == "Sở Nội vụ"


SCENARIOS = {
    1: ("Ban Dân vận Tỉnh ủy Bình Phước", D(2017, 6, 5)),
    2: ("Ban Dân vận Tỉnh ủy Quảng Bình", D(2020, 9, 17)),
    3: ("Ban Dân vận Thành ủy Buôn Ma Thuột", D(2023, 4, 12)),
    4: ("Ban Dân vận Tỉnh ủy Hà Giang", D(2024, 8, 20)),
    5: ("Ban Dân vận Huyện ủy Bù Đăng", D(2022, 5, 25)),
}


def _course(number: int) -> Course:
    owner, start = SCENARIOS[number]
    return Course.objects.select_related("owner").get(owner__name=owner, start_date=start)


def _check_against_class(course: Course, draft: Draft) -> str:
    """Every fact of the class that the draft must carry, checked one by one."""
    text = plain_text(draft)
    facts = class_facts(course)
    # Dates
    assert when_phrase(facts).lower() in draft.lead.lower()
    # Organiser and co-organisers
    assert course.owner.name in draft.lead
    for org in course.co_organizers.all():
        assert org.name in draft.lead
    # Counts: enrolled trainees, else the recorded count
    enrolled = Enrollment.objects.filter(course=course, status="enrolled").count()
    assert facts.count == (enrolled or course.trainee_count)
    # Guests at the opening, with their full titles
    for guest in CourseGuest.objects.filter(course=course):
        full = join_title(guest.title, guest.organization)
        assert f"{guest.full_name}, {full}" in text
    # Topics as a list, each with its lecturers
    lectures = Session.objects.filter(course=course, kind=SessionKind.LECTURE)
    titles = {s.topic.title for s in lectures if s.topic}
    assert {t.title for t in facts.topics} == titles
    for title in titles:
        assert f"<li>{title}" in draft.body.replace("&quot;", '"') or f"- {title}" in text
    for session in lectures:
        for lecturer in session.lecturers.select_related("person__organization"):
            assert lecturer.display_name in text
            if lecturer.person.position:
                assert lecturer.person.position.split(",")[0] in text
    assert f"{len(titles)} chuyên đề" in text
    return text


@pytest.mark.django_db
def test_five_scenario_drafts_match_their_classes() -> None:
    demo_load(force=True)  # the five scenarios, rolled back with the test
    drafts: dict[int, str] = {}
    for number in SCENARIOS:
        course = _course(number)
        draft = draft_from_facts(class_facts(course), "a")
        drafts[number] = _check_against_class(course, draft)

    # Scenario 1 (a cluster class of 2017): trainees counted from enrollments, by category.
    one = _course(1)
    assert "Từ ngày 5 – 6/6/2017" in drafts[1]
    assert f"{Enrollment.objects.filter(course=one).count()} học viên" in drafts[1]
    assert "tổ trưởng tổ dân vận" in drafts[1]
    assert "Nguyễn Văn Lợi, Phó Bí thư Thường trực Tỉnh ủy Bình Phước" in drafts[1]
    assert "thảo luận" in drafts[1]
    # Scenario 2: one day, 320 delegates written "hơn 300 đại biểu", three leaders.
    assert "Sáng 17/9/2020" in drafts[2]
    assert "hơn 300 đại biểu" in drafts[2]
    assert "phối hợp với Ủy ban MTTQ Việt Nam tỉnh Quảng Bình" in drafts[2]
    assert (
        "Đồng chí Trần Hải Châu, Phó Bí thư Thường trực Tỉnh ủy Quảng Bình phát biểu" in (drafts[2])
    )
    assert "Hoàng Đăng Quang, Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy Quảng Bình" in drafts[2]
    assert "2 chuyên đề" in drafts[2] and "TS. Nguyễn Văn Hùng" in drafts[2]
    # Scenario 3: the city police as lecturers; no guests recorded, so no guest sentence.
    assert "gần 200 đại biểu" in drafts[3]
    assert "Phó Trưởng Công an thành phố Buôn Ma Thuột" in drafts[3]
    assert "Dự " not in drafts[3] and "phát biểu" not in drafts[3]
    # Scenario 4: with the political school, 3 days, five topics, no count recorded.
    assert "Từ ngày 20 – 22/8/2024" in drafts[4]
    assert "phối hợp với Trường Chính trị tỉnh Hà Giang" in drafts[4]
    assert "5 chuyên đề" in drafts[4]
    assert " học viên là" not in drafts[4].split("\n\n")[1]  # nothing invented
    # Scenario 5: 59 trainees over 3 days, 6 topics and the final assignment.
    assert "Từ ngày 25 – 27/5/2022" in drafts[5]
    assert "59 học viên" in drafts[5]
    assert "6 chuyên đề" in drafts[5]
    assert "bài thu hoạch" in drafts[5]
    five = _course(5)
    done = Enrollment.objects.filter(course=five, completed=True).count()
    assert f"{done}/59 học viên hoàn thành chương trình bồi dưỡng" in drafts[5]

    # Several opening templates: different sentences, the same facts.
    facts = class_facts(five)
    leads = {key: draft_from_facts(facts, key).lead for key in ("a", "b", "c")}
    assert len(set(leads.values())) == 3
    for lead in leads.values():
        assert "25 – 27/5/2022" in lead and "59 học viên" in lead
        assert "Ban Dân vận Huyện ủy Bù Đăng" in lead

    # The lead's note shows two drafts: NEWS_DRAFTS_NOTE=/path/to/file.md writes them.
    note = os.environ.get("NEWS_DRAFTS_NOTE")
    if not note:
        return
    Path(note).write_text(
        "# Two generated drafts (taphuan news, issue #7)\n\n"
        "## Scenario 2 (Quảng Bình, 2020, one-day conference; opening template A)\n\n"
        f"```\n{drafts[2]}\n```\n\n"
        "## Scenario 5 (Bù Đăng, 2022, 59 trainees, 3 days; opening template B)\n\n"
        f"```\n{plain_text(draft_from_facts(facts, 'b'))}\n```\n",
        encoding="utf-8",
    )
