from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class UserBackend(ModelBackend):
    """ModelBackend that loads the user's organisation and territory with the user.

    Every page asks the scope gate for the user's territory; fetching it with the
    user saves two queries per request.
    """

    def get_user(self, user_id: Any) -> User | None:
        user = (
            User.objects.select_related("organization", "organization__territory")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
