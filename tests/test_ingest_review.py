"""Review fixes: scope of the messages, one write per job, who a job runs as, column lengths,
nominations in valid-only mode, cancelling a check, crafted ODS files, progress of a write."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.functional import Promise
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.roles import Role
from geo.models import Level
from ingest import services
from ingest.columns import HeaderError
from ingest.lookups import LEVEL_WORDS
from ingest.models import ImportJob, ImportKind, ImportStatus
from ingest.reading import FileRejected, read_table
from ingest.services import import_file
from people.models import Person
from tests.conftest import client_for
from tests.factories import OrganizationFactory, UserFactory
from tests.test_ingest_helpers import GOOD, HEADERS, counts, csv_bytes, ods, xlsx


@pytest.fixture
def dn_org(dong_nai: Any) -> Any:
    return OrganizationFactory(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai", territory=dong_nai
    )


@pytest.fixture
def dn_user(dn_org: Any) -> Any:
    return UserFactory(username="dn", organization=dn_org, roles=[Role.COMMITTEE_MANAGER])


def _job(actor: Any, org: Any, rows: list[list[Any]], **options: Any) -> ImportJob:
    upload = SimpleUploadedFile("danh-sach.csv", csv_bytes(rows))
    return services.job_create(
        actor=actor, kind=ImportKind.PEOPLE, owner=org, upload=upload, **options
    )


def _report_text(job: ImportJob) -> str:
    with job.error_report.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    return " ".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


# --- 1. a CCCD found in the registry names only people the actor may see ------------------


def test_a_person_outside_the_actor_s_scope_is_never_named(
    owner: Any, owner_org: Any, outsider_org: Any
) -> None:
    secret = [1, "Nguyễn Văn An", "05/09/1975", "Nam", GOOD[0][4], "", ""]
    assert import_file(xlsx([HEADERS, secret]), owner=outsider_org, actor=None).written
    person = Person.objects.get(citizen_id=GOOD[0][4])
    rows = [
        HEADERS,
        [1, "Phạm Văn Dũng", "05/09/1975", "Nam", GOOD[0][4], "", ""],  # CCCD, another name
    ]
    job = services.job_submit(_job(owner, owner_org, rows))
    assert job.status == ImportStatus.REJECTED and Person.objects.count() == 1
    shown = str(job.summary) + " " + _report_text(job)
    assert "Số CCCD này đã có trong hệ thống (hồ sơ do đơn vị khác quản lý)." in shown
    for leak in ("Nguyễn Văn An", "Lộc Ninh", f"#{person.pk}", "1975,"):
        assert leak not in shown, leak
    # The same person (same name): not changeable, and still not named nor their unit.
    job = services.job_submit(_job(owner, owner_org, [HEADERS, secret]))
    shown = str(job.summary) + " " + _report_text(job)
    assert "hồ sơ do đơn vị khác quản lý" in shown
    assert "Lộc Ninh" not in shown
    assert all(not s["person"] for bucket in job.summary["samples"].values() for s in bucket)


# --- 2. two confirmations at once write once ----------------------------------------------


def test_confirming_twice_writes_once(dn_org: Any, dn_user: Any, monkeypatch: Any) -> None:
    job = services.job_submit(_job(dn_user, dn_org, [HEADERS, *GOOD]))
    assert job.status == ImportStatus.PREVIEW
    # Both requests read the job while it still waited for confirmation.
    stale = ImportJob.objects.select_related("owner", "created_by").get(pk=job.pk)
    second = ImportJob.objects.select_related("owner", "created_by").get(pk=job.pk)
    services.job_confirm(actor=dn_user, job=stale)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.summary["written"]["created"] == 2
    monkeypatch.setattr(services, "get_for_user", lambda *args, **kwargs: second)
    with pytest.raises(ValidationError, match="đang được ghi hoặc đã ghi xong"):
        services.job_confirm(actor=dn_user, job=second)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.summary["written"]["created"] == 2
    assert Person.objects.count() == 2


def test_a_job_being_written_is_not_written_again_nor_cancelled(
    dn_org: Any, dn_user: Any, monkeypatch: Any
) -> None:
    job = services.job_submit(_job(dn_user, dn_org, [HEADERS, *GOOD]))
    stale = ImportJob.objects.select_related("owner", "created_by").get(pk=job.pk)
    # Another request claimed it a moment ago and is writing.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING)
    monkeypatch.setattr(services, "get_for_user", lambda *args, **kwargs: stale)
    with pytest.raises(ValidationError, match="đang được ghi hoặc đã ghi xong"):
        services.job_confirm(actor=dn_user, job=stale)
    assert Person.objects.count() == 0
    with pytest.raises(ValidationError):
        services.job_cancel(actor=dn_user, job=stale)
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.WRITING


# --- 3. a job runs as its creator, who must still be active ---------------------------------


def test_a_job_whose_creator_is_gone_or_inactive_does_not_run(dn_org: Any, dn_user: Any) -> None:
    gone = _job(dn_user, dn_org, [HEADERS, *GOOD])
    ImportJob.objects.filter(pk=gone.pk).update(created_by=None)
    gone.refresh_from_db()
    gone = services.job_submit(gone)
    assert gone.status == ImportStatus.FAILED and "không còn hoạt động" in gone.message
    assert ImportJob.objects.get(pk=gone.pk).status == ImportStatus.FAILED
    # Checked while the creator was active, confirmed by a colleague after they left.
    job = services.job_submit(_job(dn_user, dn_org, [HEADERS, *GOOD]))
    assert job.status == ImportStatus.PREVIEW
    dn_user.is_active = False
    dn_user.save(update_fields=["is_active"])
    colleague = UserFactory(organization=dn_org, roles=[Role.COMMITTEE_MANAGER])
    with pytest.raises(ValidationError, match="không còn hoạt động"):
        services.job_confirm(actor=colleague, job=job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and Person.objects.count() == 0
    # A background task of such a job does nothing either.
    inactive = _job(colleague, dn_org, [HEADERS, *GOOD])
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    from ingest import tasks

    tasks.check_job.call(inactive.pk)
    inactive.refresh_from_db()
    assert inactive.status == ImportStatus.FAILED and Person.objects.count() == 0


# --- 4. text longer than its column is a row error, not a database error ---------------------


def test_a_too_long_middle_name_is_a_row_error(dn_org: Any, dn_user: Any) -> None:
    middle = "Văn" * 27  # 81 characters: the column holds 80
    long_name = [3, f"Lê {middle} Cường", "01/02/1980", "Nam", "", *GOOD[0][5:]]
    outcome = import_file(xlsx([HEADERS, GOOD[0], long_name]), owner=dn_org, actor=dn_user)
    assert outcome.written is None
    errors = [(e.row, e.column, e.message) for e in outcome.check.errors]
    assert errors == [(3, "Họ và tên", "Tên đệm dài 81 ký tự, vượt giới hạn 80 ký tự.")]
    # Only the valid rows: the long one is left out, nothing fails in the database.
    outcome = import_file(
        xlsx([HEADERS, GOOD[0], long_name]), owner=dn_org, actor=dn_user, valid_only=True
    )
    assert outcome.written is not None and outcome.written.created == 1
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Nguyễn Văn An"]


def test_too_long_parts_and_position_name_their_columns(dn_org: Any, dn_user: Any) -> None:
    headers = ["Họ", "Tên đệm", "Tên", "Năm sinh", "Chức vụ"]
    rows = [headers, ["N" * 51, "Văn", "An", 1975, "x" * 201]]
    outcome = import_file(xlsx(rows), owner=dn_org, actor=dn_user)
    found = {(e.column, e.message) for e in outcome.check.errors}
    assert ("Họ", "Họ dài 51 ký tự, vượt giới hạn 50 ký tự.") in found
    assert ("Chức vụ", "Chức vụ dài 201 ký tự, vượt giới hạn 200 ký tự.") in found
    assert Person.objects.count() == 0


# --- 5. valid-only nominations keep nobody from a refused row -----------------------------


def test_valid_only_nominations_leave_no_person_of_a_refused_row(dn_org: Any) -> None:
    from courses.models import Course
    from nominations.models import Nomination, Quota
    from tests.course_helpers import make_course

    front = OrganizationFactory(
        name="Ủy ban MTTQ Việt Nam xã Bù Đăng", kind="fatherland_front", territory=dn_org.territory
    )
    focal = UserFactory(username="daumoi", organization=front, roles=[Role.FOCAL_POINT])
    course = make_course(dn_org, title="Lớp cấp xã", capacity=30)
    Course.objects.filter(pk=course.pk).update(status="nominating")
    course.refresh_from_db()
    Quota.objects.create(course=course, unit=front, places=1)
    before = counts()
    outcome = import_file(
        xlsx([HEADERS, *GOOD]), owner=front, actor=focal, course=course, valid_only=True
    )
    assert outcome.written is not None
    assert (outcome.written.created, outcome.written.nominated) == (1, 1)
    assert [e.row for e in outcome.written.errors] == [3]
    assert Nomination.objects.count() == 1
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Nguyễn Văn An"]
    # One person and one history line more: nothing left of row 3.
    assert counts()[:2] == (before[0] + 1, before[1] + 1)


# --- 6. a cancel during a check sticks --------------------------------------------------


def test_cancelling_during_a_check_sticks(dn_org: Any, dn_user: Any, monkeypatch: Any) -> None:
    job = _job(dn_user, dn_org, [HEADERS, *GOOD])
    original = services.import_table

    def cancelled_meanwhile(*args: Any, **kwargs: Any) -> Any:
        outcome = original(*args, **kwargs)
        services.job_cancel(actor=dn_user, job=job)  # the user's click, while checking
        return outcome

    monkeypatch.setattr(services, "import_table", cancelled_meanwhile)
    job = services.job_submit(job)
    assert job.status == ImportStatus.CANCELLED
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.CANCELLED
    # A cancelled job is not checked again.
    monkeypatch.setattr(services, "import_table", original)
    assert services.job_check(job).status == ImportStatus.CANCELLED


# --- 7. crafted ODS files ------------------------------------------------------------------


def _ods_with(old: str, new: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(ods([HEADERS, *GOOD])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "content.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            archive.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "<table:table-row>",
            '<table:table-row table:number-rows-repeated="nhiều">',
            "Tệp ODS bị hỏng: số lần lặp lại dòng hoặc cột “nhiều” không hợp lệ.",
        ),
        (
            '<table:table-cell office:value-type="string">',
            '<table:table-cell table:number-columns-repeated="-3" office:value-type="string">',
            "không hợp lệ",
        ),
        (
            "<table:table-row>",
            '<table:table-row table:number-rows-repeated="50000000">',
            "vượt giới hạn 200.000 dòng",
        ),
        (
            '<table:table-cell office:value-type="string">',
            '<table:table-cell table:number-columns-repeated="90000000"'
            ' office:value-type="string">',
            "vượt giới hạn 60 cột",
        ),
    ],
)
def test_crafted_ods_repeat_counts_are_refused(
    dn_org: Any, dn_user: Any, old: str, new: str, message: str
) -> None:
    before = counts()
    with pytest.raises((FileRejected, HeaderError)) as caught:
        import_file(_ods_with(old, new), owner=dn_org, actor=dn_user)
    assert message in str(caught.value)
    assert counts() == before


def test_ods_padding_to_the_full_sheet_still_reads() -> None:
    padding = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    data = _ods_with("</table:table>", padding + "</table:table>")
    assert [row[1] for row in read_table(data).rows[1:3]] == ["Nguyễn Văn An", "Trần Thị Bình"]


# --- 8. level words are translatable --------------------------------------------------------


def test_level_words_are_translatable() -> None:
    assert all(isinstance(word, Promise) for word in LEVEL_WORDS.values())
    assert str(LEVEL_WORDS[Level.COMMUNE]) == "xã/phường"


# --- 9. the write phase's progress is read from the cache -----------------------------------


def test_progress_of_a_write_is_read_from_the_cache(dn_org: Any, dn_user: Any) -> None:
    job = services.job_submit(_job(dn_user, dn_org, [HEADERS, *GOOD]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.WRITING, progress_done=0)
    services._JobProgress(job)(3, 10)
    assert services.cached_progress(job) == (3, 10)
    cache.set(services.progress_key(job.pk), (7, 9))  # the write transaction's progress
    response = client_for(dn_user).get(reverse("ingest:job_progress", args=[job.pk]))
    assert "7/9" in response.content.decode()
    cache.delete(services.progress_key(job.pk))
