"""News pages: staff drafting and workflow (scoped) and public reading (no login)."""

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

from core.forms import add_failure, parse_id
from core.http import client_address
from core.pagination import paginate
from core.scope import (
    VIEW,
    get_for_user,
    get_in_territory,
    may_change,
    require_role,
    restrict_territory,
)
from courses.models import Course
from news import selectors, services
from news.cleaning import IMAGE_TYPES
from news.drafting import class_facts
from news.forms import (
    ArticleForm,
    BlankArticleForm,
    CategoryForm,
    CommentForm,
    DraftForm,
    ImageForm,
    ModerateForm,
)
from news.models import NEWS_ROLES, Article, ArticleImage, ArticleStatus, Category, Comment

PER_PAGE = 10


def _user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:500]


def _article(request: HttpRequest, article_pk: int) -> Article:
    require_role(request.user, NEWS_ROLES)
    return get_for_user(
        Article.objects.select_related("category", "owner", "course"),
        request.user,
        article_pk,
        VIEW,
    )


# --- Staff pages ---------------------------------------------------------------


@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, NEWS_ROLES)
    picked = parse_id(request.GET.get("course"))
    if picked is not None:  # the class picker: on to that class's draft page (gate there)
        return redirect("news:draft", course_pk=picked)
    articles = selectors.staff_articles(request.user)
    status = request.GET.get("status", "")
    if status in ArticleStatus.values:
        articles = articles.filter(status=status)
    courses = restrict_territory(
        Course.objects.select_related("owner"), request.user, NEWS_ROLES
    ).order_by("-start_date", "title")[:50]
    context = {
        "page": paginate(request, articles, 30),
        "status": status,
        "statuses": ArticleStatus.choices,
        "courses": courses,
        "pending": selectors.pending_comments(request.user).count(),
        "may_manage_categories": services.may_manage_categories(request.user),
    }
    return render(request, "news/staff_list.html", context)


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Viết tin mới: a blank draft, then the same editor, workflow and sanitising."""
    require_role(request.user, NEWS_ROLES)
    form = BlankArticleForm(
        request.POST or None,
        user=request.user,
        initial={"category": services.default_category().pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create_blank(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã tạo bản nháp; viết nội dung rồi lưu."))
            return redirect("news:edit", article_pk=article.pk)
    return render(request, "news/create.html", {"form": form}, status=400 if form.errors else 200)


def _category_failure(category: Category | None, exc: ValidationError) -> list[str]:
    """Each refusal as one line naming the category (row) and the field."""
    labels = {"name": _("Tên chuyên mục"), "order": _("Thứ tự"), "is_active": _("Đang dùng")}
    row = _("Chuyên mục “%(name)s”") % {"name": category.name} if category else _("Thêm mới")
    if not hasattr(exc, "error_dict"):
        return [f"{row}: {message}" for message in exc.messages]
    return [
        f"{row} — {labels.get(field, field)}: {message}"
        for field, messages_ in exc.message_dict.items()
        for message in messages_
    ]


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    """Chuyên mục: add, rename, reorder, retire and bring back (national leaders, editors)."""
    if not services.may_manage_categories(request.user):
        raise PermissionDenied(
            _("Chỉ quản trị viên và lãnh đạo, biên tập viên cấp Trung ương quản lý chuyên mục.")
        )
    add_form = CategoryForm(prefix="new")
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        picked = parse_id(request.POST.get("category"))
        category = Category.objects.filter(pk=picked).first() if picked is not None else None
        try:
            if action == "add":
                add_form = CategoryForm(request.POST, prefix="new")
                if add_form.is_valid():
                    saved = services.category_create(actor=request.user, **add_form.cleaned_data)
                    messages.success(
                        request, _("Đã thêm chuyên mục “%(name)s”.") % {"name": saved.name}
                    )
                    return redirect("news:categories")
                errors = [
                    f"{_('Thêm mới')} — {add_form.fields[f].label}: {m}"
                    for f, ms in add_form.errors.items()
                    for m in ms
                ]
            elif category is None or action not in {"save", "retire", "restore"}:
                errors = [_("Không rõ chuyên mục hoặc thao tác; tải lại trang rồi thử lại.")]
            elif action == "save":
                row = CategoryForm(request.POST, prefix=f"c{category.pk}")
                if row.is_valid():
                    services.category_update(
                        actor=request.user, category=category, **row.cleaned_data
                    )
                    messages.success(
                        request, _("Đã lưu chuyên mục “%(name)s”.") % {"name": category.name}
                    )
                    return redirect("news:categories")
                errors = [
                    f"{_('Chuyên mục “%(name)s”') % {'name': category.name}} — "
                    f"{row.fields[f].label}: {m}"
                    for f, ms in row.errors.items()
                    for m in ms
                ]
            else:
                services.category_set_active(
                    actor=request.user, category=category, active=action == "restore"
                )
                done = (
                    _("Đã dùng lại chuyên mục “%(name)s”.")
                    if action == "restore"
                    else _(
                        "Đã ngừng dùng chuyên mục “%(name)s”; các tin cũ vẫn giữ chuyên mục này."
                    )
                )
                messages.success(request, done % {"name": category.name})
                return redirect("news:categories")
        except ValidationError as exc:
            errors = _category_failure(category if action != "add" else None, exc)
            if action == "add":
                add_form = CategoryForm(request.POST, prefix="new")
    rows = [
        (c, CategoryForm(prefix=f"c{c.pk}", initial={"name": c.name, "order": c.order}))
        for c in selectors.categories_for_management()
    ]
    return render(
        request,
        "news/categories.html",
        {"rows": rows, "add_form": add_form, "errors": errors},
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def draft_from_course(request: HttpRequest, course_pk: int) -> HttpResponse:
    """One click on a class: the draft written from its data, ready to edit."""
    course = get_in_territory(
        Course.objects.select_related("owner"), request.user, course_pk, NEWS_ROLES
    )
    form = DraftForm(request.POST or None, initial={"category": services.default_category().pk})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_draft_from_course(
                actor=request.user,
                course=course,
                template_key=form.cleaned_data["template"] or None,
                category=form.cleaned_data["category"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
        else:
            messages.success(request, _("Đã viết bản nháp từ dữ liệu lớp; kiểm tra rồi sửa."))
            return redirect("news:edit", article_pk=article.pk)
    existing = selectors.staff_articles(request.user).filter(course=course)
    context = {"course": course, "form": form, "facts": class_facts(course), "existing": existing}
    return render(request, "news/draft.html", context)


def _images_for_editor(article: Article) -> list[dict[str, str]]:
    return [
        {"title": image.caption, "value": image.get_absolute_url()}
        for image in article.images.all()
    ]


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = _article(request, article_pk)
    editable = services.may_edit(request.user, article)
    images = _images_for_editor(article)
    form = ArticleForm(
        request.POST or None,
        initial=ArticleForm.initial_for(article),
        images=images,
        current_category=article.category_id,
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Bạn không có quyền sửa tin này."))
        if form.is_valid():
            try:
                services.article_update(actor=request.user, article=article, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                add_failure(form, exc)
            else:
                messages.success(request, _("Đã lưu tin."))
                return redirect("news:edit", article_pk=article.pk)
    context = {
        "article": article,
        "form": form,
        "image_form": ImageForm(),
        "images": article.images.all(),
        "events": article.events.select_related("actor"),
        "editable": editable,
        "may_workflow": may_change(request.user, article),
        "may_publish": services.may_publish(request.user, article),
        "next_statuses": [(s, ArticleStatus(s).label) for s in article.next_statuses()],
    }
    return render(request, "news/edit.html", context, status=400 if form.errors else 200)


@require_GET
def preview(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = _article(request, article_pk)
    return render(request, "news/article.html", _article_context(request, article, preview=True))


@require_POST
def transition(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = _article(request, article_pk)
    try:
        article = services.article_transition(
            actor=request.user,
            article=article,
            to_status=request.POST.get("to_status", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Tin chuyển sang “%(status)s”.") % {"status": article.get_status_display()},
        )
    return redirect("news:edit", article_pk=article.pk)


@require_POST
def image_add(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = _article(request, article_pk)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.image_add(
                actor=request.user,
                article=article,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                alt=form.cleaned_data["alt"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_failure(form, exc)
    if form.errors:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
    else:
        messages.success(request, _("Đã thêm ảnh."))
    return redirect(reverse("news:edit", kwargs={"article_pk": article.pk}) + "#anh")


@require_POST
def image_delete(request: HttpRequest, image_pk: int) -> HttpResponse:
    require_role(request.user, NEWS_ROLES)
    image = get_for_user(
        ArticleImage.objects.select_related("article"), request.user, image_pk, VIEW
    )
    article_pk = image.article_id
    try:
        services.image_delete(actor=request.user, image=image)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xoá ảnh."))
    return redirect(reverse("news:edit", kwargs={"article_pk": article_pk}) + "#anh")


@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    require_role(request.user, NEWS_ROLES)
    comments = selectors.pending_comments(request.user)
    return render(request, "news/moderation.html", {"page": paginate(request, comments, 50)})


@require_POST
def moderate(request: HttpRequest, comment_pk: int) -> HttpResponse:
    require_role(request.user, NEWS_ROLES)
    comment = get_for_user(Comment.objects.select_related("article"), request.user, comment_pk)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn duyệt hoặc không duyệt."))
    else:
        try:
            services.comment_moderate(
                actor=request.user, comment=comment, status=form.cleaned_data["status"]
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã xử lý ý kiến của %(name)s.") % {"name": comment.name})
    return redirect("news:moderation")


# --- Public pages (no login) ----------------------------------------------------


@login_not_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "page": paginate(request, selectors.published(), PER_PAGE),
        "categories": selectors.categories(),
        "category": None,
    }
    return render(request, "news/index.html", context)


@login_not_required
@require_GET
def category(request: HttpRequest, category_slug: str) -> HttpResponse:
    current = Category.objects.filter(slug=category_slug).first()
    if current is None:
        raise Http404(_("Không có chuyên mục này."))
    context = {
        "page": paginate(request, selectors.published().filter(category=current), PER_PAGE),
        "categories": selectors.categories(),
        "category": current,
    }
    return render(request, "news/index.html", context)


def _public(slug: str) -> Article:
    article = selectors.public_article(slug)
    if article is None:
        raise Http404(_("Không có tin này hoặc tin chưa được đăng."))
    return article


def _article_context(
    request: HttpRequest, article: Article, *, preview: bool = False, **extra: Any
) -> dict[str, Any]:
    url = request.build_absolute_uri(article.get_absolute_url())
    images = list(article.images.all())
    return {
        "article": article,
        "images": images,
        "og_image": request.build_absolute_uri(images[0].get_absolute_url()) if images else "",
        "url": url,
        "preview": preview,
        "related": [] if preview else selectors.related(article),
        "comments": [] if preview else selectors.approved_comments(article),
        "rating": selectors.rating_summary(article),
        "comment_form": extra.pop("comment_form", None) or CommentForm(),
        "categories": selectors.categories(),
        **extra,
    }


@login_not_required
@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    item = _public(slug)
    visitor = services.visitor_key(client_address(request), _user_agent(request))
    if services.record_view(article=item, visitor=visitor, user_agent=_user_agent(request)):
        item.view_count += 1
    return render(request, "news/article.html", _article_context(request, item))


@login_not_required
@require_GET
def article_print(request: HttpRequest, slug: str) -> HttpResponse:
    item = _public(slug)
    return render(request, "news/print.html", _article_context(request, item))


@login_not_required
@require_POST
def rate(request: HttpRequest, slug: str) -> HttpResponse:
    item = _public(slug)
    visitor = services.visitor_key(client_address(request), _user_agent(request))
    try:
        services.article_rate(article=item, visitor=visitor, score=request.POST.get("score"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect(item.get_absolute_url() + "#danh-gia")


@login_not_required
@require_POST
def comment(request: HttpRequest, slug: str) -> HttpResponse:
    item = _public(slug)
    form = CommentForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            services.comment_submit(
                article=item,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                sender=services.visitor_key(client_address(request)),
                honeypot=form.cleaned_data["website"],
            )
        except ValidationError as exc:
            add_failure(form, exc)
            if not hasattr(exc, "error_dict"):
                status = 429
        else:
            messages.success(
                request, _("Cảm ơn bạn; ý kiến sẽ hiển thị sau khi được ban biên tập duyệt.")
            )
            return redirect(item.get_absolute_url() + "#y-kien")
    context = _article_context(request, item, comment_form=form)
    return render(request, "news/article.html", context, status=status)


@login_not_required
@require_GET
def image(request: HttpRequest, image_pk: int) -> FileResponse:
    """An article's photo: public once the article is published, else for its editors."""
    found = ArticleImage.objects.select_related("article").filter(pk=image_pk).first()
    if found is None:
        raise Http404
    if not found.article.is_public:
        if not request.user.is_authenticated:
            raise Http404
        found = get_for_user(
            ArticleImage.objects.select_related("article"), request.user, image_pk, VIEW
        )
    response = FileResponse(found.file.open("rb"), content_type=IMAGE_TYPES.get(found.kind))
    response["Cache-Control"] = "public, max-age=86400" if found.article.is_public else "private"
    return response
