"""Pages of certificates: a class's register (issue, revoke, reissue, downloads)
and the public verification page."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certificates import documents, selectors, services
from certificates.forms import BatchForm, LookupForm, ReasonForm
from certificates.models import Certificate, CertificateBatch
from core.forms import error_text
from core.scope import CHANGE, VIEW, get_for_user, get_in_territory, may_change
from courses.models import Course
from courses.xlsx import CellValue, write_table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _course(request: HttpRequest, course_pk: int, action: str = VIEW) -> Course:
    return get_for_user(
        Course.objects.select_related("owner", "owner__territory"), request.user, course_pk, action
    )


def _registered(request: HttpRequest, course_pk: int) -> Course:
    """A class of the user's own territory: its register is the issuer's, not a lecturer's."""
    return get_in_territory(
        Course.objects.select_related("owner", "owner__territory"),
        request.user,
        course_pk,
        Certificate.scope_view_roles,
    )


def _download(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["Cache-Control"] = "private, no-store"
    return response


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    return str(exc) if isinstance(exc, PermissionDenied) else " ".join(exc.messages)


@require_GET
def register(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _registered(request, course_pk)
    context = {
        "course": course,
        "certificates": selectors.course_register(course, user=request.user),
        "batches": selectors.course_batches(course, user=request.user),
        "pending": services.pending_count(course),
        "can_change": may_change(request.user, course),
        "form": BatchForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "certificates/register.html", context)


@require_GET
def register_xlsx(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _registered(request, course_pk)
    headers = [
        _("Số hiệu"),
        _("Họ và tên"),
        _("Ngày sinh"),
        _("Lớp"),
        _("Ngày cấp"),
        _("Người ký"),
        _("Trạng thái"),
        _("Lý do thu hồi"),
        _("Cấp lại thay cho"),
    ]
    rows: Iterator[list[CellValue]] = (
        [
            cert.register,
            cert.enrollment.person.full_name,
            cert.enrollment.person.birth_display,
            course.title,
            cert.issued_on,
            cert.signer_name,
            cert.get_status_display(),
            cert.revoke_reason,
            cert.replaces.register if cert.replaces else "",
        ]
        for cert in selectors.course_register(course, user=request.user).iterator(chunk_size=500)
    )
    # Cells are neutralised (=, +, -, @) by write_table.
    content = write_table(headers, rows, sheet_title=_("Sổ cấp GCN"))
    return _download(content, XLSX_TYPE, f"so-cap-gcn-lop-{course.pk}.xlsx", inline=False)


@require_POST
def batch_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _course(request, course_pk, CHANGE)
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("certificates:register", course_pk=course.pk)
    signature = services.Signature(
        form.cleaned_data["issued_on"],
        form.cleaned_data["signer_name"],
        form.cleaned_data["signer_title"],
    )
    try:
        services.batch_create(
            actor=request.user,
            course=course,
            signature=signature,
            verify_base=request.build_absolute_uri("/"),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _refusal(exc))
    return redirect("certificates:register", course_pk=course.pk)


def _batch(request: HttpRequest, batch_pk: int) -> CertificateBatch:
    return get_for_user(CertificateBatch.objects.select_related("course"), request.user, batch_pk)


@require_GET
def batch_progress(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = _batch(request, batch_pk)
    response = render(request, "certificates/_progress.html", {"batch": batch})
    if not batch.running:
        response["HX-Refresh"] = "true"
    return response


def _stored(file: FieldFile, content_type: str, filename: str) -> HttpResponse:
    if not file:
        raise Http404(_("Tệp chưa được tạo."))
    with file.open("rb") as handle:
        return _download(handle.read(), content_type, filename, inline=False)


@require_GET
def batch_pdf(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = _batch(request, batch_pk)
    return _stored(
        batch.merged_pdf, "application/pdf", f"giay-chung-nhan-lop-{batch.course_id}.pdf"
    )


@require_GET
def batch_zip(request: HttpRequest, batch_pk: int) -> HttpResponse:
    batch = _batch(request, batch_pk)
    return _stored(batch.zip_file, "application/zip", f"giay-chung-nhan-lop-{batch.course_id}.zip")


def _certificate(request: HttpRequest, certificate_pk: int, action: str = VIEW) -> Certificate:
    return get_for_user(
        Certificate.objects.select_related("enrollment__person", "enrollment__course__owner"),
        request.user,
        certificate_pk,
        action,
    )


@require_GET
def certificate_pdf(request: HttpRequest, certificate_pk: int) -> HttpResponse:
    cert = _certificate(request, certificate_pk)
    pdf = documents.render(cert.enrollment.course, [cert], request.build_absolute_uri("/"))
    return _download(pdf, "application/pdf", documents.filename(cert), inline=True)


def _change(request: HttpRequest, certificate_pk: int, *, again: bool) -> HttpResponse:
    cert = _certificate(request, certificate_pk, CHANGE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        try:
            if again:
                new = services.reissue(
                    actor=request.user, certificate=cert, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Đã cấp lại: số %(r)s.") % {"r": new.register})
            else:
                services.revoke(
                    actor=request.user, certificate=cert, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("Đã thu hồi giấy chứng nhận số %(r)s.") % {"r": cert.register}
                )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _refusal(exc))
    return redirect("certificates:register", course_pk=cert.enrollment.course_id)


@require_POST
def revoke(request: HttpRequest, certificate_pk: int) -> HttpResponse:
    return _change(request, certificate_pk, again=False)


@require_POST
def reissue(request: HttpRequest, certificate_pk: int) -> HttpResponse:
    return _change(request, certificate_pk, again=True)


# --- public -----------------------------------------------------------------------------


@login_not_required
@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"].strip().upper())
    return render(request, "certificates/verify_lookup.html", {"form": form})


@login_not_required
@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    cert = selectors.by_code(code) if len(code) <= 32 else None
    if cert is None:
        raise Http404(_("Không tìm thấy giấy chứng nhận với mã xác minh này."))
    course = cert.enrollment.course
    context = {
        "cert": cert,
        "name": cert.enrollment.person.full_name,
        "course": course,
        "issuer": course.owner.name_on(cert.issued_on),
        "form": LookupForm(),
    }
    response = render(request, "certificates/verify.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
