from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import User
from core.scope import VIEW, restrict


def user_list(*, actor: Any, query: str = "") -> QuerySet[User]:
    users = restrict(User.objects.all(), actor, VIEW).select_related("organization")
    for word in query.split()[:10]:
        users = users.filter(
            Q(username__icontains=word) | Q(full_name__icontains=word) | Q(email__icontains=word)
        )
    return users.prefetch_related("roles").order_by("username")
