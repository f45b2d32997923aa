from __future__ import annotations

from typing import Any

import factory
from django.conf import settings

from accounts.models import User, UserRole
from core.text import fold, sort_key
from geo.models import AdminUnit, Level, MapEdition
from orgs.models import Organization, OrganizationKind


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrganizationKind.COMMITTEE
    name = factory.Sequence(lambda n: f"Ban Dân vận số {n}")
    territory = factory.LazyFunction(
        lambda: AdminUnit.objects.filter(edition=MapEdition.CURRENT, level=Level.PROVINCE).first()
    )
    name_folded = factory.LazyAttribute(lambda o: fold(o.name))
    sort_key = factory.LazyAttribute(lambda o: sort_key(o.name))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            UserRole.objects.bulk_create([UserRole(user=self, role=r) for r in extracted])
        self.save()


def trainee_account(person: Any, username: str) -> User:
    """A trainee account (role trainee) linked to `person` through Person.user."""
    from core.roles import Role

    user: User = UserFactory(username=username, organization=person.owner, roles=[Role.TRAINEE])
    person.user = user
    person.save(update_fields=["user"])
    return user
