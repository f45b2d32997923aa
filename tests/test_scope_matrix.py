"""Every URL × every role: an outsider never reads or changes another territory's data.

The matrix is built from the URL configuration itself, so a new URL is tested
the moment it exists. It fails when
- a URL takes an argument the matrix does not know (add the argument to
  FOREIGN_OBJECTS with an object owned by the other territory);
- a URL answers an anonymous visitor without being listed in PUBLIC;
- an outsider of any role gets the foreign object's page, sees its name in a
  list, or a POST changes anything.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User, UserRole
from assessment import services as assessment_services
from assessment.models import Assignment, CompletionRule, Result
from attendance import services as attendance_services
from attendance.models import Attendance, Badge
from certificates import services as certificate_services
from certificates.models import Certificate, CertificateBatch, CertificateSeries
from core.roles import Role
from courses import services
from courses.models import Course, CourseGuest, Session, Topic, TopicMaterial
from feedback.models import SurveyRating, SurveyResponse
from geo.models import AdminUnit
from ingest import services as ingest_services
from ingest.models import ImportJob
from news import services as news_services
from news.models import Article, ArticleImage, Category, Comment
from nominations import services as nomination_services
from nominations.models import Enrollment, Nomination, NominationEvent, Quota
from orgs.models import Organization, OrganizationName
from people.models import (
    Lecturer,
    Person,
    PersonChange,
    Roster,
    RosterMember,
    TraineeCategory,
)
from people.services import PersonData, RosterData, person_create, roster_create
from planning.models import TrainingPlan
from planning.services import plan_create
from tests.course_helpers import make_course, make_lecturer, make_topic
from tests.factories import OrganizationFactory, UserFactory
from tests.news_helpers import tiny_png
from tests.test_assessment_fixtures import PDF
from trainee import services as trainee_services
from trainee.models import PersonalLink
from trainee.selectors import link_token

pytestmark = pytest.mark.django_db

# URL names anyone may open without logging in, and why.
PUBLIC = {
    "news:index": "published news: anyone reads it",
    "news:category": "published news of one category",
    "news:article": "a published article (drafts answer 404)",
    "news:article_print": "print view of a published article",
    "news:rate": "readers rate a published article",
    "news:comment": "readers send feedback, held for moderation",
    "news:image": "photos of published articles (others 404 unless in scope)",
    "news:rss": "feed of published news",
    "news:atom": "feed of published news",
    "accounts:login": "the sign-in page",
    "core:healthz": "load-balancer health check, no data",
    "set_language": "language switch, no data",
    "feeds:course_ics": "calendar apps cannot log in: the unguessable token is the credential",
    "feeds:lecturer_ics": "calendar apps cannot log in: the unguessable token is the credential",
    "certificates:verify_lookup": "anyone checks a certificate by its code",
    "certificates:verify": "anyone checks a certificate: name, class, issuer, status; nothing else",
    "feedback:answer": "a trainee answers the survey without an account (signed token)",
    "trainee:link_home": "a trainee's own page by personal link (signed, revocable token)",
    "trainee:link_submit": "the trainee hands in their paper by personal link",
    "trainee:link_material": "materials of the trainee's own class, by personal link",
    "trainee:link_certificate": "the trainee's own certificate, by personal link",
}

# Geography is public reference data: any signed-in user may read it, whatever
# the territory. Writing to it (villages) is still scoped.
REFERENCE_READS = {"geo:unit_browser", "geo:unit_detail", "geo:unit_picker"}
# Pages only a system administrator opens (the insider check uses one).
ADMIN_PAGES = {"people:category_edit"}
# The topic catalogue and the lecturer registry are shared between committees
# (a central lecturer teaches everywhere); reading them is allowed, changing not.
SHARED_CATALOGUE_READS = {
    "courses:topic_options",
    "courses:lecturer_options",
    "courses:topic_list",
    "courses:lecturer_list",
    "courses:topic_detail",
    "courses:material_download",
    "courses:lecturer_detail",
}


@dataclass
class World:
    foreign_org: Organization
    foreign_user: User
    foreign_commune: AdminUnit
    outsiders: dict[str, User]
    insider: User
    course: Course
    session: Session
    guest: CourseGuest
    topic: Topic
    material: TopicMaterial
    lecturer: Lecturer
    plan: TrainingPlan
    person: Person
    other_person: Person
    roster: Roster
    quota: Quota
    nomination: Nomination
    enrollment: Enrollment
    job: ImportJob
    badge_token: str
    batch: CertificateBatch
    certificate: Certificate


# How to fill each URL argument with an object owned by the foreign territory.
FOREIGN_OBJECTS: dict[str, Callable[[World], Any]] = {
    "org_pk": lambda w: w.foreign_org.pk,
    "user_pk": lambda w: w.foreign_user.pk,
    "unit_pk": lambda w: w.foreign_commune.pk,
    "course_pk": lambda w: w.course.pk,
    "session_pk": lambda w: w.session.pk,
    "guest_pk": lambda w: w.guest.pk,
    "topic_pk": lambda w: w.topic.pk,
    "material_pk": lambda w: w.material.pk,
    "lecturer_pk": lambda w: w.lecturer.pk,
    "plan_pk": lambda w: w.plan.pk,
    "person_pk": lambda w: w.person.pk,
    "other_pk": lambda w: w.other_person.pk,
    "roster_pk": lambda w: w.roster.pk,
    "quota_pk": lambda w: w.quota.pk,
    "nomination_pk": lambda w: w.nomination.pk,
    "enrollment_pk": lambda w: w.enrollment.pk,
    # News of the foreign class: a published article with a photo and a pending comment.
    "article_pk": lambda w: _news_article(w).pk,
    "image_pk": lambda w: ArticleImage.objects.get(article=_news_article(w)).pk,
    "comment_pk": lambda w: Comment.objects.get(article=_news_article(w)).pk,
    "slug": lambda w: _news_article(w).slug,
    "category_slug": lambda w: _news_article(w).category.slug,
    "job_pk": lambda w: w.job.pk,
    # Reference data: one list for everybody, changed by administrators only.
    "category_pk": lambda w: TraineeCategory.objects.get(code="bi-thu-chi-bo").pk,
    # A real badge token of the foreign class: the outsider's scan must give 404, the
    # insider's a page; for the calendar feeds it is simply a wrong token (404).
    "token": lambda w: w.badge_token,
    "batch_pk": lambda w: w.batch.pk,
    "certificate_pk": lambda w: w.certificate.pk,
    "code": lambda w: w.certificate.code,
    # A live personal link of the foreign trainee: only anonymous pages (PUBLIC) take it.
    "link": lambda w: _trainee_link(w),
}


def _trainee_link(world: World) -> str:
    person = world.enrollment.person
    link = PersonalLink.objects.filter(person=person, revoked_at__isnull=True).first()
    if link is None:
        link, _token = trainee_services.link_issue(actor=None, person=person)
    return link_token(link)


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _patterns(entry, namespace)
        elif entry.name:
            yield f"{prefix}{entry.name}", entry


ALL_URLS = sorted(_patterns(get_resolver()), key=lambda item: item[0])


def _kwargs(pattern: URLPattern, world: World) -> dict[str, Any]:
    names = list(pattern.pattern.converters)
    unknown = [n for n in names if n not in FOREIGN_OBJECTS]
    assert not unknown, f"URL argument(s) {unknown} unknown to the scope matrix: add them"
    return {name: FOREIGN_OBJECTS[name](world) for name in names}


def _news_article(world: World) -> Article:
    """The foreign class's article (made once): its title names the class."""
    article = Article.objects.filter(course=world.course).first()
    if article is not None:
        return article
    article = news_services.article_draft_from_course(actor=None, course=world.course)
    news_services.image_add(
        actor=None,
        article=article,
        upload=SimpleUploadedFile("a.png", tiny_png()),
        caption="Ảnh lớp",
        alt="Ảnh lớp",
    )
    for status in ("review", "published"):
        article = news_services.article_transition(actor=None, article=article, to_status=status)
    news_services.comment_submit(
        article=article, name="Bạn đọc", email="a@example.vn", message="Ý kiến", sender="x"
    )
    return article


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Course.objects.order_by("pk").values_list()),
        list(Session.objects.order_by("pk").values_list()),
        list(CourseGuest.objects.order_by("pk").values_list()),
        list(Topic.objects.order_by("pk").values_list()),
        list(TopicMaterial.objects.order_by("pk").values_list()),
        list(Lecturer.objects.order_by("pk").values_list()),
        list(TrainingPlan.objects.order_by("pk").values_list()),
        list(Organization.objects.order_by("pk").values_list()),
        list(OrganizationName.objects.order_by("pk").values_list()),
        list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "full_name", "is_active", "organization_id", "password"
            )
        ),
        list(UserRole.objects.order_by("pk").values_list()),
        AdminUnit.objects.count(),
        list(Person.objects.order_by("pk").values_list()),
        list(Person.categories.through.objects.order_by("pk").values_list()),
        list(PersonChange.objects.order_by("pk").values_list()),
        list(Roster.objects.order_by("pk").values_list()),
        list(RosterMember.objects.order_by("pk").values_list()),
        list(Quota.objects.order_by("pk").values_list()),
        list(Nomination.objects.order_by("pk").values_list()),
        list(Enrollment.objects.order_by("pk").values_list()),
        list(NominationEvent.objects.order_by("pk").values_list()),
        list(ImportJob.objects.order_by("pk").values_list()),
        list(Article.objects.order_by("pk").values_list()),
        list(ArticleImage.objects.order_by("pk").values_list()),
        list(Comment.objects.order_by("pk").values_list()),
        list(Category.objects.order_by("pk").values_list()),  # news categories
        list(TraineeCategory.objects.order_by("pk").values_list()),
        list(Attendance.objects.order_by("pk").values_list()),
        list(Badge.objects.order_by("pk").values_list()),
        list(Certificate.objects.order_by("pk").values_list()),
        list(CertificateBatch.objects.order_by("pk").values_list()),
        list(CertificateSeries.objects.order_by("pk").values_list()),
        list(Assignment.objects.order_by("pk").values_list()),
        list(CompletionRule.objects.order_by("pk").values_list()),
        list(Result.objects.order_by("pk").values_list()),
        list(SurveyResponse.objects.order_by("pk").values_list()),
        list(SurveyRating.objects.order_by("pk").values_list()),
        list(PersonalLink.objects.order_by("pk").values_list()),
    )


