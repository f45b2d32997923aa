from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.roles import Role
from core.scope import roles_of


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    roles = sorted(roles_of(request.user))
    if roles == [Role.TRAINEE]:  # a trainee's home is their own page
        from trainee.views import home as trainee_home  # the app sits above core

        return trainee_home(request)
    context = {"role_labels": [Role(r).label for r in roles if r in Role.values]}
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
