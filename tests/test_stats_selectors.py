"""Statistics selectors on small hand-built data with known answers.

The cast (conftest): Bình Phước (old province) with its districts Bù Đăng and
Lộc Ninh, each with a committee; today's Đồng Nai, which took Bình Phước in
2025, with its own committee. Classes:

- A: Bù Đăng, 10/05/2017, completed — p1 (nữ, 1980), p2 (nam, 1990), p3 (nam,
  no birth); p1, p2 completed; p6 withdrew. Sessions: two mornings of topic T1
  and one afternoon 13:30–16:30 of topic T2, all by lecturer L1. In plan
  01-KH/BDVTU (2017, target 5 classes, 100 trainees).
- B: Lộc Ninh, 01/08/2017, completed — p1, p4 (nữ); p4 completed.
- F: Bù Đăng, 01/09/2017, completed, head count 50 only (no list).
- C: Đồng Nai, 01/10/2025, running — p1, p5.
- D: Bù Đăng 2017 cancelled, E: Bù Đăng 2018 draft — never counted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from core.roles import Role
from courses.models import Course, CourseStatus
from courses.services import session_create
from geo.models import AdminUnit
from nominations.models import Enrollment, EnrollmentStatus
from orgs.models import Organization
from people.models import Person, Roster, RosterMember, TraineeCategory
from planning.models import PlanTarget, TrainingPlan
from stats import selectors as s
from stats.services import aggregates_fresh, aggregates_refresh
from tests.course_helpers import make_course, make_lecturer, make_topic
from tests.factories import OrganizationFactory, UserFactory
from tests.test_nominations_fixtures import make_person

D = datetime.date
YEAR_2017 = {"start": D(2017, 1, 1), "end": D(2017, 12, 31)}


@dataclass
class World:
    people: dict[str, Person]
    courses: dict[str, Course]
    dong_nai_org: Organization
    category: TraineeCategory
    plan: TrainingPlan


def _held(
    owner: Organization, title: str, start: D, status: str = CourseStatus.COMPLETED, **extra: Any
) -> Course:
    course = make_course(owner, title=title, start=start, days=2, **extra)
    Course.objects.filter(pk=course.pk).update(status=status)
    course.refresh_from_db()
    return course


def _enroll(
    course: Course, person: Person, *, completed: bool = False, withdrawn: bool = False
) -> Enrollment:
    return Enrollment.objects.create(
        course=course,
        person=person,
        completed=completed,
        status=EnrollmentStatus.WITHDRAWN if withdrawn else EnrollmentStatus.ENROLLED,
    )


@pytest.fixture
def world(
    owner_org: Organization,
    outsider_org: Organization,
    province_org: Organization,
    dong_nai: AdminUnit,
) -> World:
    dong_nai_org = OrganizationFactory(name="Ban TG&DV Tỉnh ủy Đồng Nai", territory=dong_nai)
    category = TraineeCategory.objects.order_by("order").first()
    assert category is not None
    people = {
        "p1": make_person(owner_org, "Trần Thị Một", sex="nu", birth_year=1980),
        "p2": make_person(owner_org, "Nguyễn Văn Hai", sex="nam", birth_year=1990),
        "p3": make_person(owner_org, "Lê Văn Ba", sex="nam"),
        "p4": make_person(outsider_org, "Phạm Thị Bốn", sex="nu", birth_year=1960),
        "p5": make_person(dong_nai_org, "Hoàng Văn Năm", sex="nam", birth_year=1975),
        "p6": make_person(owner_org, "Vũ Văn Sáu", sex="nam", birth_year=1970),
    }
    people["p1"].categories.add(category)
    plan = TrainingPlan.objects.create(
        number="01",
        symbol="KH/BDVTU",
        year=2017,
        issuer=province_org,
        issue_date=D(2017, 1, 5),
        title="Kế hoạch bồi dưỡng năm 2017",
        classes_target=5,
    )
    PlanTarget.objects.create(plan=plan, category=None, trainees=100)
    a = _held(owner_org, "Lớp A", D(2017, 5, 10), plan=plan)
    b = _held(outsider_org, "Lớp B", D(2017, 8, 1))
    f = _held(owner_org, "Lớp F", D(2017, 9, 1), trainee_count=50)
    c = _held(dong_nai_org, "Lớp C", D(2025, 10, 1), status=CourseStatus.RUNNING)
    d = make_course(owner_org, title="Lớp D", start=D(2017, 11, 1))
    Course.objects.filter(pk=d.pk).update(status=CourseStatus.CANCELLED, cancel_reason="Bão")
    e = make_course(owner_org, title="Lớp E", start=D(2018, 3, 1))
    _enroll(a, people["p1"], completed=True)
    _enroll(a, people["p2"], completed=True)
    _enroll(a, people["p3"])
    _enroll(a, people["p6"], withdrawn=True)
    _enroll(b, people["p1"])
    _enroll(b, people["p4"], completed=True)
    _enroll(c, people["p1"])
    _enroll(c, people["p5"])
    _enroll(d, people["p2"])
    _enroll(e, people["p3"])
    t1 = make_topic(province_org, "Công tác dân vận trong tình hình mới")
    t2 = make_topic(province_org, "Công tác dân vận chính quyền")
    lecturer = make_lecturer(province_org, "Nguyễn Văn Hùng", "TS")
    session_create(
        actor=None,
        course=a,
        date=D(2017, 5, 10),
        half_day="morning",
        kind="lecture",
        topic=t1,
        lecturers=[lecturer],
    )
    session_create(
        actor=None,
        course=a,
        date=D(2017, 5, 11),
        half_day="morning",
        kind="lecture",
        topic=t1,
        lecturers=[lecturer],
    )
    session_create(
        actor=None,
        course=a,
        date=D(2017, 5, 10),
        half_day="afternoon",
        kind="lecture",
        topic=t2,
        lecturers=[lecturer],
        start_time=datetime.time(13, 30),
        end_time=datetime.time(16, 30),
    )
    return World(
        people=people,
        courses={"A": a, "B": b, "C": c, "D": d, "E": e, "F": f},
        dong_nai_org=dong_nai_org,
        category=category,
        plan=plan,
    )


def test_summary_counts_held_classes_distinct_people_and_completions(
    world: World, admin_user: Any
) -> None:
    result = s.summary(admin_user, s.stats_filter_for(admin_user, **YEAR_2017))
    assert (result.classes, result.trainees, result.person_times, result.completions) == (
        3,
        4,
        5,
        3,
    )
    assert result.reported_only == 50
    assert result.completion_rate == 60.0
    assert len(result.plans) == 1
    plan = result.plans[0]
    assert (plan.classes_target, plan.classes_held, plan.trainees_target) == (5, 1, 100)
    assert plan.trainees_actual == 3
    assert (result.classes_target, result.trainees_target) == (5, 100)


def test_district_user_sees_only_their_district(
    world: World, owner: Any, loc_ninh: AdminUnit
) -> None:
    f = s.stats_filter_for(owner, territory=loc_ninh.pk, **YEAR_2017)
    assert f.territory is None  # the neighbour's district is clamped away
    result = s.summary(owner, f)
    assert (result.classes, result.trainees, result.person_times, result.completions) == (
        2,
        3,
        3,
        2,
    )
    # The province plan is not the district's to read.
    assert result.plans == ()
    years = s.by_year(owner, s.stats_filter_for(owner, start=D(2017, 1, 1), end=D(2025, 12, 31)))
    assert sum(y.person_times for y in years) == 3


def test_outsider_district_sees_its_own(world: World, outsider: Any) -> None:
    result = s.summary(outsider, s.stats_filter_for(outsider, **YEAR_2017))
    assert (result.classes, result.trainees, result.person_times) == (1, 2, 2)


def test_todays_territory_covers_old_units(
    world: World, admin_user: Any, dong_nai: AdminUnit, binh_phuoc: AdminUnit
) -> None:
    f = s.stats_filter_for(admin_user, start=D(2017, 1, 1), end=D(2025, 12, 31), territory=dong_nai)
    result = s.summary(admin_user, f)
    assert (result.classes, result.trainees, result.person_times) == (4, 5, 7)
    # The old province on the old map: only its own classes.
    old = s.summary(
        admin_user,
        s.stats_filter_for(
            admin_user, start=D(2017, 1, 1), end=D(2025, 12, 31), territory=binh_phuoc
        ),
    )
    assert (old.classes, old.person_times) == (3, 5)


def test_unit_breakdown_today_vs_map_of_the_time(
    world: World, admin_user: Any, dong_nai: AdminUnit, binh_phuoc: AdminUnit
) -> None:
    period = {"start": D(2017, 1, 1), "end": D(2025, 12, 31)}
    today = s.breakdown(admin_user, s.stats_filter_for(admin_user, **period), "unit")
    assert [(r.key, r.classes, r.trainees, r.person_times) for r in today] == [
        (dong_nai.pk, 3, 5, 7)
    ]  # F (head count only) has no list, so no person-times of its own
    then = s.breakdown(admin_user, s.stats_filter_for(admin_user, map="then", **period), "unit")
    assert {r.key: (r.classes, r.person_times) for r in then} == {
        binh_phuoc.pk: (2, 5),
        dong_nai.pk: (1, 2),
    }
    assert "cũ" in next(r.label for r in then if r.key == binh_phuoc.pk)


def test_unit_breakdown_for_a_province_lists_its_districts(
    world: World, admin_user: Any, binh_phuoc: AdminUnit, bu_dang: AdminUnit, loc_ninh: AdminUnit
) -> None:
    f = s.stats_filter_for(admin_user, territory=binh_phuoc, map="then", **YEAR_2017)
    rows = s.breakdown(admin_user, f, "unit")
    assert {r.key: (r.classes, r.trainees, r.completions) for r in rows} == {
        bu_dang.pk: (1, 3, 2),
        loc_ninh.pk: (1, 2, 1),
    }


def test_person_breakdowns(world: World, admin_user: Any) -> None:
    f = s.stats_filter_for(admin_user, **YEAR_2017)
    sex = {r.key: (r.trainees, r.person_times) for r in s.breakdown(admin_user, f, "sex")}
    assert sex == {"nu": (2, 3), "nam": (2, 2)}
    ages = {r.key: r.person_times for r in s.breakdown(admin_user, f, "age_band")}
    # p1 37 (twice), p2 27, p3 unknown, p4 57.
    assert ages == {"30-39": 2, "u30": 1, "50-59": 1, None: 1}
    categories = {r.key: r.person_times for r in s.breakdown(admin_user, f, "category")}
    assert categories == {world.category.pk: 2, None: 3}
    levels = s.breakdown(admin_user, f, "level")
    assert sum(r.person_times for r in levels) == 5
    kinds = s.breakdown(admin_user, f, "kind")
    assert [(r.key, r.classes) for r in kinds] == [("training", 2)]
    for by in s.BREAKDOWNS:
        s.breakdown(admin_user, f, by)  # every dimension answers
    with pytest.raises(ValueError):
        s.breakdown(admin_user, f, "colour")


def test_topic_and_lecturer_breakdowns_and_load(world: World, admin_user: Any) -> None:
    f = s.stats_filter_for(admin_user, **YEAR_2017)
    topics = {r.label: (r.classes, r.person_times) for r in s.breakdown(admin_user, f, "topic")}
    assert topics["Công tác dân vận trong tình hình mới"] == (1, 3)
    assert topics["Công tác dân vận chính quyền"] == (1, 3)
    assert topics["(không gắn chuyên đề)"] == (1, 2)  # class B has no programme
    load = s.lecturer_load(admin_user, f)
    assert len(load) == 1
    row = load[0]
    assert (row.sessions, row.hours, row.classes) == (3, 11.0, 1)
    assert row.name == "TS. Nguyễn Văn Hùng"
    assert set(row.topics) == {
        "Công tác dân vận trong tình hình mới",
        "Công tác dân vận chính quyền",
    }


def test_category_filter(world: World, admin_user: Any) -> None:
    f = s.stats_filter_for(admin_user, category=world.category.pk, **YEAR_2017)
    result = s.summary(admin_user, f)
    assert (result.classes, result.trainees, result.person_times, result.completions) == (
        2,
        1,
        2,
        1,
    )


def test_by_year_marks_the_record(world: World, admin_user: Any) -> None:
    rows = s.by_year(
        admin_user, s.stats_filter_for(admin_user, start=D(2017, 1, 1), end=D(2025, 12, 31))
    )
    assert [r.year for r in rows] == list(range(2017, 2026))
    by = {r.year: r for r in rows}
    assert (by[2017].classes, by[2017].trainees, by[2017].person_times) == (3, 4, 5)
    assert by[2018].classes == 0  # the draft does not count
    assert (by[2025].classes, by[2025].trainees) == (1, 2)
    assert [r.year for r in rows if r.is_record] == [2017]


def test_filter_parsing(admin_user: Any, owner: Any, bu_dang: AdminUnit) -> None:
    f = s.stats_filter_for(admin_user, year="2020", map="then", level="district", kind="bogus")
    assert (f.start, f.end, f.map, f.level, f.kind) == (
        D(2020, 1, 1),
        D(2020, 12, 31),
        "then",
        "district",
        "",
    )
    g = s.stats_filter_for(owner, start="31/12/2021", end="2021-01-01", territory=bu_dang)
    assert (g.start, g.end, g.territory) == (D(2021, 1, 1), D(2021, 12, 31), bu_dang)


def test_roster_coverage_and_untrained(
    world: World, owner: Any, outsider: Any, owner_org: Organization, bu_dang: AdminUnit
) -> None:
    roster = Roster.objects.create(
        name="Tổ trưởng tổ dân vận",
        owner=owner_org,
        period_start=D(2017, 1, 1),
        period_end=D(2020, 12, 31),
    )
    for key in ("p1", "p2", "p3"):
        RosterMember.objects.create(roster=roster, person=world.people[key], unit=bu_dang)
    f = s.stats_filter_for(owner, **YEAR_2017)
    rows, total = s.roster_coverage(owner, roster, f)
    assert (total.members, total.enrolled, total.completed) == (3, 3, 2)
    assert [(r.members, r.completed) for r in rows] == [(3, 2)]
    untrained = list(s.roster_untrained(owner, roster, f))
    assert [m.person.full_name for m in untrained] == ["Lê Văn Ba"]
    assert list(s.roster_untrained(owner, roster, f, unit=bu_dang)) == untrained
    # A period in which nobody trained: everyone is untrained.
    later = s.stats_filter_for(owner, year=2019)
    assert s.roster_untrained(owner, roster, later).count() == 3
    with pytest.raises(PermissionDenied):
        s.roster_coverage(outsider, roster, f)


def test_queries_are_bounded(
    world: World, admin_user: Any, django_assert_max_num_queries: Any, monkeypatch: Any
) -> None:
    f = s.stats_filter_for(admin_user, **YEAR_2017)
    aggregates_refresh()
    with django_assert_max_num_queries(8):
        s.summary(admin_user, f)
    with django_assert_max_num_queries(3):
        s.by_year(admin_user, f)
    monkeypatch.setattr(s, "USE_AGGREGATES", False)
    with django_assert_max_num_queries(8):
        s.summary(admin_user, f)
    with django_assert_max_num_queries(3):
        s.by_year(admin_user, f)
    with django_assert_max_num_queries(4):
        s.breakdown(admin_user, f, "unit")
    with django_assert_max_num_queries(5):
        s.lecturer_load(admin_user, f)


def test_lecturer_sees_only_own_classes(world: World, province_org: Organization) -> None:
    user = UserFactory(username="bcv", organization=province_org, roles=[Role.LECTURER])
    result = s.summary(user, s.stats_filter_for(user, **YEAR_2017))
    assert result.classes == 0


# --- pre-aggregates ------------------------------------------------------------------------


def _figures(user: Any, f: s.StatsFilter) -> tuple[Any, ...]:
    summary = s.summary(user, f)
    return (
        summary.classes,
        summary.trainees,
        summary.person_times,
        summary.completions,
        summary.reported_only,
        [(p.plan_id, p.classes_held, p.trainees_actual) for p in summary.plans],
        [(r.year, r.classes, r.trainees, r.person_times, r.completions, r.is_record)
         for r in s.by_year(user, f)],
        {by: s.breakdown(user, f, by) for by in s.BREAKDOWNS},
    )  # fmt: skip


def _live(user: Any, f: s.StatsFilter, monkeypatch: Any) -> tuple[Any, ...]:
    monkeypatch.setattr(s, "USE_AGGREGATES", False)
    try:
        return _figures(user, f)
    finally:
        monkeypatch.setattr(s, "USE_AGGREGATES", True)


def test_aggregates_answer_exactly_what_the_live_count_does(
    world: World, admin_user: Any, dong_nai: AdminUnit, binh_phuoc: AdminUnit, monkeypatch: Any
) -> None:
    assert aggregates_refresh() is not None
    assert aggregates_fresh()
    decade = {"start": D(2017, 1, 1), "end": D(2025, 12, 31)}
    filters = [
        s.stats_filter_for(admin_user, **YEAR_2017),
        s.stats_filter_for(admin_user, **decade),
        s.stats_filter_for(admin_user, territory=dong_nai, **decade),
        s.stats_filter_for(admin_user, territory=binh_phuoc, **decade),
        s.stats_filter_for(admin_user, start=D(2018, 1, 1), end=D(2025, 12, 31)),
    ]
    for f in filters:
        assert s.aggregate_node(admin_user, f) is not None
        assert _figures(admin_user, f) == _live(admin_user, f, monkeypatch)
    # Distinct over several years is not the sum of the years: p1 trained in 2017 and 2025.
    summary = s.summary(admin_user, filters[2])
    assert summary.trainees == 5
    assert sum(r.trainees for r in s.by_year(admin_user, filters[2])) == 6


def test_aggregates_stay_exact_after_every_change(
    world: World, admin_user: Any, monkeypatch: Any
) -> None:
    f = s.stats_filter_for(admin_user, start=D(2017, 1, 1), end=D(2025, 12, 31))
    aggregates_refresh()
    before = _figures(admin_user, f)
    # A trainee completes: the log marks the aggregates stale at once.
    Enrollment.objects.filter(course=world.courses["A"], person=world.people["p3"]).update(
        completed=True
    )
    assert not aggregates_fresh()
    after = _figures(admin_user, f)  # counted live (and a refresh asked for)
    assert after[3] == before[3] + 1
    assert after == _live(admin_user, f, monkeypatch)
    # The refresh the read asked for ran (tasks run at once in tests).
    assert aggregates_fresh()
    assert _figures(admin_user, f) == after
    # A new trainee, a cancelled class, a withdrawal: still equal to the live count.
    _enroll(world.courses["B"], world.people["p5"])
    Course.objects.filter(pk=world.courses["C"].pk).update(
        status=CourseStatus.CANCELLED, cancel_reason="Trùng lịch"
    )
    Enrollment.objects.filter(course=world.courses["A"], person=world.people["p2"]).update(
        status=EnrollmentStatus.WITHDRAWN
    )
    assert not aggregates_fresh()
    live = _live(admin_user, f, monkeypatch)
    assert _figures(admin_user, f) == live
    assert aggregates_fresh()
    assert _figures(admin_user, f) == live
    assert live[0] == before[0] - 1  # class C no longer held
    # A person's sex and categories change: the breakdowns follow at once.
    Person.objects.filter(pk=world.people["p4"].pk).update(sex="nam")
    world.people["p2"].categories.add(world.category)
    assert not aggregates_fresh()
    live = _live(admin_user, f, monkeypatch)
    assert _figures(admin_user, f) == live
    assert aggregates_fresh()
    assert _figures(admin_user, f) == live
    sex = {r.key: r.trainees for r in live[-1]["sex"]}
    assert sex.get("nu", 0) == 1  # p1 only


def test_a_missing_trigger_keeps_the_aggregates_out_of_use(world: World, admin_user: Any) -> None:
    from django.db import connection

    aggregates_refresh()
    assert aggregates_fresh()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER stats_change ON nominations_enrollment")
        else:
            cursor.execute("DROP TRIGGER stats_change_nominations_enrollment_update")
    assert not aggregates_fresh()
    assert aggregates_refresh() is not None  # puts the trigger back
    assert aggregates_fresh()


def test_committee_user_of_a_province_reads_the_aggregates(
    world: World, dong_nai: AdminUnit, monkeypatch: Any
) -> None:
    user = UserFactory(
        username="dongnai", organization=world.dong_nai_org, roles=[Role.COMMITTEE_STAFF]
    )
    f = s.stats_filter_for(user, start=D(2017, 1, 1), end=D(2025, 12, 31))
    aggregates_refresh()
    assert s.aggregate_node(user, f) == dong_nai.pk
    assert _figures(user, f) == _live(user, f, monkeypatch)
    assert s.summary(user, f).classes == 4


def test_todays_province_user_reads_old_units_on_the_map_of_the_time(
    world: World, bu_dang: AdminUnit, loc_ninh: AdminUnit, dong_nai: AdminUnit
) -> None:
    """A user of today's Đồng Nai: on the map of the time the 2017 classes of the old
    Bình Phước count under their old districts; the new province's own class stays
    in Đồng Nai's line (it has no commune-level owner)."""
    manager = UserFactory(organization=world.dong_nai_org, roles=[Role.COMMITTEE_MANAGER])
    period = {"start": D(2017, 1, 1), "end": D(2025, 12, 31)}
    then = s.breakdown(manager, s.stats_filter_for(manager, map="then", **period), "unit")
    assert {r.key: (r.classes, r.person_times) for r in then} == {
        bu_dang.pk: (1, 3),  # Lớp A (Lớp F has a head count only)
        loc_ninh.pk: (1, 2),  # Lớp B
        None: (1, 2),  # Lớp C, owned by the province itself
    }
    assert next(r.label for r in then if r.key is None) == str(dong_nai)
    today = s.breakdown(manager, s.stats_filter_for(manager, **period), "unit")
    assert sum(r.person_times for r in today) == 7