# One POST body that fills every form field of the project with values aimed at
# the foreign territory: a form that forgets the gate will accept it.
def _hostile_post(world: World) -> dict[str, Any]:
    return {
        "kind": "committee",
        "name": "Xâm nhập",
        "new_name": "Xâm nhập",
        "effective": "01/01/2031",
        "territory": world.foreign_commune.pk,
        "parent": world.foreign_org.pk,
        "organization": world.foreign_org.pk,
        "roles": [Role.ADMIN, Role.COMMITTEE_MANAGER],
        "username": "xamnhap",
        "full_name": "Xâm nhập",
        "password1": "Xam-nhap-2025!",
        "password2": "Xam-nhap-2025!",
        "unit_type": "Thôn",
        "is_active": "",
        "valid_from": "01/01/2020",
        "owner": world.foreign_org.pk,
        "issuer": world.foreign_org.pk,
        "number": "99",
        "symbol": "KH/X",
        "year": 2022,
        "issue_date": "01/01/2022",
        "start_date": "25/05/2022",
        "end_date": "27/05/2022",
        "date": "26/05/2022",
        "half_day": "afternoon",
        "to_status": "cancelled",
        "reason": "Xâm nhập",
        "summary": "x",
        "tags": "x",
        "capacity": 1,
        "title": "Xâm nhập",
        "topic": world.topic.pk,
        "lecturers": [world.lecturer.pk],
        "academic_title": "TS",
        "count": 2,
        "attends": "opening",
        "unit": world.foreign_org.pk,
        "places": 1,
        "person": world.person.pk,
        "people": [world.person.pk],
        "keep": world.person.pk,
        "drop": world.other_person.pk,
        "deadline": "20/05/2022 17:00",
        "period_start": "01/01/2022",
        "period_end": "31/12/2022",
        "family_name": "Xâm",
        "given_name": "Nhập",
        "confirm_new": "1",
        "confirm": "1",
        "kind_import": "people",
        "valid_only": "1",
    }


