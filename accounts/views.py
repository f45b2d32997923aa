"""Sign-in and account management within the manager's territory."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors, services
from accounts.forms import LoginForm, UserCreateForm, UserEditForm, UserFilterForm
from accounts.models import User
from core.forms import add_service_errors
from core.pagination import paginate
from core.roles import MANAGERS
from core.scope import CHANGE, get_for_user, require_role


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return super().form_valid(form)


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, MANAGERS)
    form = UserFilterForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = paginate(request, selectors.user_list(actor=request.user, query=query))
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, MANAGERS)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                organization=data["organization"],
                roles=data["roles"],
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": user.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_pk: int) -> HttpResponse:
    account = get_for_user(
        User.objects.select_related("organization"), request.user, user_pk, CHANGE
    )
    initial = {
        "full_name": account.full_name,
        "email": account.email,
        "position": account.position,
        "organization": account.organization_id,
        "roles": list(account.roles.values_list("role", flat=True)),
        "is_active": account.is_active,
    }
    form = UserEditForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=account,
                organization=data["organization"],
                roles=data["roles"],
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu tài khoản %(name)s.") % {"name": account.username})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "account": account})
