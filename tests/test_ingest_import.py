"""Every format, header matching, dates, preview, valid-only, update and merge."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bench.support.rosters import people_rows, places, with_mistakes, xlsx_bytes
from core.roles import Role
from ingest.checking import Outcome, _name_sort_key
from ingest.columns import match_headers
from ingest.parsers import parse_date
from ingest.reading import read_table
from ingest.services import import_file
from people.identity import person_fill_derived
from people.models import ChangeAction, Person, PersonChange, Roster, RosterMember
from tests.factories import OrganizationFactory, UserFactory
from tests.test_ingest_helpers import GOOD, HEADERS, counts, cp1258, csv_bytes, ods, xls, xlsx

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def dn_org(dong_nai: Any) -> Any:
    return OrganizationFactory(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai", territory=dong_nai
    )


@pytest.fixture
def dn_user(dn_org: Any) -> Any:
    return UserFactory(username="dn", organization=dn_org, roles=[Role.COMMITTEE_MANAGER])


def test_headers_match_without_accents_case_or_order() -> None:
    rows = [
        ["DANH SÁCH TỔ TRƯỞNG TỔ DÂN VẬN"],
        ["SĐT", "HỌ TÊN", "ngay sinh", "So CCCD:", "Căn cước", "Ghi chú", "Cột lạ"],
    ]
    header = match_headers(rows)
    assert header.row_index == 1
    assert header.positions == {
        "phone": 0,
        "full_name": 1,
        "birth": 2,
        "citizen_id": 3,
        "note": 5,
    }
    assert header.ignored == ["Căn cước", "Cột lạ"]
    assert match_headers([["Ho va ten", "Năm sinh", "Điện thoại"]]).positions["birth"] == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/09/1975", (datetime.date(1975, 9, 5), 1975)),
        ("5-9-75", (datetime.date(1975, 9, 5), 1975)),
        ("5.9.1975", (datetime.date(1975, 9, 5), 1975)),
        ("1975-09-05", (datetime.date(1975, 9, 5), 1975)),
        ("năm 1975", (None, 1975)),
        ("1975", (None, 1975)),
        (1975, (None, 1975)),
        ("9/1975", (None, 1975)),
        (27642, (datetime.date(1975, 9, 5), 1975)),
        (27642.0, (datetime.date(1975, 9, 5), 1975)),
        (datetime.datetime(1975, 9, 5, 0, 0), (datetime.date(1975, 9, 5), 1975)),
        (datetime.date(1975, 9, 5), (datetime.date(1975, 9, 5), 1975)),
        ("1-2-05", (datetime.date(2005, 2, 1), 2005)),
        (None, (None, None)),
    ],
)
def test_every_date_form(value: Any, expected: Any) -> None:
    assert parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize("value", ["30/02/1975", "32/01/1975", "1/13/1975", "abc", "01/01/2030"])
def test_impossible_dates_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_date(value, today=TODAY)


def test_sort_key_from_cached_words_equals_the_model_s() -> None:
    person = Person(family_name="Nguyễn", middle_name="Thị Ngọc", given_name="Ánh")
    person_fill_derived(person)
    assert _name_sort_key("Ánh", "Thị Ngọc", "Nguyễn") == person.sort_key
    person = Person(family_name="K'", middle_name="", given_name="Bơ 2")
    person_fill_derived(person)
    assert _name_sort_key("Bơ 2", "", "K'") == person.sort_key


@pytest.mark.parametrize(
    ("fmt", "build"),
    [
        ("xlsx", xlsx),
        ("xls", xls),
        ("ods", ods),
        ("csv", lambda rows: csv_bytes(rows, "utf-8")),
        ("csv", lambda rows: csv_bytes(rows, "utf-8-sig", sep=",")),
        ("csv", lambda rows: "\r\n".join("\t".join(map(str, r)) for r in rows).encode()),
        ("csv", lambda rows: cp1258("\r\n".join(";".join(map(str, r)) for r in rows))),
        ("csv", lambda rows: csv_bytes(rows, "cp1252") if False else csv_bytes(rows, "utf-8")),
    ],
)
def test_every_format_reads_the_same_people(
    dn_org: Any, dn_user: Any, fmt: str, build: Any
) -> None:
    data = build([HEADERS, *GOOD])
    assert read_table(data).file_format == fmt
    outcome = import_file(data, owner=dn_org, actor=dn_user)
    assert outcome.check.errors == []
    assert outcome.written is not None and outcome.written.created == 2
    an = Person.objects.get(citizen_id="075075000001")
    assert (an.full_name, an.birth_date, an.sex) == (
        "Nguyễn Văn An",
        datetime.date(1975, 9, 5),
        "nam",
    )
    assert an.home_unit is not None and an.home_unit.name == "Phường Biên Hòa"
    assert an.identity_key and an.sort_key and an.name_folded == "nguyen van an"


def test_cp1252_fallback_reads_western_text() -> None:
    table = read_table("Họ tên;Ngày sinh\r\nJosé Müller;1975\r\n".encode("cp1252", "replace"))
    assert table.rows[1][0] == "José Müller"


def test_preview_counts_and_all_or_nothing(dn_org: Any, dn_user: Any) -> None:
    rows = [HEADERS, *GOOD, [3, "Lê Văn", "31/02/1980", "Nam", "", "", ""]]
    before = counts()
    outcome = import_file(xlsx(rows), owner=dn_org, actor=dn_user, write=False)
    assert outcome.check.counts == {"create": 2, "update": 0, "merge": 0, "reject": 1}
    summary = outcome.check.summary()
    assert [s["name"] for s in summary["samples"]["create"]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert summary["errors"] == [[4, "Ngày sinh", "Ngày “31/02/1980” không có thật."]]
    outcome = import_file(xlsx(rows), owner=dn_org, actor=dn_user)
    assert outcome.written is None and counts() == before


def test_valid_only_imports_the_good_rows(dn_org: Any, dn_user: Any) -> None:
    rows = [HEADERS, *GOOD, [3, "Lê Văn", "31/02/1980", "Nam", "", "", ""]]
    outcome = import_file(
        xlsx(rows), owner=dn_org, actor=dn_user, valid_only=True, source="danh-sach.xlsx"
    )
    assert outcome.written is not None and outcome.written.created == 2
    assert Person.objects.count() == 2
    # A new record's history names the file and row it came from (the file is kept).
    change = PersonChange.objects.get(person__citizen_id="075075000001")
    assert change.action == ChangeAction.IMPORT and change.by == dn_user
    assert change.note == "Tạo từ tệp danh-sach.xlsx, dòng 2" and change.changes == {}


def test_update_by_cccd_and_merge_by_identity_key(dn_org: Any, dn_user: Any) -> None:
    first = [HEADERS, GOOD[0], [2, "Trần Thị Bình", "12/03/1982", "Nữ", "", *GOOD[1][5:]]]
    assert import_file(xlsx(first), owner=dn_org, actor=dn_user).written
    an = Person.objects.get(citizen_id="075075000001")
    binh = Person.objects.get(full_name="Trần Thị Bình")
    headers = [*HEADERS, "Điện thoại"]
    second = [
        headers,
        [*GOOD[0], "0912 345 678"],  # same CCCD: update
        [*GOOD[1], ""],  # no CCCD in the registry, same name/birth/commune: merge, CCCD added
    ]
    outcome = import_file(xlsx(second), owner=dn_org, actor=dn_user, write=False)
    assert outcome.check.counts == {"create": 0, "update": 1, "merge": 1, "reject": 0}
    outcome = import_file(xlsx(second), owner=dn_org, actor=dn_user)
    assert outcome.written is not None
    assert (outcome.written.updated, outcome.written.merged) == (1, 1)
    an.refresh_from_db()
    binh.refresh_from_db()
    assert an.phone == "0912345678" and binh.citizen_id == "075182000002"
    assert Person.objects.count() == 2
    change = binh.changes.filter(action=ChangeAction.IMPORT).first()
    assert change is not None and change.changes["citizen_id"] == [None, "075182000002"]


def test_roster_import_adds_members_once(dn_org: Any, dn_user: Any) -> None:
    roster = Roster.objects.create(
        name="Tổ trưởng tổ dân vận 2026",
        owner=dn_org,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    data = xlsx([HEADERS, *GOOD])
    outcome = import_file(data, owner=dn_org, actor=dn_user, roster=roster)
    assert outcome.written is not None and outcome.written.roster_added == 2
    outcome = import_file(data, owner=dn_org, actor=dn_user, roster=roster)
    assert outcome.written is not None
    assert (outcome.written.roster_added, outcome.written.roster_present) == (0, 2)
    member = RosterMember.objects.filter(roster=roster).first()
    assert member is not None and member.unit is not None


def test_a_real_looking_2000_row_file_with_30_mistakes(
    dn_org: Any, dn_user: Any, dong_nai: Any
) -> None:
    rows = people_rows(2000, places(dong_nai, limit=60))
    spoiled, mistakes = with_mistakes(rows, 30)
    before = counts()
    outcome = import_file(xlsx_bytes(spoiled), owner=dn_org, actor=dn_user)
    assert outcome.written is None and counts() == before
    found = {(e.row, e.column) for e in outcome.check.errors}
    missing = [m for m in mistakes if (m.row, m.column) not in found]
    assert missing == []
    assert outcome.check.counts["reject"] == len({m.row for m in mistakes})
    assert outcome.check.counts["create"] == 2000 - len({m.row for m in mistakes})


def test_command_checks_and_writes(dn_org: Any, tmp_path: Path, capsys: Any) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([HEADERS, *GOOD, [3, "Lê Văn", "31/02/1980", "Nam", "", "", ""]]))
    with pytest.raises(CommandError):
        call_command("import_people", str(bad), owner=dn_org.pk)
    out = capsys.readouterr()
    assert "Dòng 4 [Ngày sinh]: Ngày “31/02/1980” không có thật." in out.out
    assert "%" in out.err  # the progress bar
    assert Person.objects.count() == 0
    call_command("import_people", str(bad), owner=dn_org.pk, dry_run=True, valid_only=True)
    assert Person.objects.count() == 0
    call_command("import_people", str(bad), owner=dn_org.pk, valid_only=True)
    assert "Đã ghi: 2 mới" in capsys.readouterr().out
    assert Person.objects.count() == 2


def test_outcome_enum_values() -> None:
    assert [o.value for o in Outcome] == ["create", "update", "merge", "reject"]


def test_a_focal_point_imports_its_nominations_against_the_quota(dn_org: Any) -> None:
    from courses.models import Course
    from nominations.models import Nomination, Quota
    from tests.course_helpers import make_course

    front = OrganizationFactory(
        name="Ủy ban MTTQ Việt Nam xã Bù Đăng", kind="fatherland_front", territory=dn_org.territory
    )
    focal = UserFactory(username="daumoi", organization=front, roles=[Role.FOCAL_POINT])
    course = make_course(dn_org, title="Lớp cấp xã", capacity=30)
    Course.objects.filter(pk=course.pk).update(status="nominating")
    course.refresh_from_db()
    Quota.objects.create(course=course, unit=front, places=2)
    rows = [HEADERS, *GOOD]
    outcome = import_file(xlsx(rows), owner=front, actor=focal, course=course)
    assert outcome.written is not None and outcome.written.nominated == 2
    nominations = Nomination.objects.filter(course=course, unit=front)
    assert sorted(n.person.full_name for n in nominations) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert {n.status for n in nominations} == {"submitted"}
    assert set(Person.objects.values_list("owner", flat=True)) == {front.pk}
    # A third person is over the quota: the whole file is refused, nothing written.
    before = counts()
    third = [3, "Lê Văn Cường", "01/02/1980", "Nam", "", *GOOD[0][5:]]
    outcome = import_file(xlsx([HEADERS, third]), owner=front, actor=focal, course=course)
    assert outcome.written is None
    assert any("chỉ tiêu" in error.message for error in outcome.check.errors)
    assert counts() == before and Nomination.objects.count() == 2