@pytest.fixture
def world(owner_org: Organization, outsider_org: Organization, bu_dang: AdminUnit) -> World:
    foreign_user = UserFactory(
        username="nguoi.budang",
        full_name="Người Bù Đăng",
        organization=owner_org,
        roles=[Role.COMMITTEE_STAFF],
    )
    outsiders = {
        role: UserFactory(username=f"ngoai.{role}", organization=outsider_org, roles=[role])
        for role in Role.values
        if role != Role.ADMIN
    }
    # The owner's manager, also its focal point (the nominate pages are the focal point's).
    insider = UserFactory(
        username="trong",
        organization=owner_org,
        roles=[Role.COMMITTEE_MANAGER, Role.FOCAL_POINT],
    )
    commune = bu_dang.children.order_by("sort_key").first()
    assert commune is not None
    plan = plan_create(
        actor=None,
        issuer=owner_org,
        number="12",
        symbol="KH/BDVHU",
        year=2022,
        issue_date=datetime.date(2022, 1, 10),
        title="Kế hoạch bí mật Bù Đăng",
        attachment=SimpleUploadedFile("kh.pdf", PDF),
    )
    course = make_course(owner_org, title="Lớp bí mật Bù Đăng", plan=plan, capacity=10)
    topic = make_topic(owner_org, "Chuyên đề Bù Đăng")
    lecturer = make_lecturer(owner_org, "Lê Văn Giảng")
    session = services.session_create(
        actor=None,
        course=course,
        date=course.start_date,
        half_day="morning",
        kind="lecture",
        topic=topic,
        lecturers=[lecturer],
    )
    guest = services.guest_add(
        actor=None, course=course, full_name="Đại Biểu Bí Mật", title="Bí thư"
    )
    material = TopicMaterial.objects.create(
        topic=topic, title="Tài liệu", file=SimpleUploadedFile("t.pdf", PDF)
    )
    person = person_create(
        actor=None,
        owner=owner_org,
        data=PersonData.from_full_name("Người Bí Mật Bù Đăng", home_unit=commune),
    )
    other_person = person_create(
        actor=None,
        owner=owner_org,
        data=PersonData.from_full_name("Người Trùng Bù Đăng", home_unit=commune),
    )
    roster = roster_create(
        actor=None,
        owner=owner_org,
        data=RosterData(
            name="Danh sách bí mật Bù Đăng",
            period_start=datetime.date(2022, 1, 1),
            period_end=datetime.date(2022, 12, 31),
        ),
    )
    RosterMember.objects.create(roster=roster, person=person, unit=commune)
    # The class takes nominations: the owner's unit holds a quota, one person is
    # a trainee and one waits for a decision.
    services.course_transition(actor=None, course=course, to_status="approved")
    services.course_transition(actor=None, course=course, to_status="nominating")
    course.refresh_from_db()
    quota = nomination_services.quota_set(actor=None, course=course, unit=owner_org, places=5)
    enrolled = nomination_services.nominate(
        actor=None, course=course, unit=owner_org, person=other_person
    )
    nomination_services.nomination_approve(actor=None, nomination=enrolled)
    enrollment = Enrollment.objects.get(nomination=enrolled)
    nomination = nomination_services.nominate(
        actor=None, course=course, unit=owner_org, person=person
    )
    # A checked import with a mistake, so its error report exists too.
    job = ingest_services.job_check(
        ingest_services.job_create(
            actor=foreign_user,
            kind="people",
            owner=owner_org,
            upload=SimpleUploadedFile(
                "nguoi-bi-mat.csv",
                "Họ và tên;Ngày sinh;Số CCCD\nNgười Bí Mật Bù Đăng;01/01/1980;123\n".encode(),
            ),
        )
    )
    assert job.error_report, job.message
    # The trainee completed: certificates issued (a batch with its files) and a badge.
    Enrollment.objects.filter(pk=enrollment.pk).update(completed=True)
    batch = certificate_services.batch_create(
        actor=foreign_user,
        course=course,
        signature=certificate_services.Signature(
            datetime.date(2022, 5, 27), "Nguyễn Văn Ký", "Trưởng ban"
        ),
        verify_base="http://testserver/",
    )
    certificate = Certificate.objects.get(enrollment=enrollment)
    assessment_services.assignment_submit(
        actor=None,
        enrollment=enrollment,
        text="Bài thu hoạch bí mật",
        file=SimpleUploadedFile("bai.pdf", PDF),
    )
    badge = dict(attendance_services.badges_for(actor=None, course=course))[
        Enrollment.objects.get(pk=enrollment.pk)
    ]
    return World(
        owner_org,
        foreign_user,
        commune,
        outsiders,
        insider,
        course,
        session,
        guest,
        topic,
        material,
        lecturer,
        plan,
        person,
        other_person,
        roster,
        quota,
        nomination,
        enrollment,
        job,
        attendance_services.badge_token(badge),
        batch,
        certificate,
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_matrix_knows_every_url_argument(world: World) -> None:
    for _name, pattern in ALL_URLS:
        _kwargs(pattern, world)


def test_public_urls_are_exactly_the_listed_ones(world: World) -> None:
    anonymous = Client()
    for name, pattern in ALL_URLS:
        url = reverse(name, kwargs=_kwargs(pattern, world))
        response = anonymous.get(url)
        if name in PUBLIC:
            assert response.status_code in {200, 302, 404, 405}, name
            continue
        assert response.status_code == 302, f"{name} answers anonymous visitors"
        assert reverse("accounts:login") in response["Location"], name


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_outsider_never_reads_or_changes_foreign_data(world: World, role: str) -> None:
    client = _client(world.outsiders[role])
    markers = [
        world.foreign_org.name,
        world.foreign_user.full_name,
        world.foreign_user.username,
        world.course.title,
        world.plan.title,
        world.guest.full_name,
        world.person.full_name,
        world.roster.name,
        world.job.original_name,
        "Bài thu hoạch bí mật",
    ]
    for name, pattern in ALL_URLS:
        if name in PUBLIC or name == "accounts:logout":
            continue
        kwargs = _kwargs(pattern, world)
        url = reverse(name, kwargs=kwargs)

        response = client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        if kwargs and name not in REFERENCE_READS | SHARED_CATALOGUE_READS:
            assert response.status_code in {403, 404, 405}, (
                f"{role} GET {name}: {response.status_code}"
            )
        else:
            assert response.status_code in {200, 403, 404, 405}, (
                f"{role} GET {name}: {response.status_code}"
            )
        # Catalogue pages name the organisation that keeps a topic or lecturer,
        # but never the classes, plans or people of another territory.
        shown = markers[1:] if name in SHARED_CATALOGUE_READS else markers
        for marker in shown:
            assert marker not in body, f"{role} sees {marker!r} on {name}"

        before = _snapshot()
        response = client.post(url, _hostile_post(world))
        assert response.status_code in {200, 302, 400, 403, 404, 405}, f"{role} POST {name}"
        if kwargs:
            assert response.status_code in {403, 404, 405}, (
                f"{role} POST {name}: {response.status_code}"
            )
        assert _snapshot() == before, f"{role} POST {name} changed data"


def test_insider_reaches_every_object_page(world: World) -> None:
    """The matrix is not vacuous: the owner's manager opens the same URLs."""
    client = _client(world.insider)
    admin = _client(UserFactory(username="quantri", roles=[Role.ADMIN]))
    for name, pattern in ALL_URLS:
        kwargs = _kwargs(pattern, world)
        if not kwargs or name in PUBLIC:
            continue
        response = (admin if name in ADMIN_PAGES else client).get(reverse(name, kwargs=kwargs))
        assert response.status_code in {200, 405}, f"insider GET {name}: {response.status_code}"


def test_foreign_objects_exist_for_the_outsider_territory_too(world: World) -> None:
    # Sanity: the other territory has its own data, so "sees nothing" is meaningful.
    other = OrganizationFactory(
        name="Đơn vị khác", territory=world.outsiders[Role.COMMITTEE_MANAGER].organization.territory
    )
    client = _client(world.outsiders[Role.COMMITTEE_MANAGER])
    assert other.name in client.get(reverse("orgs:list")).content.decode()


# Running a class is the work of its organiser's territory. A user who holds the
# organiser roles at home and also lectures in (or holds a quota in) a foreign
# class reaches that class only as a lecturer: never its attendance, the papers'
# collection, surveys, results, certificate register or news.
ORGANISER_ONLY = {
    "attendance:session",
    "attendance:mark",
    "attendance:mark_all",
    "attendance:paper",
    "attendance:sign_sheet",
    "attendance:grid",
    "attendance:badges",
    "attendance:badge_reissue",
    "attendance:checkin",
    "assessment:results",
    "assessment:compute",
    "assessment:rule",
    "assessment:results_xlsx",
    "assessment:upload",
    "assessment:submit",
    "assessment:override",
    "feedback:summary",
    "feedback:links",
    "feedback:enter",
    "certificates:register",
    "certificates:register_xlsx",
    "certificates:batch_create",
    "certificates:batch_progress",
    "certificates:batch_pdf",
    "certificates:batch_zip",
    "certificates:certificate_pdf",
    "certificates:revoke",
    "certificates:reissue",
    "news:draft",
}


def test_lecturing_in_a_foreign_class_opens_none_of_its_running(world: World) -> None:
    outsider_org = world.outsiders[Role.COMMITTEE_STAFF].organization
    user = UserFactory(
        username="ngoai.nhieu.vai",
        organization=outsider_org,
        roles=[
            Role.COMMITTEE_MANAGER,
            Role.COMMITTEE_STAFF,
            Role.SECRETARY,
            Role.EDITOR,
            Role.LECTURER,
            Role.FOCAL_POINT,
        ],
    )
    world.lecturer.user = user
    world.lecturer.save(update_fields=["user"])
    client = _client(user)
    urls = {name: pattern for name, pattern in ALL_URLS if name in ORGANISER_ONLY}
    assert set(urls) == ORGANISER_ONLY, ORGANISER_ONLY - set(urls)
    refused = []
    for name, pattern in urls.items():
        url = reverse(name, kwargs=_kwargs(pattern, world))
        response = client.get(url)
        if response.status_code not in {403, 404, 405}:
            refused.append(f"GET {name}: {response.status_code}")
        before = _snapshot()
        response = client.post(url, _hostile_post(world))
        if response.status_code not in {403, 404, 405}:
            refused.append(f"POST {name}: {response.status_code}")
        assert _snapshot() == before, f"POST {name} changed data"
    assert refused == []
    # Not vacuous: as the lecturer of a session they still see the class, grade
    # it and read its papers.
    detail = reverse("courses:course_detail", kwargs={"course_pk": world.course.pk})
    assert client.get(detail).status_code == 200
    grading = reverse("assessment:grading", kwargs={"course_pk": world.course.pk})
    assert client.get(grading).status_code == 200
    paper = reverse("assessment:download", kwargs={"enrollment_pk": world.enrollment.pk})
    assert client.get(paper).status_code == 200
