"""Pages of the person registry: list, export, detail, create/edit, duplicates, merge."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.roles import Role
from nominations.models import Enrollment
from orgs.models import OrganizationKind
from people.models import ChangeAction, Person
from tests.conftest import client_for
from tests.course_helpers import make_course
from tests.factories import OrganizationFactory, UserFactory
from tests.test_people_services import CCCD_MAN_1985, category, commune_of, enroll, make_person

pytestmark = pytest.mark.django_db


def _form(owner_org: Any, full_name: str, **extra: Any) -> dict[str, Any]:
    return {"full_name": full_name, "owner": owner_org.pk, "theory_level": ""} | extra


def test_list_search_filters_and_scope(
    member: Any, owner_org: Any, outsider_org: Any, bu_dang: Any
) -> None:
    leader = category("to-truong-to-dan-van")
    make_person(owner_org, "Nguyễn Thị Hoà", sex="nu", categories=[leader])
    make_person(owner_org, "Lê Văn Bảy", phone="0912345678", is_party_member=True)
    make_person(outsider_org, "Trần Văn Lộc")
    client = client_for(member)
    url = reverse("people:person_list")
    body = client.get(url, {"q": "hoa"}).content.decode()
    assert "Nguyễn Thị Hoà" in body and "Lê Văn Bảy" not in body
    body = client.get(url, {"q": "0912 345"}).content.decode()
    assert "Lê Văn Bảy" in body and "Nguyễn Thị Hoà" not in body
    body = client.get(url, {"category": leader.pk}).content.decode()
    assert "Nguyễn Thị Hoà" in body and "Lê Văn Bảy" not in body
    body = client.get(url, {"sex": "nu"}).content.decode()
    assert "Nguyễn Thị Hoà" in body and "Lê Văn Bảy" not in body
    body = client.get(url, {"party": "yes"}).content.decode()
    assert "Lê Văn Bảy" in body and "Nguyễn Thị Hoà" not in body
    # The neighbouring district's people never show; bad parameters are ignored.
    body = client.get(url, {"unit": "x", "category": "abc"}).content.decode()
    assert "Trần Văn Lộc" not in body and "Lê Văn Bảy" in body


def test_list_filters_by_unit_and_employer(member: Any, owner_org: Any, bu_dang: Any) -> None:
    school = OrganizationFactory(
        name="Trung tâm Chính trị huyện", kind=OrganizationKind.POLITICAL_SCHOOL, territory=bu_dang
    )
    make_person(owner_org, "Điểu Văn Một", home_unit=commune_of(bu_dang, 0))
    make_person(owner_org, "Điểu Văn Hai", home_unit=commune_of(bu_dang, 1), organization=school)
    client = client_for(member)
    url = reverse("people:person_list")
    body = client.get(url, {"unit": commune_of(bu_dang, 0).pk}).content.decode()
    assert "Điểu Văn Một" in body and "Điểu Văn Hai" not in body
    body = client.get(url, {"unit": bu_dang.pk}).content.decode()
    assert "Điểu Văn Một" in body and "Điểu Văn Hai" in body
    body = client.get(url, {"organization": school.pk}).content.decode()
    assert "Điểu Văn Hai" in body and "Điểu Văn Một" not in body


def test_list_query_count_is_constant(
    member: Any, owner_org: Any, bu_dang: Any, django_assert_max_num_queries: Any
) -> None:
    leader = category("to-truong-to-dan-van")
    commune = commune_of(bu_dang)
    for i in range(40):
        make_person(owner_org, f"Nguyễn Văn Số{i}", home_unit=commune, categories=[leader])
    client = client_for(member)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("people:person_list"))
    assert len(response.context["page"]) == 40


def test_roles_and_outsider(
    owner_org: Any, outsider: Any, member: Any, django_assert_max_num_queries: Any
) -> None:
    person = make_person(owner_org, "Nguyễn Văn Kín")
    other = make_person(owner_org, "Nguyễn Văn Khác")
    outsider_client = client_for(outsider)
    for name, args in [
        ("people:person_detail", [person.pk]),
        ("people:person_edit", [person.pk]),
        ("people:person_merge", [person.pk, other.pk]),
    ]:
        assert outsider_client.get(reverse(name, args=args)).status_code == 404
    for name in ("people:person_list", "people:duplicate_list", "people:person_export"):
        response = outsider_client.get(reverse(name))
        assert response.status_code == 200 and "Nguyễn Văn Kín".encode() not in response.content
    assert outsider_client.post(reverse("people:person_edit", args=[person.pk])).status_code == 404
    for role in (Role.TRAINEE, Role.LECTURER):
        client = client_for(UserFactory(organization=owner_org, roles=[role]))
        assert client.get(reverse("people:person_list")).status_code == 403
        assert client.get(reverse("people:person_create")).status_code == 403
        assert client.get(reverse("people:person_detail", args=[person.pk])).status_code == 404


def test_focal_point_sees_only_own_units_people(owner_org: Any, bu_dang: Any) -> None:
    front = OrganizationFactory(
        name="Ủy ban MTTQ xã Đăk Nhau",
        kind=OrganizationKind.FATHERLAND_FRONT,
        territory=commune_of(bu_dang),
    )
    focal = UserFactory(organization=front, roles=[Role.FOCAL_POINT])
    own = make_person(front, "Điểu Thị Riêng")
    committee_only = make_person(owner_org, "Nguyễn Văn Ban")
    client = client_for(focal)
    body = client.get(reverse("people:person_list")).content.decode()
    assert "Điểu Thị Riêng" in body and "Nguyễn Văn Ban" not in body
    assert client.get(reverse("people:person_detail", args=[own.pk])).status_code == 200
    response = client.get(reverse("people:person_detail", args=[committee_only.pk]))
    assert response.status_code == 404
    response = client.post(
        reverse("people:person_create"), _form(front, "Điểu Văn Mới", confirm_new="on")
    )
    assert response.status_code == 302
    assert Person.objects.get(full_name="Điểu Văn Mới").owner == front
    # The focal point cannot make the committee the owner.
    response = client.post(reverse("people:person_create"), _form(owner_org, "Điểu Văn Khác"))
    assert response.status_code == 200 and not Person.objects.filter(given_name="Khác").exists()


def test_create_then_edit_with_history(member: Any, owner_org: Any, bu_dang: Any) -> None:
    commune = commune_of(bu_dang)
    leader = category("to-truong-to-dan-van")
    client = client_for(member)
    response = client.post(
        reverse("people:person_create"),
        _form(
            owner_org,
            "Nguyễn Văn An",
            sex="nam",
            birth_date="02/03/1985",
            citizen_id="070085001234",
            phone="0912.345.678",
            home_unit=commune.pk,
            categories=[leader.pk],
            ethnicity="01",
        ),
    )
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert person.birth_date is not None and person.birth_date.day == 2
    edit = reverse("people:person_edit", args=[person.pk])
    page = client.get(edit).content.decode()
    assert 'value="Nguyễn Văn An"' in page and 'value="02/03/1985"' in page
    response = client.post(
        edit,
        _form(
            owner_org,
            "Nguyễn Văn An",
            sex="nam",
            birth_date="02/03/1985",
            citizen_id="070085001234",
            phone="0912345678",
            home_unit=commune.pk,
            position="Trưởng ấp",
        ),
    )
    assert response.status_code == 302
    body = client.get(person.get_absolute_url()).content.decode()
    assert "Trưởng ấp" in body and "070085001234" in body
    assert "Sửa" in body and "Tạo mới" in body and leader.name in body  # the history


def test_create_bad_input_shows_messages_and_saves_nothing(member: Any, owner_org: Any) -> None:
    client = client_for(member)
    response = client.post(
        reverse("people:person_create"),
        _form(owner_org, "An", birth_date="31/02/1985", citizen_id="123", phone="12"),
    )
    assert response.status_code == 200 and not Person.objects.exists()
    errors = response.context["form"].errors
    assert "birth_date" in errors
    response = client.post(
        reverse("people:person_create"),
        _form(owner_org, "Nguyễn Văn An", citizen_id="123", phone="12", birth_year="1985"),
    )
    errors = response.context["form"].errors
    assert "citizen_id" in errors and "phone" in errors and not Person.objects.exists()
    assert "12 chữ số" in response.content.decode()


def test_create_warns_of_likely_duplicates(member: Any, owner_org: Any, bu_dang: Any) -> None:
    commune = commune_of(bu_dang)
    existing = make_person(owner_org, "Nguyễn Văn An", birth_year=1985, home_unit=commune)
    client = client_for(member)
    data = _form(owner_org, "Nguyen Van An", birth_date="02/03/1985", home_unit=commune.pk)
    data["full_name"] = "Nguyễn Văn  An"
    response = client.post(reverse("people:person_create"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Vẫn tạo hồ sơ mới" in body
    assert existing.get_absolute_url() in body and Person.objects.count() == 1
    response = client.post(reverse("people:person_create"), data | {"confirm_new": "on"})
    assert response.status_code == 302 and Person.objects.count() == 2


def test_same_citizen_id_is_refused_with_a_clear_message(member: Any, owner_org: Any) -> None:
    make_person(owner_org, "Trần Văn Bình", citizen_id=CCCD_MAN_1985)
    client = client_for(member)
    response = client.post(
        reverse("people:person_create"),
        _form(owner_org, "Trần Văn Khác", citizen_id=CCCD_MAN_1985, confirm_new="on"),
    )
    assert response.status_code == 200 and Person.objects.count() == 1
    assert "Trần Văn Bình" in response.context["form"].errors["citizen_id"][0]


def test_export_xlsx_neutralises_formulas(member: Any, owner_org: Any) -> None:
    make_person(owner_org, "Nguyễn Văn An", position="=HYPERLINK(1)")
    response = client_for(member).get(reverse("people:person_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên" and rows[1][0] == "Nguyễn Văn An"
    cell = sheet.cell(row=2, column=8)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_detail_lists_classes_rosters_and_history(
    member: Any, owner_org: Any, django_assert_max_num_queries: Any
) -> None:
    person = make_person(owner_org, "Nguyễn Văn An")
    for i in range(5):
        enroll(person, make_course(owner_org, title=f"Lớp số {i}"), completed=i == 0)
    client = client_for(member)
    with django_assert_max_num_queries(25):
        body = client.get(person.get_absolute_url()).content.decode()
    assert "Lớp số 4" in body and "hoàn thành" in body


def test_duplicates_page_and_merge(member: Any, owner_org: Any, bu_dang: Any) -> None:
    commune = commune_of(bu_dang)
    keep = make_person(owner_org, "Nguyễn Văn An", birth_year=1985, home_unit=commune)
    drop = make_person(
        owner_org, "Nguyễn Văn An", birth_year=1985, home_unit=commune, phone="0912345678"
    )
    course = make_course(owner_org, title="Lớp Dân vận khéo")
    enroll(drop, course)
    client = client_for(member)
    body = client.get(reverse("people:duplicate_list")).content.decode()
    merge_url = reverse("people:person_merge", args=[keep.pk, drop.pk])
    assert merge_url in body
    page = client.get(merge_url).content.decode()
    assert "0912345678" in page and "1 lớp" in page
    response = client.post(merge_url, {"f_phone": "drop"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=drop.pk).exists()
    keep.refresh_from_db()
    assert keep.phone == "0912345678"
    assert Enrollment.objects.get().person == keep
    assert keep.changes.filter(action=ChangeAction.MERGE).exists()
    body = client.get(keep.get_absolute_url()).content.decode()
    assert "Gộp hồ sơ trùng" in body and "Lớp Dân vận khéo" in body


def test_merge_refusal_is_shown(member: Any, owner_org: Any) -> None:
    keep = make_person(owner_org, "Nguyễn Văn An")
    drop = make_person(owner_org, "Nguyễn Văn An")
    course = make_course(owner_org, title="Lớp chung của hai hồ sơ")
    enroll(keep, course)
    enroll(drop, course)
    response = client_for(member).post(reverse("people:person_merge", args=[keep.pk, drop.pk]))
    assert response.status_code == 400
    assert "Lớp chung của hai hồ sơ" in response.content.decode()
    assert Person.objects.count() == 2


def test_unit_options_offers_villages_in_scope(member: Any, bu_dang: Any, loc_ninh: Any) -> None:
    from geo.services import village_create

    village = village_create(
        actor=None, commune=commune_of(bu_dang), unit_type="Thôn", name="Thôn Sơn Hòa"
    )
    village_create(actor=None, commune=commune_of(loc_ninh), unit_type="Thôn", name="Thôn Sơn Hà")
    body = client_for(member).get(reverse("people:unit_options"), {"q": "thon son"}).content
    assert f'value="{village.pk}"'.encode() in body and "Sơn Hà".encode() not in body


def test_merge_page_counts_only_what_the_user_may_see(
    member: Any, owner_org: Any, outsider_org: Any
) -> None:
    from nominations.models import Nomination

    keep = make_person(owner_org, "Nguyễn Văn An")
    drop = make_person(owner_org, "Nguyễn Văn An")
    enroll(drop, make_course(owner_org, title="Lớp của huyện"))
    theirs = make_course(outsider_org, title="Lớp của huyện bạn")
    enroll(drop, theirs)
    Nomination.objects.create(course=theirs, person=drop, unit=outsider_org)
    page = client_for(member).get(reverse("people:person_merge", args=[keep.pk, drop.pk]))
    body = page.content.decode()
    assert "1 lớp, 0 đề cử, 0 danh sách" in body
    assert "2 lớp" not in body and "Lớp của huyện bạn" not in body


def _english(monkeypatch: Any, entries: dict[str, str]) -> Any:
    """A client reading English, with `entries` in the English catalogue: a
    string that goes through gettext shows its translation."""
    from django.conf import settings
    from django.utils.translation import trans_real

    catalog = trans_real.translation("en")._catalog
    for msgid, text in entries.items():
        monkeypatch.setitem(catalog._catalogs[0], msgid, text)
    return settings.LANGUAGE_COOKIE_NAME


def test_citizen_id_and_party_badges_are_translated(
    monkeypatch: Any, member: Any, owner_org: Any, bu_dang: Any
) -> None:
    cookie = _english(monkeypatch, {"CCCD": "ID no.", "ĐV": "Party"})
    commune = commune_of(bu_dang)
    for citizen_id in (CCCD_MAN_1985, ""):
        make_person(
            owner_org,
            "Nguyễn Văn An",
            birth_year=1985,
            home_unit=commune,
            citizen_id=citizen_id,
            sex="nam",
            is_party_member=True,
        )
    client = client_for(member)
    client.cookies[cookie] = "en"
    body = client.get(reverse("people:duplicate_list")).content.decode()
    assert f"ID no. {CCCD_MAN_1985}" in body and f"CCCD {CCCD_MAN_1985}" not in body
    body = client.get(reverse("people:person_list")).content.decode()
    assert ">Party</span>" in body and ">ĐV</span>" not in body
