"""The trainee's own page, by account (`/hoc-vien/`) or personal link
(`/hoc-vien/l/<link>/`), and the staff page that gives a person access.
Thin: the gate is in `trainee.selectors`, the writes in services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.services import assignment_submit_own
from certificates import documents
from core.forms import add_failure
from core.roles import Role
from core.scope import CHANGE, VIEW, get_for_user, may_change, require_role
from people.models import Person
from trainee import selectors, services
from trainee.forms import AccountForm, LinkAccountForm


class _Access:
    """Who is looking: the trainee's person, the link token (or ""), the user."""

    def __init__(self, person: Person | None, link: str, user: Any) -> None:
        self.person = person
        self.link = link
        self.user = user

    def home(self) -> str:
        if self.link:
            return reverse("trainee:link_home", kwargs={"link": self.link})
        return reverse("trainee:home")


def _by_account(request: HttpRequest) -> _Access:
    require_role(request.user, {Role.TRAINEE})
    return _Access(selectors.person_of_user(request.user), "", request.user)


def _by_link(link: str) -> _Access:
    found = selectors.link_for_token(link)
    if found is None:
        raise Http404(_("Đường dẫn cá nhân không đúng, đã bị thu hồi hoặc đã hết hạn."))
    return _Access(found.person, link, None)


def _page(
    request: HttpRequest,
    access: _Access,
    *,
    errors: dict[int, list[str]] | None = None,
    texts: dict[int, str] | None = None,
) -> HttpResponse:
    person = access.person
    enrollments = list(selectors.own_enrollments(person)) if person is not None else []
    cards = [selectors.class_card(e) for e in enrollments]
    for card in cards:
        pk = card.enrollment.pk
        card.errors = (errors or {}).get(pk, [])  # type: ignore[attr-defined]
        typed = (texts or {}).get(pk)
        kept = card.assignment.text if card.assignment is not None else ""
        card.text = kept if typed is None else typed  # type: ignore[attr-defined]
    context = {"person": person, "cards": cards, "link": access.link}
    response = render(request, "trainee/home.html", context, status=400 if errors else 200)
    if access.link:
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
    return response


def _submit(request: HttpRequest, access: _Access, enrollment_pk: int) -> HttpResponse:
    enrollment = selectors.enrollment_for(person=access.person, user=access.user, pk=enrollment_pk)
    if access.person is None or enrollment.person_id != access.person.pk:
        # Staff reached the class through the scope gate: they submit on the class page.
        raise PermissionDenied(_("Chỉ học viên nộp bài của mình ở trang này."))
    text = request.POST.get("text", "")
    upload = request.FILES.get("file")
    try:
        assignment_submit_own(enrollment=enrollment, user=access.user, text=text, file=upload)
    except ValidationError as exc:
        return _page(
            request, access, errors={enrollment.pk: exc.messages}, texts={enrollment.pk: text}
        )
    messages.success(request, _("Đã nộp bài thu hoạch lớp “%(c)s”.") % {"c": enrollment.course})
    return redirect(access.home())


def _material(access: _Access, enrollment_pk: int, material_pk: int) -> FileResponse:
    enrollment = selectors.enrollment_for(person=access.person, user=access.user, pk=enrollment_pk)
    material = selectors.material_for(enrollment, material_pk)
    name = material.file.name.rsplit("/", 1)[-1]
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=name)


def _certificate(
    request: HttpRequest, access: _Access, enrollment_pk: int, certificate_pk: int
) -> HttpResponse:
    enrollment = selectors.enrollment_for(person=access.person, user=access.user, pk=enrollment_pk)
    own = access.person is not None and enrollment.person_id == access.person.pk
    cert = selectors.certificate_for(enrollment, certificate_pk, staff=None if own else access.user)
    pdf = documents.render(enrollment.course, [cert], request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.filename(cert)}"'
    return response


# --- by account -------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _page(request, _by_account(request))


@require_POST
def submit(request: HttpRequest, enrollment_pk: int) -> HttpResponse:
    access = _Access(selectors.person_of_user(request.user), "", request.user)
    return _submit(request, access, enrollment_pk)


