"""Trainee categories: administrators extend the list, everyone with a role reads it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from core.roles import Role
from people.forms import PersonForm
from people.models import TraineeCategory
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_adds_renames_and_retires_a_category(admin_user: Any) -> None:
    client = client_for(admin_user)
    response = client.post(
        reverse("people:category_create"),
        {"name": "  Trưởng  ban công tác Mặt trận khu dân cư ", "order": 130, "is_active": "on"},
    )
    assert response.status_code == 302
    category = TraineeCategory.objects.get(name="Trưởng ban công tác Mặt trận khu dân cư")
    assert category.code == "truong-ban-cong-tac-mat-tran-khu-d"
    assert category.is_active
    response = client.post(
        reverse("people:category_edit", args=[category.pk]), {"name": category.name, "order": 5}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert not category.is_active and category.order == 5
    # A retired category is no longer offered for new people.
    offered = PersonForm(user=admin_user).fields["categories"].queryset
    assert category not in offered
    page = client.get(reverse("people:category_list")).content.decode()
    assert "Trưởng ban công tác Mặt trận khu dân cư" in page and "Ngừng dùng" in page


def test_same_name_without_accents_is_refused(admin_user: Any) -> None:
    before = TraineeCategory.objects.count()
    response = client_for(admin_user).post(
        reverse("people:category_create"), {"name": "BI THU CHI BO", "order": 1}
    )
    assert response.status_code == 200
    assert "Đã có đối tượng “Bí thư chi bộ”." in response.content.decode()
    assert TraineeCategory.objects.count() == before


@pytest.mark.parametrize("role", [Role.COMMITTEE_MANAGER, Role.FOCAL_POINT, Role.TRAINEE])
def test_only_administrators_change_the_list(owner_org: Any, role: str) -> None:
    user = UserFactory(organization=owner_org, roles=[role])
    client = client_for(user)
    category = TraineeCategory.objects.get(code="bi-thu-chi-bo")
    assert client.get(reverse("people:category_list")).status_code == 200
    for url in (
        reverse("people:category_create"),
        reverse("people:category_edit", args=[category.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "Xâm nhập", "order": 1}).status_code == 403
    category.refresh_from_db()
    assert category.name == "Bí thư chi bộ"
    assert not TraineeCategory.objects.filter(name="Xâm nhập").exists()
