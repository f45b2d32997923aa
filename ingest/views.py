"""Import pages: upload, the job's progress and preview, confirm or cancel, the reports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_failure, parse_id
from core.pagination import paginate
from core.roles import COMMITTEE, Role
from core.scope import CHANGE, VIEW, get_for_user, may_change, require_role, restrict
from courses.models import Course
from ingest import reports, services
from ingest.forms import UploadForm
from ingest.models import ImportJob, ImportKind, ImportStatus
from people.models import Roster

IMPORTERS = COMMITTEE | {Role.FOCAL_POINT}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _job(request: HttpRequest, job_pk: int, action: str = VIEW) -> ImportJob:
    return get_for_user(
        ImportJob.objects.select_related("owner", "created_by"), request.user, job_pk, action
    )


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("kind", ImportKind.PEOPLE)
    return kind if kind in ImportKind.values else ImportKind.PEOPLE


@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, IMPORTERS)
    jobs = restrict(ImportJob.objects.select_related("owner", "created_by"), request.user)
    return render(request, "ingest/job_list.html", {"page": paginate(request, jobs, per_page=50)})


@require_http_methods(["GET", "POST"])
def job_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, IMPORTERS)
    kind = _kind(request)
    roster = course = None
    if kind == ImportKind.ROSTER:
        roster = get_for_user(
            Roster.objects.all(), request.user, parse_id(request.GET.get("roster")), CHANGE
        )
    if kind == ImportKind.NOMINATIONS:
        course = get_for_user(
            Course.objects.all(), request.user, parse_id(request.GET.get("course"))
        )
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_create(
                actor=request.user,
                kind=kind,
                owner=form.cleaned_data["owner"],
                upload=form.cleaned_data["file"],
                roster=roster,
                course=course,
                valid_only=form.cleaned_data["valid_only"],
            )
        except (ValidationError, PermissionDenied) as error:
            add_failure(form, error)
        else:
            services.job_submit(job)
            return redirect(job)
    context = {
        "form": form,
        "kind": kind,
        "kind_label": ImportKind(kind).label,
        "roster": roster,
        "course": course,
        "max_mb": settings.IMPORT_MAX_BYTES // 1024 // 1024,
        "max_rows": settings.IMPORT_MAX_ROWS,
    }
    return render(request, "ingest/job_create.html", context)


def _detail_context(request: HttpRequest, job: ImportJob) -> dict[str, object]:
    summary = job.summary or {}
    counts = summary.get("counts", {})
    running = job.status in (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING)
    if running:
        # The write phase's progress lives in the cache until its transaction commits.
        cached = services.cached_progress(job)
        if cached is not None:
            job.progress_done, job.progress_total = cached
    return {
        "job": job,
        "summary": summary,
        "counts": counts,
        "samples": summary.get("samples", {}),
        "errors": summary.get("errors", []),
        "written": summary.get("written", {}),
        "running": running,
        "can_change": may_change(request.user, job),
        "can_write_valid": job.status == ImportStatus.REJECTED
        and sum(v for k, v in counts.items() if k != "reject") > 0,
    }


@require_GET
def job_detail(request: HttpRequest, job_pk: int) -> HttpResponse:
    job = _job(request, job_pk)
    return render(request, "ingest/job_detail.html", _detail_context(request, job))


@require_GET
def job_progress(request: HttpRequest, job_pk: int) -> HttpResponse:
    """The progress bar alone (htmx polls it); a finished job sends the page to reload."""
    job = _job(request, job_pk)
    context = _detail_context(request, job)
    response = render(request, "ingest/_progress.html", context)
    if not context["running"]:
        response["HX-Refresh"] = "true"
    return response


@require_POST
def job_confirm(request: HttpRequest, job_pk: int) -> HttpResponse:
    job = _job(request, job_pk, CHANGE)
    try:
        job = services.job_confirm(
            actor=request.user, job=job, valid_only=request.POST.get("valid_only") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if job.status == ImportStatus.DONE:
            messages.success(request, _("Đã nhập xong."))
    return redirect(job)


@require_POST
def job_cancel(request: HttpRequest, job_pk: int) -> HttpResponse:
    job = _job(request, job_pk, CHANGE)
    try:
        services.job_cancel(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.info(request, _("Đã huỷ lượt nhập; không ghi gì."))
    return redirect(job)


@require_GET
def job_error_report(request: HttpRequest, job_pk: int) -> FileResponse:
    job = _job(request, job_pk)
    if not job.error_report:
        raise Http404(_("Lượt nhập này không có báo cáo lỗi."))
    return FileResponse(
        job.error_report.open("rb"),
        as_attachment=True,
        filename=f"bao-cao-loi-{job.pk}.xlsx",
        content_type=XLSX,
    )


@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    """A blank template with drop-downs limited to the user's territory."""
    require_role(request.user, IMPORTERS)
    kind = _kind(request)
    territory = request.user.territory()  # type: ignore[union-attr]
    data = reports.template(str(ImportKind(kind).label), territory)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response
