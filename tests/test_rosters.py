"""Target rosters: create, add by filter, remove, members, coverage, exports, scope."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.roles import Role
from orgs.models import OrganizationKind
from people import selectors, services
from people.models import Person, Roster, RosterMember
from people.services import RosterData
from tests.conftest import client_for
from tests.course_helpers import make_course
from tests.factories import OrganizationFactory, UserFactory
from tests.test_people_services import category, commune_of, enroll, make_person

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR_2023 = RosterData(
    name="Tổ trưởng tổ dân vận 2023", period_start=D(2023, 1, 1), period_end=D(2023, 12, 31)
)


def make_roster(owner_org: Any, data: RosterData = YEAR_2023) -> Roster:
    return services.roster_create(actor=None, owner=owner_org, data=data)


def test_create_update_and_bad_period(owner: Any, owner_org: Any, outsider_org: Any) -> None:
    roster = services.roster_create(actor=owner, owner=owner_org, data=YEAR_2023)
    assert roster.created_by == owner
    with pytest.raises(ValidationError) as info:
        services.roster_update(
            actor=owner,
            roster=roster,
            data=RosterData(name="X", period_start=D(2024, 1, 1), period_end=D(2023, 1, 1)),
        )
    assert "period_end" in info.value.message_dict
    roster.refresh_from_db()
    assert roster.name == "Tổ trưởng tổ dân vận 2023"
    with pytest.raises(PermissionDenied):
        services.roster_create(actor=owner, owner=outsider_org, data=YEAR_2023)
    assert Roster.objects.count() == 1


def test_add_by_filter_includes_units_below_and_skips_members(
    owner: Any, owner_org: Any, outsider_org: Any, bu_dang: Any, loc_ninh: Any
) -> None:
    from geo.services import village_create

    leader = category("to-truong-to-dan-van")
    village = village_create(
        actor=None, commune=commune_of(bu_dang), unit_type="Thôn", name="Thôn 1"
    )
    in_village = make_person(owner_org, "Điểu Văn Thôn", home_unit=village, categories=[leader])
    in_commune = make_person(
        owner_org, "Điểu Văn Xã", home_unit=commune_of(bu_dang, 1), categories=[leader]
    )
    make_person(owner_org, "Không Phải Tổ Trưởng", home_unit=commune_of(bu_dang, 1))
    make_person(outsider_org, "Người Lộc Ninh", home_unit=commune_of(loc_ninh), categories=[leader])
    roster = make_roster(owner_org)
    people = selectors.roster_candidates(
        user=owner, category_ids=[leader.pk], unit_ids=[bu_dang.pk], organization_ids=[]
    )
    assert set(people) == {in_village, in_commune}
    assert services.roster_add_people(actor=owner, roster=roster, people=people) == 2
    assert services.roster_add_people(actor=owner, roster=roster, people=people) == 0
    # A member is counted under the commune of their village.
    member = RosterMember.objects.get(person=in_village)
    assert member.unit_id == village.parent_id
    assert (
        services.roster_remove_people(actor=owner, roster=roster, person_ids=[in_commune.pk]) == 1
    )
    assert list(roster.members.all()) == [in_village]


def test_outsider_cannot_add(outsider: Any, owner_org: Any) -> None:
    roster = make_roster(owner_org)
    with pytest.raises(PermissionDenied):
        services.roster_add_people(actor=outsider, roster=roster, people=Person.objects.all())


def _coverage_setup(owner_org: Any, bu_dang: Any) -> tuple[Roster, list[Any]]:
    roster = make_roster(owner_org)
    people = [
        make_person(owner_org, f"Người Số {i}", home_unit=commune_of(bu_dang, i % 2))
        for i in range(4)
    ]
    in_period = make_course(owner_org, title="Lớp tháng 5/2023", start=D(2023, 5, 10))
    before = make_course(owner_org, title="Lớp năm 2022", start=D(2022, 5, 10))
    enroll(people[0], in_period, completed=True)
    enroll(people[1], in_period, completed=False)
    enroll(people[2], before, completed=True)  # outside the period: not counted
    services.roster_add_people(
        actor=None, roster=roster, people=Person.objects.filter(pk__in=[p.pk for p in people])
    )
    return roster, people


def test_coverage_counts_per_unit(member: Any, owner_org: Any, bu_dang: Any) -> None:
    roster, people = _coverage_setup(owner_org, bu_dang)
    rows, total = selectors.roster_coverage(roster)
    assert (total.members, total.enrolled, total.completed) == (4, 2, 1)
    assert total.percent == 25.0
    by_name = {r.name: r for r in rows}
    first = by_name[commune_of(bu_dang, 0).name]
    assert (first.members, first.enrolled, first.completed) == (2, 1, 1)
    completions = selectors.member_completions(roster, [p.pk for p in people], user=member)
    assert [c.title for c in completions[people[0].pk]] == ["Lớp tháng 5/2023"]
    assert people[2].pk not in completions


def test_coverage_groups_by_district_for_a_province(
    province_org: Any, bu_dang: Any, loc_ninh: Any
) -> None:
    roster = make_roster(province_org)
    for district in (bu_dang, loc_ninh):
        make_person(province_org, "Người Huyện", home_unit=commune_of(district))
    services.roster_add_people(actor=None, roster=roster, people=Person.objects.all())
    rows, total = selectors.roster_coverage(roster)
    assert {r.name for r in rows} == {bu_dang.name, loc_ninh.name} and total.members == 2


def test_pages_and_query_counts(
    member: Any, owner_org: Any, bu_dang: Any, django_assert_max_num_queries: Any
) -> None:
    roster, _people = _coverage_setup(owner_org, bu_dang)
    for i in range(30):
        extra = make_person(owner_org, f"Thêm Số {i}", home_unit=commune_of(bu_dang, i % 3))
        RosterMember.objects.create(roster=roster, person=extra, unit=extra.home_unit)
    client = client_for(member)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("people:roster_list"))
    assert roster.name in response.content.decode()
    with django_assert_max_num_queries(15):
        response = client.get(reverse("people:roster_detail", args=[roster.pk]))
    assert len(response.context["page"]) == 34
    body = client.get(
        reverse("people:roster_detail", args=[roster.pk]), {"q": "nguoi so 3"}
    ).content.decode()
    assert "Người Số 3" in body and "Người Số 2" not in body
    with django_assert_max_num_queries(20):
        response = client.get(reverse("people:roster_coverage", args=[roster.pk]))
    body = response.content.decode()
    assert "Lớp tháng 5/2023" in body and commune_of(bu_dang, 0).name in body
    response = client.get(reverse("people:roster_coverage_xlsx", args=[roster.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[-1][:4] == ("Tổng cộng", 34, 2, 1)
    response = client.get(reverse("people:roster_members_xlsx", args=[roster.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 35 and any(r[7] == "Lớp tháng 5/2023" for r in rows)


def test_create_add_remove_through_pages(member: Any, owner_org: Any, bu_dang: Any) -> None:
    leader = category("to-truong-to-dan-van")
    for i in range(3):
        make_person(owner_org, f"Tổ Trưởng {i}", home_unit=commune_of(bu_dang), categories=[leader])
    client = client_for(member)
    response = client.post(
        reverse("people:roster_create"),
        {
            "name": "Tổ trưởng 2024",
            "owner": owner_org.pk,
            "period_start": "01/01/2024",
            "period_end": "31/12/2024",
        },
    )
    roster = Roster.objects.get()
    assert response.status_code == 302
    add = reverse("people:roster_add", args=[roster.pk])
    response = client.get(add, {"preview": "1", "categories": [leader.pk], "units": [bu_dang.pk]})
    assert response.context["preview"] == {"matching": 3, "new": 3}
    assert not roster.memberships.exists()
    response = client.post(add, {"categories": [leader.pk]})
    assert response.status_code == 302 and roster.memberships.count() == 3
    response = client.post(add, {})  # no criterion: refused, nothing added
    assert response.status_code == 200 and roster.memberships.count() == 3
    first = roster.memberships.first()
    assert first is not None
    client.post(
        reverse("people:roster_remove", args=[roster.pk]), {"person": [first.person_id, "x"]}
    )
    assert roster.memberships.count() == 2
    response = client.post(
        reverse("people:roster_edit", args=[roster.pk]),
        {"name": "Đổi tên", "period_start": "01/01/2025", "period_end": "31/12/2024"},
    )
    assert response.status_code == 200
    roster.refresh_from_db()
    assert roster.name == "Tổ trưởng 2024"


def test_scope_of_roster_pages(outsider: Any, owner_org: Any, bu_dang: Any) -> None:
    roster = make_roster(owner_org)
    make_person(owner_org, "Người Bí Mật")
    services.roster_add_people(actor=None, roster=roster, people=Person.objects.all())
    client = client_for(outsider)
    for name in (
        "roster_detail",
        "roster_edit",
        "roster_add",
        "roster_coverage",
        "roster_coverage_xlsx",
        "roster_members_xlsx",
    ):
        assert client.get(reverse(f"people:{name}", args=[roster.pk])).status_code == 404
    assert client.post(reverse("people:roster_remove", args=[roster.pk])).status_code == 404
    assert roster.name not in client.get(reverse("people:roster_list")).content.decode()
    front = OrganizationFactory(
        name="MTTQ huyện", kind=OrganizationKind.FATHERLAND_FRONT, territory=bu_dang
    )
    for role, org in ((Role.TRAINEE, owner_org), (Role.FOCAL_POINT, front)):
        other = client_for(UserFactory(organization=org, roles=[role]))
        assert other.get(reverse("people:roster_list")).status_code == 403
        assert other.get(reverse("people:roster_detail", args=[roster.pk])).status_code == 404


def test_coverage_keeps_the_titles_of_other_units_classes_to_them(
    member: Any, owner_org: Any, outsider_org: Any, bu_dang: Any
) -> None:
    roster = make_roster(owner_org)
    person = make_person(owner_org, "Người Học Nơi Khác", home_unit=commune_of(bu_dang))
    ours = make_course(owner_org, title="Lớp tháng 5/2023", start=D(2023, 5, 10))
    theirs = make_course(outsider_org, title="Lớp kín của Lộc Ninh", start=D(2023, 6, 10))
    enroll(person, ours, completed=True)
    enroll(person, theirs, completed=True)
    services.roster_add_people(actor=None, roster=roster, people=Person.objects.all())
    completions = selectors.member_completions(roster, [person.pk], user=member)
    assert completions[person.pk] == [ours, None]
    client = client_for(member)
    body = client.get(reverse("people:roster_coverage", args=[roster.pk])).content.decode()
    assert "Lớp tháng 5/2023" in body and ours.get_absolute_url() in body
    assert "Lớp kín của Lộc Ninh" not in body and theirs.get_absolute_url() not in body
    assert "lớp của đơn vị khác" in body
    _rows, total = selectors.roster_coverage(roster)
    assert (total.members, total.completed) == (1, 1)  # the count keeps every class
    response = client.get(reverse("people:roster_members_xlsx", args=[roster.pk]))
    sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sheet[1][7] == "Lớp tháng 5/2023; lớp của đơn vị khác"
