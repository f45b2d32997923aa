from django.contrib.auth.decorators import login_not_required
from django.urls import path

from news import views
from news.feeds import LatestNews, LatestNewsAtom

app_name = "news"
urlpatterns = [
    # Public (no login): published articles only.
    path("", views.index, name="index"),
    path("chuyen-muc/<slug:category_slug>/", views.category, name="category"),
    path("bai/<slug:slug>/", views.article, name="article"),
    path("bai/<slug:slug>/in/", views.article_print, name="article_print"),
    path("bai/<slug:slug>/danh-gia/", views.rate, name="rate"),
    path("bai/<slug:slug>/y-kien/", views.comment, name="comment"),
    path("anh/<int:image_pk>/", views.image, name="image"),
    path("rss/", login_not_required(LatestNews()), name="rss"),
    path("atom/", login_not_required(LatestNewsAtom()), name="atom"),
    # Staff (scoped): drafting, editing, workflow, moderation.
    path("quan-ly/", views.staff_list, name="staff_list"),
    path("quan-ly/moi/", views.create, name="create"),
    path("quan-ly/chuyen-muc/", views.categories, name="categories"),
    path("quan-ly/lop/<int:course_pk>/", views.draft_from_course, name="draft"),
    path("quan-ly/<int:article_pk>/", views.edit, name="edit"),
    path("quan-ly/<int:article_pk>/xem-truoc/", views.preview, name="preview"),
    path("quan-ly/<int:article_pk>/trang-thai/", views.transition, name="transition"),
    path("quan-ly/<int:article_pk>/anh/", views.image_add, name="image_add"),
    path("quan-ly/anh/<int:image_pk>/xoa/", views.image_delete, name="image_delete"),
    path("quan-ly/y-kien/", views.moderation, name="moderation"),
    path("quan-ly/y-kien/<int:comment_pk>/", views.moderate, name="moderate"),
]
