from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from geo.models import AdminUnit
from orgs.models import Organization, OrganizationKind
from orgs.services import organization_create, organization_rename
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_rename_keeps_history(owner: Any, owner_org: Any) -> None:
    organization_rename(
        actor=owner,
        organization=owner_org,
        new_name="Ban Tuyên giáo và Dân vận Huyện ủy Bù Đăng",
        effective=datetime.date(2025, 3, 1),
    )
    owner_org.refresh_from_db()
    assert owner_org.name == "Ban Tuyên giáo và Dân vận Huyện ủy Bù Đăng"
    assert owner_org.name_on(datetime.date(2017, 5, 1)) == "Ban Dân vận Huyện ủy Bù Đăng"
    assert owner_org.name_on(datetime.date(2025, 3, 1)) == owner_org.name
    history = list(owner_org.names.values_list("name", "valid_to"))
    assert history == [("Ban Dân vận Huyện ủy Bù Đăng", datetime.date(2025, 2, 28))]


def test_second_rename_must_come_later(owner: Any, owner_org: Any) -> None:
    organization_rename(
        actor=owner, organization=owner_org, new_name="Tên 2", effective=datetime.date(2025, 3, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        organization_rename(
            actor=owner,
            organization=owner_org,
            new_name="Tên 3",
            effective=datetime.date(2024, 1, 1),
        )
    assert "effective" in excinfo.value.message_dict
    assert owner_org.names.count() == 1


def test_outsider_cannot_rename(outsider: Any, owner_org: Any) -> None:
    with pytest.raises(PermissionDenied):
        organization_rename(
            actor=outsider,
            organization=owner_org,
            new_name="X",
            effective=datetime.date(2025, 3, 1),
        )


def test_create_outside_territory_is_refused(owner: Any, loc_ninh: AdminUnit) -> None:
    with pytest.raises(PermissionDenied):
        organization_create(
            actor=owner, kind=OrganizationKind.POLICE, name="Công an", territory=loc_ninh
        )
    assert not Organization.objects.filter(name="Công an").exists()


def test_list_is_scoped_and_searchable_without_accents(
    owner: Any, owner_org: Any, outsider_org: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(owner)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("orgs:list"), {"q": "bu dang"})
    body = response.content.decode()
    assert owner_org.name in body
    assert outsider_org.name not in body


def test_create_through_the_page(owner: Any, owner_org: Any, bu_dang: AdminUnit) -> None:
    commune = bu_dang.children.order_by("sort_key").first()
    response = client_for(owner).post(
        reverse("orgs:create"),
        {
            "kind": OrganizationKind.PARTY_COMMITTEE,
            "name": "Đảng ủy xã thử",
            "territory": commune.pk,
            "parent": owner_org.pk,
            "valid_from": "01/01/2020",
        },
    )
    created = Organization.objects.get(name="Đảng ủy xã thử")
    assert response.status_code == 302
    assert created.territory == commune and created.valid_from == datetime.date(2020, 1, 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("valid_from", "31/02/2020", "Nhập một ngày hợp lệ"),
        ("territory", "999999999", "ngoài phạm vi"),
        ("name", "", "bắt buộc"),
    ],
)
def test_bad_input_gets_a_message_and_writes_nothing(
    owner: Any, bu_dang: AdminUnit, field: str, value: str, message: str
) -> None:
    data = {"kind": OrganizationKind.POLICE, "name": "Công an xã", "territory": bu_dang.pk}
    data[field] = value
    before = Organization.objects.count()
    response = client_for(owner).post(reverse("orgs:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organization.objects.count() == before


def test_end_before_start_is_refused(owner: Any, bu_dang: AdminUnit) -> None:
    response = client_for(owner).post(
        reverse("orgs:create"),
        {
            "kind": "police",
            "name": "Công an",
            "territory": bu_dang.pk,
            "valid_from": "01/01/2020",
            "valid_to": "01/01/2019",
        },
    )
    assert "phải sau ngày bắt đầu" in response.content.decode()
    assert not Organization.objects.filter(name="Công an").exists()


def test_duplicate_name_is_refused(owner: Any, owner_org: Any) -> None:
    response = client_for(owner).post(
        reverse("orgs:create"),
        {"kind": owner_org.kind, "name": owner_org.name, "territory": owner_org.territory_id},
    )
    assert response.status_code == 200
    assert "Đã có cơ quan cùng tên" in response.content.decode()


def test_member_cannot_edit(member: Any, owner_org: Any) -> None:
    response = client_for(member).post(reverse("orgs:edit", args=[owner_org.pk]), {"name": "X"})
    assert response.status_code == 403
    owner_org.refresh_from_db()
    assert owner_org.name == "Ban Dân vận Huyện ủy Bù Đăng"


def test_edit_and_rename_pages(owner: Any, owner_org: Any) -> None:
    client = client_for(owner)
    assert client.get(reverse("orgs:edit", args=[owner_org.pk])).status_code == 200
    response = client.post(
        reverse("orgs:rename", args=[owner_org.pk]),
        {"new_name": "Ban Tuyên giáo và Dân vận Huyện ủy Bù Đăng", "effective": "01/03/2025"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("orgs:detail", args=[owner_org.pk])).content.decode()
    assert "Ban Dân vận Huyện ủy Bù Đăng" in detail  # the old name, in the history
    assert "28/02/2025" in detail


def test_cannot_be_own_parent(owner: Any, owner_org: Any) -> None:
    response = client_for(owner).post(
        reverse("orgs:edit", args=[owner_org.pk]),
        {
            "kind": owner_org.kind,
            "name": owner_org.name,
            "territory": owner_org.territory_id,
            "parent": owner_org.pk,
        },
    )
    assert response.status_code == 200
    owner_org.refresh_from_db()
    assert owner_org.parent_id != owner_org.pk


def test_district_keeps_its_unseen_province_parent_when_editing(
    owner: Any, owner_org: Any, province_org: Any
) -> None:
    response = client_for(owner).post(
        reverse("orgs:edit", args=[owner_org.pk]),
        {
            "kind": owner_org.kind,
            "name": owner_org.name,
            "short_name": "BDV Bù Đăng",
            "territory": owner_org.territory_id,
            "parent": province_org.pk,
        },
    )
    assert response.status_code == 302
    owner_org.refresh_from_db()
    assert owner_org.short_name == "BDV Bù Đăng" and owner_org.parent == province_org
