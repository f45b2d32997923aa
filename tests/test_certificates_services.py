"""Certificates: numbering, refusal of trainees not completed, revoke/reissue history, PDF."""

from __future__ import annotations

import datetime
import re
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from certificates import documents, services
from certificates.models import Certificate, CertificateSeries, CertificateStatus
from nominations.models import Enrollment
from tests.course_helpers import make_course
from tests.test_nominations_fixtures import make_person

SIGN = services.Signature(datetime.date(2022, 5, 27), "Nguyễn Văn Bình", "Trưởng ban")


def trainees(course: Any, n: int, *, completed: bool = True) -> list[Enrollment]:
    return [
        Enrollment.objects.create(
            course=course,
            person=make_person(
                course.owner, f"Nguyễn Thị Học Viên{i}", birth_date=datetime.date(1980, 1, i + 1)
            ),
            completed=completed,
        )
        for i in range(n)
    ]


@pytest.fixture
def course(owner_org: Any) -> Any:
    return make_course(owner_org)


def test_numbers_are_sequential_per_issuer_and_year(course: Any, owner: Any) -> None:
    first, second, third = trainees(course, 3)
    a = services.issue(actor=owner, enrollment=first, signature=SIGN)
    b, c = services.issue_many(
        actor=owner, course=course, enrollments=[second, third], signature=SIGN
    )
    assert [a.number, b.number, c.number] == [1, 2, 3]
    assert a.register == "1/2022/GCN-BDV"
    assert CertificateSeries.objects.get(issuer=course.owner, year=2022).next_number == 4
    other_year = services.Signature(datetime.date(2023, 1, 2), "A", "B")
    services.revoke(actor=owner, certificate=a, reason="Sai tên")
    d = services.reissue(actor=owner, certificate=a, reason="x", signature=other_year)
    assert d.number == 1 and d.series.year == 2023
    # Numbers restart each year; the year in the number keeps them apart.
    assert (a.register, d.register) == ("1/2022/GCN-BDV", "1/2023/GCN-BDV")


def test_custom_pattern(course: Any, owner: Any) -> None:
    CertificateSeries.objects.create(
        issuer=course.owner, year=2022, pattern="{number}/GCN-BDVHU", next_number=15
    )
    cert = services.issue(actor=owner, enrollment=trainees(course, 1)[0], signature=SIGN)
    assert cert.register == "15/2022/GCN-BDVHU"  # the year follows the number


def test_not_completed_is_refused_and_nothing_written(course: Any, owner: Any) -> None:
    (enrollment,) = trainees(course, 1, completed=False)
    with pytest.raises(ValidationError, match="chưa hoàn thành"):
        services.issue(actor=owner, enrollment=enrollment, signature=SIGN)
    assert not Certificate.objects.exists()
    assert not CertificateSeries.objects.exists()


def test_one_valid_certificate_per_trainee(course: Any, owner: Any) -> None:
    (enrollment,) = trainees(course, 1)
    services.issue(actor=owner, enrollment=enrollment, signature=SIGN)
    with pytest.raises(ValidationError, match="còn hiệu lực"):
        services.issue(actor=owner, enrollment=enrollment, signature=SIGN)
    assert CertificateSeries.objects.get().next_number == 2


def test_outsider_may_not_issue(course: Any, outsider: Any) -> None:
    (enrollment,) = trainees(course, 1)
    with pytest.raises(PermissionDenied):
        services.issue(actor=outsider, enrollment=enrollment, signature=SIGN)


def test_revoke_needs_reason_and_reissue_keeps_history(course: Any, owner: Any) -> None:
    (enrollment,) = trainees(course, 1)
    old = services.issue(actor=owner, enrollment=enrollment, signature=SIGN)
    with pytest.raises(ValidationError, match="lý do"):
        services.revoke(actor=owner, certificate=old, reason="  ")
    new = services.reissue(actor=owner, certificate=old, reason="Sai ngày sinh", signature=SIGN)
    old.refresh_from_db()
    assert old.status == CertificateStatus.REVOKED and old.revoke_reason == "Sai ngày sinh"
    assert old.revoked_by == owner
    assert new.replaces == old and new.number == 2 and new.code != old.code
    with pytest.raises(ValidationError):
        services.reissue(actor=owner, certificate=old, reason="again", signature=SIGN)


def test_pdf_bytes(course: Any, owner: Any) -> None:
    certs = services.issue_many(
        actor=owner, course=course, enrollments=trainees(course, 2), signature=SIGN
    )
    pdf = documents.render(course, certs, "http://testserver")
    assert pdf.startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_repeats_or_skips(owner_org: Any, owner: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    course = make_course(owner_org)
    enrollments = trainees(course, 12)
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def work(chunk: list[Enrollment]) -> None:
        try:
            barrier.wait()
            for enrollment in chunk:
                services.issue(actor=None, enrollment=enrollment, signature=SIGN)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(enrollments[i::6],)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))
    assert CertificateSeries.objects.get().next_number == 13


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("issued_on", "message"),
    [
        (datetime.date(2022, 5, 20), "trước ngày kết thúc lớp (27/05/2022)"),
        (datetime.date(9999, 12, 31), "quá xa"),
    ],
)
def test_issue_date_must_follow_the_class_and_not_run_far_ahead(
    course: Any, owner: Any, issued_on: datetime.date, message: str
) -> None:
    (enrollment,) = trainees(course, 1)
    signature = services.Signature(issued_on, "Nguyễn Văn Bình", "Trưởng ban")
    with pytest.raises(ValidationError, match=re.escape(message)):
        services.issue(actor=owner, enrollment=enrollment, signature=signature)
    with pytest.raises(ValidationError, match=re.escape(message)):
        services.batch_create(
            actor=owner, course=course, signature=signature, verify_base="http://x/"
        )
    assert not Certificate.objects.exists() and not CertificateSeries.objects.exists()
