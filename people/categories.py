"""Trainee categories (đối tượng): a controlled list that administrators extend.

Every signed-in user with a role reads the list (it is reference data, like the
map); only system administrators add, rename, reorder or retire a category. A
retired category stays on the people and classes that have it but is no longer
offered for new ones.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.roles import Role
from core.scope import has_role, require_role, roles_of
from core.text import fold, normalize_text
from people.models import TraineeCategory


class CategoryForm(forms.ModelForm[TraineeCategory]):
    class Meta:
        model = TraineeCategory
        fields = ["name", "order", "is_active"]
        labels = {
            "name": gettext_lazy("Tên đối tượng"),
            "order": gettext_lazy("Thứ tự hiển thị"),
            "is_active": gettext_lazy("Đang dùng (bỏ chọn để không cho chọn nữa)"),
        }

    def clean_name(self) -> str:
        name = normalize_text(self.cleaned_data["name"])
        if len(name) < 3:
            raise ValidationError(_("Tên đối tượng quá ngắn."))
        folded = fold(name)
        for other in TraineeCategory.objects.exclude(pk=self.instance.pk):
            if fold(other.name) == folded:
                raise ValidationError(_("Đã có đối tượng “%(name)s”.") % {"name": other.name})
        return name


def category_save(form: CategoryForm) -> TraineeCategory:
    """Save a category; a new one gets a stable code from its name."""
    category: TraineeCategory = form.save(commit=False)
    if not category.code:
        base = slugify(fold(category.name))[:34].strip("-") or "doi-tuong"
        code, n = base, 2
        while TraineeCategory.objects.filter(code=code).exists():
            code, n = f"{base}-{n}", n + 1
        category.code = code
    with transaction.atomic():
        category.save()
    return category


@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    if not roles_of(request.user):
        require_role(request.user, [Role.ADMIN])
    categories = TraineeCategory.objects.annotate(people_count=Count("people")).order_by(
        "order", "name"
    )
    return render(
        request,
        "people/category_list.html",
        {"categories": categories, "can_change": has_role(request.user, [Role.ADMIN])},
    )


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, category_pk: int | None = None) -> HttpResponse:
    require_role(request.user, [Role.ADMIN])
    category = (
        get_object_or_404(TraineeCategory, pk=category_pk) if category_pk else TraineeCategory()
    )
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            saved = category_save(form)
        except IntegrityError:
            form.add_error("name", _("Đã có đối tượng này."))
        else:
            messages.success(request, _("Đã lưu đối tượng “%(name)s”.") % {"name": saved.name})
            return redirect("people:category_list")
    title = _("Sửa đối tượng") if category.pk else _("Thêm đối tượng học viên")
    return render(
        request,
        "courses/simple_form.html",
        {
            "form": form,
            "title": title,
            "submit": _("Lưu"),
            "cancel_url": reverse("people:category_list"),
        },
    )
