"""Issue #4 item 4 in a real browser: a unit's focal point nominates people
against its quota, the committee approves one and rejects another with a
reason; the class fills, the next approval goes to the waiting list, and a
withdrawal promotes it automatically.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from core.roles import Role
from courses.models import Course
from geo.models import AdminUnit
from nominations import services
from nominations.models import Enrollment, Nomination
from orgs.models import OrganizationKind
from tests.browser import login, shot
from tests.conftest import ensure_reference_data
from tests.factories import OrganizationFactory, UserFactory
from tests.test_browser import page  # noqa: F401 - the fixture is reused
from tests.test_nominations_fixtures import make_person, make_unit, nominating_course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(db: Any) -> dict[str, Any]:
    """Bù Đăng's class with 4 places, 2 already taken by direct enrollments; the
    Front holds a quota of 4 (it may nominate more than the places left)."""
    ensure_reference_data()
    bu_dang = AdminUnit.objects.get(edition="legacy", level="district", name="Huyện Bù Đăng")
    committee = OrganizationFactory(name="Ban Dân vận Huyện ủy Bù Đăng", territory=bu_dang)
    front = make_unit(
        committee, "Ủy ban MTTQ Việt Nam huyện Bù Đăng", OrganizationKind.FATHERLAND_FRONT
    )
    staff: User = UserFactory(username="canbo.budang", full_name="Trần Văn Minh",
                              organization=committee, roles=[Role.COMMITTEE_STAFF])  # fmt: skip
    UserFactory(username="daumoi.budang", full_name="Lê Thị Thu", organization=front,
                roles=[Role.FOCAL_POINT])  # fmt: skip
    deadline = timezone.make_aware(datetime.datetime(2099, 5, 20, 17, 0))
    course = nominating_course(
        committee, capacity=4, deadline=deadline, title="Lớp bồi dưỡng công tác dân vận 2022"
    )
    services.quota_set(actor=staff, course=course, unit=front, places=4)
    for name in ("Phạm Văn Khách", "Hoàng Thị Lụa"):
        services.enroll_directly(actor=staff, course=course, person=make_person(committee, name))
    for name in ("Nguyễn Văn An", "Lê Văn Cường", "Trần Văn Dũng"):
        make_person(front, name, position="Tổ trưởng tổ dân vận")
    return {"course": course}


def _logout(browser_page: Any) -> None:
    browser_page.get_by_test_id("user-menu").click()
    browser_page.get_by_role("button", name="Đăng xuất").click()


def test_nominate_approve_waitlist_promote(page: Any, setting: dict[str, Any]) -> None:  # noqa: F811
    course: Course = setting["course"]

    # 1. The Front's focal point finds the class its unit holds a quota in.
    login(page, "daumoi.budang")
    page.goto("/nominations/mine/")
    table = page.get_by_test_id("my-courses")
    assert table.get_by_text("Lớp bồi dưỡng công tác dân vận 2022").is_visible()
    assert table.get_by_text("20/05/2099 17:00").is_visible()
    shot(page, "n-01-focal-classes")
    table.get_by_role("link", name="Cử học viên").click()

    # 2. An existing person, found by typing without accents (htmx fills the list).
    page.get_by_label("Tìm theo tên (gõ không dấu được)").fill("nguyen van an")
    people = page.get_by_label("Người được cử")
    people.locator("option", has_text="Lê Văn Cường").wait_for(state="detached")
    assert people.locator("option", has_text="Nguyễn Văn An").count() == 1
    people.select_option(label="Nguyễn Văn An — Tổ trưởng tổ dân vận")
    shot(page, "n-02-nominate-search")
    page.get_by_role("button", name="Cử đi học").click()
    page.get_by_text("Đã cử Nguyễn Văn An.").wait_for()

    # 3. Someone not yet on file: added to the unit's records and nominated at once.
    page.get_by_role("link", name="Thêm người mới và cử đi học").click()
    page.get_by_label("Họ và tên").fill("Đỗ Thị Hoa")
    page.get_by_label("hoặc năm sinh").fill("1985")
    page.get_by_label("Chức vụ").fill("Chi hội trưởng phụ nữ")
    shot(page, "n-03-new-person")
    page.get_by_role("button", name="Lưu và cử đi học").click()
    page.get_by_text("Đã thêm Đỗ Thị Hoa vào hồ sơ của đơn vị và cử vào lớp.").wait_for()
    for name in ("Lê Văn Cường", "Trần Văn Dũng"):
        page.get_by_label("Người được cử").select_option(label=f"{name} — Tổ trưởng tổ dân vận")
        page.get_by_role("button", name="Cử đi học").click()
        page.get_by_text(f"Đã cử {name}.").wait_for()
    assert page.get_by_test_id("remaining").inner_text() == "0"
    assert page.get_by_text("Đơn vị đã cử đủ chỉ tiêu.").is_visible()
    shot(page, "n-04-quota-used")
    _logout(page)

    # 4. The committee opens the class and its "Chỉ tiêu và học viên" page.
    login(page, "canbo.budang")
    page.goto(f"/courses/{course.pk}/")
    card = page.get_by_test_id("course-places")
    assert card.get_by_text("2 / 4").is_visible()
    shot(page, "n-05-class-card")
    card.get_by_role("link", name="Chỉ tiêu và học viên").click()
    panel = page.get_by_test_id("nomination-panel")
    panel.get_by_role("button", name="Duyệt Nguyễn Văn An").click()
    panel.get_by_text("Đã duyệt Nguyễn Văn An vào lớp.").wait_for()

    # A rejection needs a reason: refused without one, recorded with one.
    hoa = page.get_by_test_id("submitted").get_by_role("row").filter(has_text="Đỗ Thị Hoa")
    hoa.get_by_role("button", name="Không duyệt").click()
    page.get_by_text("Không duyệt phải ghi rõ lý do.").wait_for()
    assert Nomination.objects.get(person__full_name="Đỗ Thị Hoa").status == "submitted"
    page.get_by_label("Lý do không duyệt Đỗ Thị Hoa").fill("Không thuộc đối tượng của lớp")
    page.get_by_test_id("submitted").get_by_role("row").filter(has_text="Đỗ Thị Hoa").get_by_role(
        "button", name="Không duyệt"
    ).click()
    page.get_by_text("Đã ghi không duyệt Đỗ Thị Hoa.").wait_for()

    # The class fills; the next approval goes to the waiting list.
    page.get_by_role("button", name="Duyệt Lê Văn Cường").click()
    page.get_by_text("Đã duyệt Lê Văn Cường vào lớp.").wait_for()
    assert page.get_by_test_id("enrolled-of-capacity").inner_text() == "4 / 4"
    page.get_by_role("button", name="Duyệt Trần Văn Dũng").click()
    page.get_by_text("Lớp đã đủ chỗ: Trần Văn Dũng vào danh sách chờ, thứ tự 1.").wait_for()
    assert page.get_by_test_id("waiting").get_by_text("Trần Văn Dũng").is_visible()
    shot(page, "n-06-waiting-list")

    # A trainee leaves: the first waiting takes the place, and the log says so.
    page.get_by_label("Lý do rút Nguyễn Văn An").fill("Ốm, xin rút")
    page.get_by_test_id("enrollments").get_by_role("row").filter(
        has_text="Nguyễn Văn An"
    ).get_by_role("button", name="Rút").click()
    page.get_by_text(
        "Trần Văn Dũng được tự động chuyển từ danh sách chờ vào lớp.", exact=False
    ).wait_for()
    events = page.get_by_test_id("events")
    assert events.get_by_text(
        re.compile("Đã tự động chuyển Trần Văn Dũng .* từ danh sách chờ vào lớp thay cho Nguyễn")
    ).is_visible()
    assert page.get_by_test_id("enrolled-of-capacity").inner_text() == "4 / 4"
    assert page.get_by_test_id("waiting").get_by_text("Danh sách chờ trống.").is_visible()
    shot(page, "n-07-promoted")
    course.refresh_from_db()
    assert course.enrolled_count == 4
    assert Enrollment.objects.filter(course=course, status="enrolled").count() == 4

    # 5. The trainee list downloads as a spreadsheet.
    xlsx = page.request.get(f"/nominations/courses/{course.pk}/trainees.xlsx")
    assert xlsx.ok and xlsx.body().startswith(b"PK")
    _logout(page)

    # 6. The focal point sees each nomination's status and the reason given.
    login(page, "daumoi.budang")
    page.goto(f"/nominations/courses/{course.pk}/nominate/")
    mine = page.get_by_test_id("unit-nominations")
    assert (
        mine.get_by_role("row")
        .filter(has_text="Đỗ Thị Hoa")
        .get_by_text("Không thuộc đối tượng của lớp")
        .is_visible()
    )
    assert (
        mine.get_by_role("row")
        .filter(has_text="Trần Văn Dũng")
        .get_by_text("Đã duyệt")
        .is_visible()
    )
    shot(page, "n-08-focal-statuses")
