"""The top bar: each role sees its entries; groups of two or more become dropdowns."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from core.roles import Role
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _bar(user: Any) -> list[dict[str, Any]]:
    response = client_for(user).get(reverse("core:home"))
    assert response.status_code == 200
    bar: list[dict[str, Any]] = response.context["menu_bar"]
    return bar


def test_committee_sees_people_pages_in_one_dropdown(owner: Any) -> None:
    bar = _bar(owner)
    groups = {str(entry["short"]): entry for entry in bar if "children" in entry}
    people = [str(sub["label"]) for sub in groups["Học viên"]["children"]]
    assert people == ["Hồ sơ học viên", "Danh sách cần bồi dưỡng", "Nhập dữ liệu từ tệp"]
    assert "Chuyên đề" in [str(sub["label"]) for sub in groups["Danh mục"]["children"]]
    # Plain entries have no children and a real address.
    assert all(entry["url"] for entry in bar if "children" not in entry)


def test_focal_point_bar_is_short_and_flat_where_a_group_has_one_entry(owner_org: Any) -> None:
    focal = UserFactory(organization=owner_org, roles=[Role.FOCAL_POINT])
    bar = _bar(focal)
    labels = [str(entry["short"]) for entry in bar]
    assert "Cử học viên" in labels
    assert "Kế hoạch" not in labels and "Lớp" not in labels
    people = next(entry for entry in bar if str(entry["short"]) == "Học viên")
    assert [str(sub["label"]) for sub in people["children"]] == [
        "Hồ sơ học viên",
        "Nhập dữ liệu từ tệp",
    ]


def test_the_active_page_marks_its_dropdown(owner: Any) -> None:
    response = client_for(owner).get(reverse("people:person_list"))
    people = next(e for e in response.context["menu_bar"] if str(e["short"]) == "Học viên")
    assert people["active"]
    assert 'aria-current="page" href="/people/"' in response.content.decode()


def test_class_page_links_to_running_the_class_by_role(owner: Any, owner_org: Any) -> None:
    from tests.course_helpers import make_course

    course = make_course(owner_org, title="Lớp chạy thử")
    page = client_for(owner).get(course.get_absolute_url()).content.decode()
    for name in ("attendance:grid", "assessment:upload", "assessment:grading",
                 "assessment:results", "certificates:register"):  # fmt: skip
        assert reverse(name, args=[course.pk]) in page
    secretary = UserFactory(organization=owner_org, roles=[Role.SECRETARY])
    page = client_for(secretary).get(course.get_absolute_url()).content.decode()
    assert reverse("attendance:grid", args=[course.pk]) in page
    assert reverse("certificates:register", args=[course.pk]) not in page


def test_an_administrator_is_not_offered_a_trainee_or_focal_point_page(admin_user: Any) -> None:
    labels = [str(entry["short"]) for entry in _bar(admin_user)]
    assert "Thống kê" in labels and "Tài khoản" in labels
    assert "Lớp của tôi" not in labels and "Cử học viên" not in labels
