from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import services
from people.models import TraineeCategory
from planning.models import TrainingPlan
from tests.conftest import client_for
from tests.course_helpers import D, make_course
from tests.test_assessment_fixtures import PDF

pytestmark = pytest.mark.django_db


def _plan_post(owner_org: Any, **extra: Any) -> dict[str, Any]:
    leaders = TraineeCategory.objects.get(code="to-truong-to-dan-van")
    data = {
        "issuer": owner_org.pk,
        "number": "68",
        "symbol": "KH/BDVTU",
        "year": 2023,
        "issue_date": "15/02/2023",
        "title": "Kế hoạch tập huấn lực lượng cốt cán năm 2023",
        "classes_target": 2,
        "target_total": 300,
        f"target_{leaders.pk}": 120,
    }
    data.update(extra)
    return data


def test_create_plan_with_targets(member: Any, owner_org: Any) -> None:
    response = client_for(member).post(reverse("planning:plan_create"), _plan_post(owner_org))
    assert response.status_code == 302
    plan = TrainingPlan.objects.get()
    assert plan.reference == "68-KH/BDVTU"
    assert sorted(plan.targets.values_list("trainees", flat=True)) == [120, 300]


def test_plan_number_unique_per_issuer_and_year(member: Any, owner_org: Any) -> None:
    client = client_for(member)
    client.post(reverse("planning:plan_create"), _plan_post(owner_org))
    response = client.post(reverse("planning:plan_create"), _plan_post(owner_org, title="Khác"))
    assert response.status_code == 200
    assert "đã có kế hoạch mang số này" in response.content.decode()
    assert TrainingPlan.objects.count() == 1
    client.post(
        reverse("planning:plan_create"), _plan_post(owner_org, year=2024, issue_date="02/01/2024")
    )
    assert TrainingPlan.objects.count() == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"issue_date": "30/02/2023"}, "Nhập một ngày hợp lệ"),
        ({"issue_date": "01/01/2019"}, "phải thuộc năm 2023"),
        ({"year": "năm ngoái"}, "Nhập một số nguyên"),
        ({"target_total": "-5"}, "lớn hơn hoặc bằng 0"),
        ({"target_total": "100"}, "lớn hơn tổng số học viên"),
        ({"notes": "x" * 5001}, "5000"),
        ({"target_total": "100000000000000000000"}, "nhỏ hơn hoặc bằng 10000000"),
    ],
)
def test_bad_plan_input(member: Any, owner_org: Any, extra: dict[str, Any], message: str) -> None:
    response = client_for(member).post(
        reverse("planning:plan_create"), _plan_post(owner_org, **extra)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainingPlan.objects.exists()


def test_attachment_checked_by_content(member: Any, owner_org: Any) -> None:
    fake = SimpleUploadedFile("kehoach.pdf", b"MZ\x90\x00 this is an executable", "application/pdf")
    response = client_for(member).post(
        reverse("planning:plan_create"), {**_plan_post(owner_org), "attachment": fake}
    )
    assert "không phải tài liệu" in response.content.decode()
    assert not TrainingPlan.objects.exists()
    real = SimpleUploadedFile("kehoach.pdf", PDF, "application/pdf")
    client_for(member).post(
        reverse("planning:plan_create"), {**_plan_post(owner_org), "attachment": real}
    )
    plan = TrainingPlan.objects.get()
    response = client_for(member).get(reverse("planning:plan_attachment", args=[plan.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_plan_page_shows_planned_vs_held_live(owner: Any, member: Any, owner_org: Any) -> None:
    client_for(member).post(reverse("planning:plan_create"), _plan_post(owner_org))
    plan = TrainingPlan.objects.get()
    first = make_course(owner_org, start=D(2023, 5, 1), plan=plan, capacity=150)
    make_course(owner_org, title="Lớp 2", start=D(2023, 9, 1), plan=plan, capacity=150)
    for status in ("approved", "running"):
        services.course_transition(actor=owner, course=first, to_status=status)
    first.trainee_count = 162
    first.save(update_fields=["trainee_count"])
    response = client_for(member).get(reverse("planning:plan_detail", args=[plan.pk]))
    progress = response.context["progress"]
    assert (progress.classes_held, progress.classes_target, progress.classes_planned) == (1, 2, 2)
    assert (progress.trainees_actual, progress.trainees_target, progress.trainees_expected) == (
        162,
        300,
        300,
    )
    assert "162 / 300" in response.content.decode()


def test_outsider_cannot_see_plan(outsider: Any, member: Any, owner_org: Any) -> None:
    client_for(member).post(reverse("planning:plan_create"), _plan_post(owner_org))
    plan = TrainingPlan.objects.get()
    assert (
        client_for(outsider).get(reverse("planning:plan_detail", args=[plan.pk])).status_code == 404
    )
    assert (
        plan.title not in client_for(outsider).get(reverse("planning:plan_list")).content.decode()
    )


def _stored_files(settings: Any) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_failed_plan_save_leaves_no_file_and_replaced_file_is_removed(
    member: Any, owner_org: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from planning import services as plan_services

    client = client_for(member)
    client.post(reverse("planning:plan_create"), _plan_post(owner_org))
    client.post(
        reverse("planning:plan_create"),
        _plan_post(owner_org, number="69", title="Kế hoạch khác"),
    )
    first, second = TrainingPlan.objects.order_by("number")
    pdf = PDF
    # Taking the other plan's number fails after the file would have been stored.
    with pytest.raises(Exception, match="đã có kế hoạch"):
        plan_services.plan_update(
            actor=member,
            plan=second,
            targets=[],
            attachment=SimpleUploadedFile("moi.pdf", pdf, "application/pdf"),
            number="68",
        )
    assert _stored_files(settings) == []
    second.refresh_from_db()
    assert not second.attachment
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_update(
            actor=member,
            plan=first,
            targets=[],
            attachment=SimpleUploadedFile("a.pdf", pdf, "application/pdf"),
        )
    assert _stored_files(settings) == ["a.pdf"]
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_update(
            actor=member,
            plan=first,
            targets=[],
            attachment=SimpleUploadedFile("b.pdf", pdf, "application/pdf"),
        )
    assert _stored_files(settings) == ["b.pdf"]
