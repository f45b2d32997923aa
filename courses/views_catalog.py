"""The topic catalogue and the lecturer registry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_failure
from core.pagination import paginate
from core.roles import COMMITTEE, COURSE_READERS, Role
from core.scope import CHANGE, get_for_user, has_role, may_change, require_role, restrict
from core.uploads import check_document
from courses import selectors, services
from courses.forms import LecturerForm, MaterialForm, TopicForm
from courses.models import Session, Topic, TopicMaterial
from people.models import Lecturer

CATALOG_READERS = COMMITTEE | {Role.SECRETARY, Role.LECTURER}


@require_GET
def topic_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, CATALOG_READERS)
    query = request.GET.get("q", "")[:100]
    context = {
        "page": paginate(request, selectors.topic_list(user=request.user, query=query)),
        "query": query,
        "can_create": has_role(request.user, COMMITTEE),
    }
    return render(request, "courses/topic_list.html", context)


@require_GET
def topic_detail(request: HttpRequest, topic_pk: int) -> HttpResponse:
    topic = get_for_user(Topic.objects.select_related("owner"), request.user, topic_pk)
    can_change = may_change(request.user, topic)
    context = {
        "topic": topic,
        "materials": topic.materials.all(),
        "lecturers": topic.lecturers.select_related("person"),
        "can_change": can_change,
        "material_form": MaterialForm() if can_change else None,
    }
    return render(request, "courses/topic_detail.html", context)


@require_http_methods(["GET", "POST"])
def topic_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    initial = {"owner": getattr(request.user, "organization_id", None)}
    form = TopicForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã thêm chuyên đề."))
            return redirect(topic)
    context = {
        "form": form,
        "title": _("Thêm chuyên đề"),
        "submit": _("Lưu"),
        "cancel_url": reverse("courses:topic_list"),
    }
    return render(request, "courses/simple_form.html", context)


@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, topic_pk: int) -> HttpResponse:
    topic = get_for_user(Topic.objects, request.user, topic_pk, CHANGE)
    initial = {
        "owner": topic.owner_id,
        "title": topic.title,
        "summary": topic.summary,
        "tags": topic.tags,
    }
    form = TopicForm(request.POST or None, initial=initial, user=request.user)
    form.fields["owner"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.topic_update(
                actor=request.user,
                topic=topic,
                title=data["title"],
                summary=data["summary"],
                tags=data["tags"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã lưu chuyên đề."))
            return redirect(topic)
    context = {
        "form": form,
        "title": _("Sửa chuyên đề"),
        "submit": _("Lưu"),
        "cancel_url": topic.get_absolute_url(),
    }
    return render(request, "courses/simple_form.html", context)


@require_POST
def material_upload(request: HttpRequest, topic_pk: int) -> HttpResponse:
    topic = get_for_user(Topic.objects, request.user, topic_pk, CHANGE)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_document(upload)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            with transaction.atomic():
                TopicMaterial.objects.create(
                    topic=topic,
                    title=form.cleaned_data["title"],
                    file=upload,
                    size=upload.size or 0,
                    uploaded_by_id=request.user.pk,
                )
            messages.success(request, _("Đã tải lên tài liệu."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(topic)


@require_GET
def material_download(request: HttpRequest, material_pk: int) -> FileResponse:
    material = TopicMaterial.objects.select_related("topic").filter(pk=material_pk).first()
    topic = get_for_user(Topic.objects, request.user, material.topic_id if material else 0)
    assert material is not None and material.topic_id == topic.pk
    name = material.file.name.rsplit("/", 1)[-1]
    return FileResponse(material.file.open("rb"), as_attachment=True, filename=name)


# --- lecturers ------------------------------------------------------------------------


@require_GET
def lecturer_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE | {Role.SECRETARY})
    query = request.GET.get("q", "")[:100]
    context = {
        "page": paginate(request, selectors.lecturer_list(user=request.user, query=query)),
        "query": query,
        "can_create": has_role(request.user, COMMITTEE),
    }
    return render(request, "courses/lecturer_list.html", context)


@require_GET
def lecturer_detail(request: HttpRequest, lecturer_pk: int) -> HttpResponse:
    lecturer = get_for_user(
        Lecturer.objects.select_related("person", "person__organization", "owner"),
        request.user,
        lecturer_pk,
    )
    # The history lists only the sessions of classes the viewer may see.
    visible = restrict(Session.objects.all(), request.user)
    sessions = selectors.lecturer_sessions(lecturer).filter(pk__in=visible.values("pk"))
    is_self = lecturer.user_id is not None and lecturer.user_id == request.user.pk
    context = {
        "lecturer": lecturer,
        "topics": lecturer.topics.all(),
        "sessions": paginate(request, sessions, per_page=50),
        "can_change": has_role(request.user, COMMITTEE),
        # The feed lists every session, in every territory: only its owner gets the link.
        "show_feed": is_self or has_role(request.user, {Role.ADMIN}),
    }
    return render(request, "courses/lecturer_detail.html", context)


def _lecturer_fields(form: LecturerForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        name: data[name]
        for name in ("full_name", "academic_title", "position", "organization", "phone", "email")
    } | {"topics": list(data["topics"])}


@require_http_methods(["GET", "POST"])
def lecturer_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, COMMITTEE)
    initial = {"owner": getattr(request.user, "organization_id", None)}
    form = LecturerForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            lecturer = services.lecturer_create(
                actor=request.user,
                owner=form.cleaned_data["owner"],
                **_lecturer_fields(form),
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã thêm báo cáo viên."))
            return redirect(lecturer)
    context = {
        "form": form,
        "title": _("Thêm báo cáo viên"),
        "submit": _("Lưu"),
        "cancel_url": reverse("courses:lecturer_list"),
    }
    return render(request, "courses/simple_form.html", context)


@require_http_methods(["GET", "POST"])
def lecturer_edit(request: HttpRequest, lecturer_pk: int) -> HttpResponse:
    lecturer = get_for_user(
        Lecturer.objects.select_related("person"), request.user, lecturer_pk, CHANGE
    )
    person = lecturer.person
    initial = {
        "owner": lecturer.owner_id,
        "full_name": person.full_name,
        "academic_title": lecturer.academic_title,
        "position": person.position,
        "organization": person.organization_id,
        "phone": person.phone,
        "email": person.email,
        "topics": [t.pk for t in lecturer.topics.all()],
    }
    form = LecturerForm(request.POST or None, initial=initial, user=request.user, instance=lecturer)
    form.fields["owner"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.lecturer_update(
                actor=request.user, lecturer=lecturer, **_lecturer_fields(form)
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã lưu báo cáo viên."))
            return redirect(lecturer)
    context = {
        "form": form,
        "title": _("Sửa báo cáo viên"),
        "submit": _("Lưu"),
        "cancel_url": lecturer.get_absolute_url(),
    }
    return render(request, "courses/simple_form.html", context)


@require_GET
def topic_options(request: HttpRequest) -> HttpResponse:
    """<option>s of topics matching ?q= (htmx: a filter's drop-down fills as one types)."""
    require_role(request.user, CATALOG_READERS | COURSE_READERS)
    topics = selectors.topic_list(user=request.user, query=request.GET.get("q", "")[:100])
    options = [(t.pk, t.title) for t in topics[:30]]
    context = {"options": options, "empty_label": _("Mọi chuyên đề")}
    return render(request, "courses/_options.html", context)


@require_GET
def lecturer_options(request: HttpRequest) -> HttpResponse:
    """<option>s of lecturers matching ?q=."""
    require_role(request.user, COMMITTEE | {Role.SECRETARY} | COURSE_READERS)
    lecturers = selectors.lecturer_list(user=request.user, query=request.GET.get("q", "")[:100])
    options = [(lec.pk, lec.display_name) for lec in lecturers[:30]]
    context = {"options": options, "empty_label": _("Mọi báo cáo viên")}
    return render(request, "courses/_options.html", context)


@require_POST
def lecturer_feed_reset(request: HttpRequest, lecturer_pk: int) -> HttpResponse:
    lecturer = get_for_user(Lecturer.objects, request.user, lecturer_pk)
    services.lecturer_feed_reset(actor=request.user, lecturer=lecturer)
    messages.success(request, _("Đã đổi địa chỉ lịch giảng; địa chỉ cũ không dùng được nữa."))
    return redirect(lecturer)
