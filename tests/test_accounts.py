from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.roles import Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PASSWORD = settings.DEMO_PASSWORD


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_public_and_vietnamese(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_login_and_logout(client: Client, member: Any) -> None:
    response = _login(client, "member", PASSWORD)
    assert response.status_code == 302
    home = client.get(reverse("core:home")).content.decode()
    assert "Xin chào" in home and "Cán bộ Ban" in home
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_wrong_password_gets_a_vietnamese_message(client: Client, member: Any) -> None:
    response = _login(client, "member", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_login_is_throttled_after_repeated_failures(client: Client, member: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "member", "sai-mat-khau")
    response = _login(client, "member", PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    assert "quá nhiều lần" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change(member: Any) -> None:
    client = client_for(member)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Dan-van-kheo-2025",
            "new_password2": "Dan-van-kheo-2025",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Dan-van-kheo-2025")


def test_manager_lists_only_users_of_the_territory(
    owner: Any, member: Any, outsider: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(owner)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:user_list"))
    body = response.content.decode()
    assert "member" in body
    assert "outsider" not in body


def test_staff_cannot_manage_users(member: Any) -> None:
    assert client_for(member).get(reverse("accounts:user_list")).status_code == 403


def _new_user_data(org: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "username": "giaovu1",
        "full_name": "Hoàng Văn Nam",
        "organization": org.pk,
        "roles": [Role.SECRETARY],
        "password1": "Giao-vu-2025!",
        "password2": "Giao-vu-2025!",
    }
    data.update(extra)
    return data


def test_manager_creates_a_user_in_own_organisation(owner: Any, owner_org: Any) -> None:
    response = client_for(owner).post(reverse("accounts:user_create"), _new_user_data(owner_org))
    assert response.status_code == 302
    created = User.objects.get(username="giaovu1")
    assert created.organization == owner_org
    assert created.role_set() == {Role.SECRETARY}


def test_manager_cannot_grant_admin(owner: Any, owner_org: Any) -> None:
    response = client_for(owner).post(
        reverse("accounts:user_create"), _new_user_data(owner_org, roles=[Role.ADMIN])
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="giaovu1").exists()


def test_manager_cannot_create_a_user_in_another_territory(owner: Any, outsider_org: Any) -> None:
    response = client_for(owner).post(reverse("accounts:user_create"), _new_user_data(outsider_org))
    assert response.status_code == 200
    assert not User.objects.filter(username="giaovu1").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"password2": "khac"}, "Hai mật khẩu không khớp"),
        ({"username": "member"}, "đã có người dùng"),
        ({"username": "có dấu cách"}, "chỉ gồm chữ, số"),
        ({"password1": "123", "password2": "123"}, "quá ngắn"),
    ],
)
def test_bad_user_input(
    owner: Any, owner_org: Any, member: Any, extra: dict[str, Any], message: str
) -> None:
    before = User.objects.count()
    response = client_for(owner).post(
        reverse("accounts:user_create"), _new_user_data(owner_org, **extra)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_manager_edits_and_deactivates_a_member(owner: Any, owner_org: Any, member: Any) -> None:
    response = client_for(owner).post(
        reverse("accounts:user_edit", args=[member.pk]),
        {
            "full_name": "Lê Thị Thu",
            "organization": owner_org.pk,
            "roles": [Role.COMMITTEE_STAFF, Role.EDITOR],
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.full_name == "Lê Thị Thu" and not member.is_active
    assert member.role_set() == {Role.COMMITTEE_STAFF, Role.EDITOR}


def test_manager_cannot_lock_themselves_out(owner: Any, owner_org: Any) -> None:
    response = client_for(owner).post(
        reverse("accounts:user_edit", args=[owner.pk]),
        {"full_name": "X", "organization": owner_org.pk, "roles": [Role.COMMITTEE_MANAGER]},
    )
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.is_active


def test_outsider_cannot_edit_a_user_of_another_territory(outsider: Any, member: Any) -> None:
    response = client_for(outsider).post(
        reverse("accounts:user_edit", args=[member.pk]), {"full_name": "Hacked"}
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.full_name != "Hacked"


def test_manager_cannot_lock_an_administrator(owner: Any, owner_org: Any) -> None:
    from tests.factories import UserFactory

    administrator = UserFactory(username="quantri", organization=owner_org, roles=[Role.ADMIN])
    response = client_for(owner).post(
        reverse("accounts:user_edit", args=[administrator.pk]),
        {"full_name": "X", "organization": owner_org.pk, "roles": [Role.ADMIN]},
    )
    assert response.status_code == 200
    administrator.refresh_from_db()
    assert administrator.is_active
