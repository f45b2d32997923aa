"""Writes of the trainee page's access: the trainee account of a person and the
personal links. Staff act here; the trainee's own writes (the assignment, the
survey) go through the services of `assessment` and `feedback`."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_create
from core.roles import Role
from core.scope import CHANGE, require_change, restrict
from people.models import Person
from trainee.models import PersonalLink
from trainee.selectors import link_token

# A personal link works for this long (a class and the months after it, until the
# certificate is collected); staff can revoke it sooner or issue a new one.
LINK_DAYS = 180


@transaction.atomic
def link_issue(*, actor: Any, person: Person, days: int = LINK_DAYS) -> tuple[PersonalLink, str]:
    """A new personal link for `person`; every older link of the person stops working."""
    require_change(actor, person)
    if not 1 <= days <= 730:
        raise ValidationError({"days": _("Thời hạn đường dẫn phải từ 1 đến 730 ngày.")})
    now = timezone.now()
    PersonalLink.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=now)
    link = PersonalLink(
        person=person,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
        created_by=actor,
    )
    link.full_clean()
    link.save()
    return link, link_token(link)


@transaction.atomic
def links_revoke(*, actor: Any, person: Person) -> int:
    """Stop every personal link of `person`; the number revoked."""
    require_change(actor, person)
    return PersonalLink.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def account_create(*, actor: Any, person: Person, username: str, password: str) -> User:
    """A trainee account for `person` (role trainee only), linked to the person."""
    require_change(actor, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise ValidationError(_("%(n)s đã có tài khoản học viên.") % {"n": person})
    user = user_create(
        actor=actor,
        username=username,
        password=password,
        organization=person.owner,
        roles=[Role.TRAINEE],
        full_name=person.full_name,
        email=person.email,
    )
    person.user = user
    person.save(update_fields=["user"])
    return user


@transaction.atomic
def account_link(*, actor: Any, person: Person, username: str) -> User:
    """Link an existing trainee account (role trainee only) that the actor manages."""
    require_change(actor, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise ValidationError(_("%(n)s đã có tài khoản học viên.") % {"n": person})
    accounts = User.objects.filter(username__iexact=username.strip())
    user = (restrict(accounts, actor, CHANGE) if actor is not None else accounts).first()
    if user is None:
        raise ValidationError(
            {"username": _("Không có tài khoản “%(u)s” trong phạm vi quản lý.") % {"u": username}}
        )
    if user.role_set() != {Role.TRAINEE}:
        raise ValidationError(
            {"username": _("Tài khoản “%(u)s” không phải tài khoản học viên.") % {"u": username}}
        )
    if Person.objects.filter(user=user).exists():
        raise ValidationError(
            {"username": _("Tài khoản “%(u)s” đã gắn với hồ sơ khác.") % {"u": username}}
        )
    person.user = user
    person.save(update_fields=["user"])
    return user


@transaction.atomic
def account_unlink(*, actor: Any, person: Person) -> None:
    """Detach the trainee account from the person and lock it (it opens nothing else)."""
    require_change(actor, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    user = person.user
    if user is None:
        return
    person.user = None
    person.save(update_fields=["user"])
    if user.role_set() <= {Role.TRAINEE}:
        user.is_active = False
        user.save(update_fields=["is_active"])