@require_GET
def material(request: HttpRequest, enrollment_pk: int, material_pk: int) -> FileResponse:
    access = _Access(selectors.person_of_user(request.user), "", request.user)
    return _material(access, enrollment_pk, material_pk)


@require_GET
def certificate(request: HttpRequest, enrollment_pk: int, certificate_pk: int) -> HttpResponse:
    access = _Access(selectors.person_of_user(request.user), "", request.user)
    return _certificate(request, access, enrollment_pk, certificate_pk)


# --- by personal link (no account) ------------------------------------------------------


@login_not_required
@require_GET
def link_home(request: HttpRequest, link: str) -> HttpResponse:
    return _page(request, _by_link(link))


@login_not_required
@require_POST
def link_submit(request: HttpRequest, link: str, enrollment_pk: int) -> HttpResponse:
    return _submit(request, _by_link(link), enrollment_pk)


@login_not_required
@require_GET
def link_material(
    request: HttpRequest, link: str, enrollment_pk: int, material_pk: int
) -> FileResponse:
    return _material(_by_link(link), enrollment_pk, material_pk)


@login_not_required
@require_GET
def link_certificate(
    request: HttpRequest, link: str, enrollment_pk: int, certificate_pk: int
) -> HttpResponse:
    return _certificate(request, _by_link(link), enrollment_pk, certificate_pk)


# --- staff: give a person access --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def person_access(request: HttpRequest, person_pk: int) -> HttpResponse:
    """The trainee account and personal link of one person, and a preview of the page."""
    person = get_for_user(
        Person.objects.select_related("user", "owner"), request.user, person_pk, VIEW
    )
    form = AccountForm(request.POST if request.POST.get("action") == "account" else None)
    link_form = LinkAccountForm(
        request.POST if request.POST.get("action") == "link_account" else None,
        prefix="existing",
    )
    if request.method == "POST":
        get_for_user(Person.objects, request.user, person_pk, CHANGE)
        action = request.POST.get("action")
        try:
            if action == "account" and form.is_valid():
                user = services.account_create(
                    actor=request.user,
                    person=person,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
                messages.success(request, _("Đã tạo tài khoản học viên %(u)s.") % {"u": user})
                return redirect("trainee:person_access", person_pk=person.pk)
            if action == "link_account" and link_form.is_valid():
                user = services.account_link(
                    actor=request.user,
                    person=person,
                    username=link_form.cleaned_data["username"],
                )
                messages.success(request, _("Đã gắn tài khoản học viên %(u)s.") % {"u": user})
                return redirect("trainee:person_access", person_pk=person.pk)
            if action == "unlink":
                services.account_unlink(actor=request.user, person=person)
                messages.success(request, _("Đã gỡ và khoá tài khoản học viên."))
                return redirect("trainee:person_access", person_pk=person.pk)
            if action == "link":
                services.link_issue(actor=request.user, person=person)
                messages.success(
                    request,
                    _("Đã tạo đường dẫn cá nhân mới; các đường dẫn cũ không còn dùng được."),
                )
                return redirect("trainee:person_access", person_pk=person.pk)
            if action == "revoke":
                count = services.links_revoke(actor=request.user, person=person)
                messages.success(request, _("Đã thu hồi %(n)d đường dẫn.") % {"n": count})
                return redirect("trainee:person_access", person_pk=person.pk)
        except (ValidationError, PermissionDenied) as exc:
            add_failure(link_form if action == "link_account" else form, exc)
        person.refresh_from_db()
    enrollments = list(selectors.own_enrollments(person))
    links = list(selectors.person_links(person, request.user)[:10])
    active = next((link for link in links if link.active), None)
    active_url = (
        request.build_absolute_uri(
            reverse("trainee:link_home", kwargs={"link": selectors.link_token(active)})
        )
        if active is not None
        else ""
    )
    context = {
        "person": person,
        "form": form,
        "link_form": link_form,
        "active_url": active_url,
        "links": links,
        "can_change": may_change(request.user, person),
        "cards": [selectors.class_card(e) for e in enrollments],
    }
    status = 400 if form.errors or link_form.errors else 200
    return render(request, "trainee/person_access.html", context, status=status)
