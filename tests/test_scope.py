from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from core.roles import Role
from core.scope import CHANGE, get_for_user, restrict, territory_allowed, territory_units_q
from geo.models import AdminUnit
from orgs.models import Organization
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_district_sees_own_records_not_the_neighbours(
    owner: Any, owner_org: Any, outsider_org: Any, province_org: Any
) -> None:
    visible = set(restrict(Organization.objects.all(), owner))
    assert owner_org in visible
    assert outsider_org not in visible
    assert province_org not in visible  # the province is above, not inside


def test_province_sees_its_districts(province_org: Any, owner_org: Any, outsider_org: Any) -> None:
    staff = UserFactory(organization=province_org, roles=[Role.COMMITTEE_STAFF])
    visible = set(restrict(Organization.objects.all(), staff))
    assert {province_org, owner_org, outsider_org} <= visible


def test_todays_province_sees_the_old_province_it_absorbed(
    dong_nai: AdminUnit, province_org: Any, owner_org: Any
) -> None:
    successor = OrganizationFactory(name="Ban TG&DV Tỉnh ủy Đồng Nai", territory=dong_nai)
    manager = UserFactory(organization=successor, roles=[Role.COMMITTEE_MANAGER])
    visible = set(restrict(Organization.objects.all(), manager))
    assert {successor, province_org, owner_org} <= visible
    other = OrganizationFactory(
        name="Ban Dân vận Tỉnh ủy Hà Giang",
        territory=AdminUnit.objects.get(level="province", edition="legacy", code="02"),
    )
    assert other not in visible


def test_anonymous_and_inactive_users_see_nothing(owner: Any, owner_org: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not restrict(Organization.objects.all(), AnonymousUser()).exists()
    owner.is_active = False
    assert not restrict(Organization.objects.all(), owner).exists()


def test_user_without_organization_sees_nothing(owner_org: Any) -> None:
    loner = UserFactory(organization=None, roles=[Role.COMMITTEE_STAFF])
    assert not restrict(Organization.objects.all(), loner).exists()


def test_role_without_permission_sees_nothing(owner_org: Any) -> None:
    trainee = UserFactory(organization=owner_org, roles=[Role.TRAINEE])
    assert not restrict(Organization.objects.all(), trainee).exists()


def test_admin_sees_everything(admin_user: Any, owner_org: Any, outsider_org: Any) -> None:
    assert restrict(Organization.objects.all(), admin_user).count() == Organization.objects.count()


def test_get_for_user_404_outside_403_without_change_right(
    owner_org: Any, outsider: Any, member: Any
) -> None:
    with pytest.raises(Http404):
        get_for_user(Organization.objects, outsider, owner_org.pk)
    assert get_for_user(Organization.objects, member, owner_org.pk) == owner_org
    with pytest.raises(PermissionDenied):
        get_for_user(Organization.objects, member, owner_org.pk, CHANGE)
    with pytest.raises(Http404):
        get_for_user(Organization.objects, member, "not-a-number")


def test_users_are_scoped_by_their_organisation(owner: Any, outsider: Any, member: Any) -> None:
    visible = set(restrict(User.objects.all(), owner))
    assert member in visible and owner in visible
    assert outsider not in visible


def test_territory_allowed(owner: Any, bu_dang: AdminUnit, loc_ninh: AdminUnit) -> None:
    assert territory_allowed(owner, bu_dang)
    assert territory_allowed(owner, bu_dang.children.first())
    assert not territory_allowed(owner, loc_ninh)
    assert not territory_allowed(owner, None)


def test_covered_path_is_the_smallest_current_unit_holding_all_successors(
    binh_phuoc: AdminUnit, bu_dang: AdminUnit, dong_nai: AdminUnit
) -> None:
    assert binh_phuoc.covered_path == dong_nai.path
    assert bu_dang.covered_path == dong_nai.path  # its communes went to several new communes
    commune = bu_dang.children.order_by("sort_key").first()
    successors = list(commune.successors.all())
    if len(successors) == 1:
        assert commune.covered_path == successors[0].path
    # A commune of today's Đồng Nai covers an old commune that went wholly into it,
    # but not the old district split among several communes.
    new_commune = successors[0]
    units = AdminUnit.objects.filter(territory_units_q(new_commune, ""))
    assert bu_dang not in units
    assert all(
        u.covered_path.startswith(new_commune.path) or u.path.startswith(new_commune.path)
        for u in units
    )


def _person(owner: Organization, name: str) -> Any:
    from people.identity import person_fill_derived
    from people.models import Person

    family, _, given = name.partition(" ")
    person = Person(family_name=family, given_name=given, owner=owner)
    person_fill_derived(person)
    person.save()
    return person


def test_focal_point_sees_and_changes_only_its_own_units_people(
    owner_org: Any, outsider_org: Any
) -> None:
    from core.scope import may_change
    from people.models import Person

    front = OrganizationFactory(
        name="Ủy ban MTTQ huyện Bù Đăng", kind="fatherland_front", territory=owner_org.territory
    )
    focal = UserFactory(organization=front, roles=[Role.FOCAL_POINT])
    own = _person(front, "Điểu Lan")
    district = _person(owner_org, "Trần Bình")  # same territory, another unit
    foreign = _person(outsider_org, "Lê Cường")
    assert set(restrict(Person.objects.all(), focal)) == {own}
    assert set(restrict(Person.objects.all(), focal, CHANGE)) == {own}
    assert may_change(focal, own)
    assert not may_change(focal, district)
    with pytest.raises(Http404):
        get_for_user(Person.objects.all(), focal, foreign.pk)
    # A committee user of the territory sees every person owned inside it.
    staff = UserFactory(organization=owner_org, roles=[Role.COMMITTEE_STAFF])
    assert set(restrict(Person.objects.all(), staff)) == {own, district}


def test_focal_point_sees_the_classes_its_unit_holds_a_quota_in(
    province_org: Any, owner_org: Any
) -> None:
    from courses.models import Course
    from nominations.models import Quota
    from tests.course_helpers import make_course

    front = OrganizationFactory(
        name="Ủy ban MTTQ huyện Bù Đăng", kind="fatherland_front", territory=owner_org.territory
    )
    focal = UserFactory(organization=front, roles=[Role.FOCAL_POINT])
    province_class = make_course(province_org, title="Lớp tỉnh")
    other_class = make_course(province_org, title="Lớp tỉnh khác")
    Quota.objects.create(course=province_class, unit=front, places=5)
    assert list(restrict(Course.objects.all(), focal)) == [province_class]
    # Reading only: the focal point never changes the class.
    assert list(restrict(Course.objects.all(), focal, CHANGE)) == []
    with pytest.raises(Http404):
        get_for_user(Course.objects.all(), focal, other_class.pk)
    with pytest.raises(PermissionDenied):
        get_for_user(Course.objects.all(), focal, province_class.pk, CHANGE)
