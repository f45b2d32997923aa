"""Demo plans, classes, programmes, lecturers and guests of the five scenarios (DESIGN.md §5).

Built only through the services, so every rule (dates, lecturer and room
clashes, workflow history) holds for the demo data too.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from courses import services
from courses.models import Course, Topic
from geo.models import AdminUnit
from orgs.models import Organization
from people.models import Lecturer, TraineeCategory
from planning.services import plan_create

D = datetime.date
T = datetime.time

TOPICS = {
    "tinh-hinh-moi": "Công tác dân vận trong tình hình mới",
    "chinh-quyen": "Công tác dân vận chính quyền",
    "dan-chu": "Xây dựng và thực hiện quy chế dân chủ ở cơ sở",
    "dan-toc-ton-giao": "Công tác dân vận vùng đồng bào dân tộc thiểu số, tôn giáo",
    "dan-van-kheo": "Phong trào thi đua “Dân vận khéo”",
    "du-luan": "Nắm bắt dư luận xã hội, xử lý tình huống ở cơ sở, kỹ năng giao tiếp với nhân dân",
    "khong-gian-mang": "Bảo vệ nền tảng tư tưởng của Đảng trên không gian mạng",
    "an-ninh": "Tình hình an ninh trật tự và công tác bảo đảm an ninh ở cơ sở",
    "cot-can": "Xây dựng lực lượng cốt cán trong vùng đồng bào dân tộc, tôn giáo",
}
TAGS = {
    "dan-chu": "dân chủ cơ sở, quy chế dân chủ",
    "dan-toc-ton-giao": "dân tộc, tôn giáo",
    "khong-gian-mang": "không gian mạng, tư tưởng",
    "an-ninh": "công an, an ninh trật tự",
}


def _org(name: str) -> Organization:
    return Organization.objects.select_related("territory").get(name=name)


def _category(code: str) -> TraineeCategory:
    return TraineeCategory.objects.get(code=code)


def _programme(
    course: Course,
    rows: Sequence[tuple[D, str, str, str | None, Sequence[Lecturer], T | None, T | None]],
    topics: dict[str, Topic],
) -> None:
    for day, half, kind, topic_key, lecturers, start, end in rows:
        services.session_create(
            actor=None,
            course=course,
            date=day,
            half_day=half,
            kind=kind,
            topic=topics[topic_key] if topic_key else None,
            lecturers=list(lecturers),
            start_time=start,
            end_time=end,
        )


def _advance(course: Course, *statuses: str) -> None:
    for status in statuses:
        services.course_transition(actor=None, course=course, to_status=status)


def demo_courses_load() -> None:
    central = _org("Ban Tuyên giáo và Dân vận Trung ương")
    binh_phuoc = _org("Ban Dân vận Tỉnh ủy Bình Phước")
    topics = {
        key: services.topic_create(actor=None, owner=central, title=title, tags=TAGS.get(key, ""))
        for key, title in TOPICS.items()
    }
    hung = services.lecturer_create(
        actor=None,
        owner=central,
        full_name="Nguyễn Văn Hùng",
        academic_title="TS",
        position="Chánh Văn phòng Ban Dân vận Trung ương",
        organization=central,
        topics=[topics["tinh-hinh-moi"], topics["dan-chu"]],
    )
    binh = services.lecturer_create(
        actor=None,
        owner=binh_phuoc,
        full_name="Trần Thị Bình",
        academic_title="ThS",
        position="Phó Trưởng Ban Dân vận Tỉnh ủy Bình Phước",
        organization=binh_phuoc,
        topics=[topics["chinh-quyen"], topics["dan-van-kheo"], topics["du-luan"]],
    )
    _scenario_1(binh_phuoc, topics, hung, binh)
    _scenario_2(topics, hung)
    _scenario_3(topics)
    _scenario_4(topics, hung)
    _scenario_5(topics, binh)


def _scenario_1(
    owner: Organization, topics: dict[str, Topic], hung: Lecturer, binh: Lecturer
) -> None:
    """2017: 11 districts and towns of Bình Phước in 5 cluster classes, ~950 trainees."""
    plan = plan_create(
        actor=None,
        issuer=owner,
        number="15",
        symbol="KH/BDVTU",
        year=2017,
        issue_date=D(2017, 3, 10),
        classes_target=5,
        title="Kế hoạch bồi dưỡng nghiệp vụ công tác dân vận cho tổ trưởng tổ dân vận năm 2017",
        targets=[(None, 950), (_category("to-truong-to-dan-van"), 866)],
    )
    province: AdminUnit = owner.territory
    by_name = {u.short_name: u for u in province.children.all()}
    groups = [
        ("Bình Long", ["Bình Long", "Hớn Quản", "Chơn Thành"], 206),
        ("Lộc Ninh", ["Lộc Ninh", "Bù Đốp"], 178),
        ("Bù Đăng", ["Bù Đăng", "Phú Riềng"], 189),
        ("Phước Long", ["Phước Long", "Bù Gia Mập"], 181),
        ("Đồng Xoài", ["Đồng Xoài", "Đồng Phú"], 198),
    ]
    template = services.CourseData(
        kind="training",
        title="Lớp bồi dưỡng nghiệp vụ công tác dân vận năm 2017",
        owner=owner,
        start_date=D(2017, 6, 5),
        end_date=D(2017, 6, 6),
        capacity=190,
        plan=plan,
        audience=[_category("to-truong-to-dan-van"), _category("can-bo-dan-van-xa")],
    )
    parts = [
        services.ClusterPart(
            venue=f"Hội trường Trung tâm Bồi dưỡng chính trị {town}",
            venue_unit=by_name[town],
            catchment_units=[by_name[name] for name in names],
            start_date=D(2017, 6, 5 + 3 * i),
            end_date=D(2017, 6, 6 + 3 * i),
        )
        for i, (town, names, _count) in enumerate(groups)
    ]
    courses = services.cluster_create(
        actor=None,
        template=template,
        cluster_title="Cụm lớp tổ trưởng tổ dân vận 2017",
        parts=parts,
    )
    for course, (_town, _names, count) in zip(courses, groups, strict=True):
        day1, day2 = course.start_date, course.end_date
        _programme(
            course,
            [
                (day1, "morning", "opening", None, [], T(7, 30), T(8, 0)),
                (day1, "morning", "lecture", "tinh-hinh-moi", [hung], T(8, 0), T(11, 30)),
                (day1, "afternoon", "lecture", "chinh-quyen", [binh], T(13, 30), T(15, 0)),
                (day1, "afternoon", "lecture", "dan-chu", [hung], T(15, 15), T(17, 0)),
                (day2, "morning", "lecture", "dan-van-kheo", [binh], T(7, 30), T(9, 30)),
                (day2, "morning", "lecture", "dan-toc-ton-giao", [hung], T(9, 45), T(11, 30)),
                (day2, "afternoon", "lecture", "du-luan", [binh], T(13, 30), T(15, 0)),
                (day2, "afternoon", "discussion", None, [], T(15, 0), T(16, 30)),
                (day2, "afternoon", "closing", None, [], T(16, 30), T(17, 0)),
            ],
            topics,
        )
        services.guest_add(
            actor=None,
            course=course,
            full_name="Nguyễn Văn Lợi",
            title="Phó Bí thư Thường trực Tỉnh ủy",
            organization="Tỉnh ủy Bình Phước",
            gives_opening_speech=True,
        )
        _advance(course, "approved", "running", "completed", "reported")
        course.trainee_count = count
        course.save(update_fields=["trainee_count"])


def _scenario_2(topics: dict[str, Topic], hung: Lecturer) -> None:
    """2020: one one-day conference, 300+ delegates, one central lecturer, two topics."""
    owner = _org("Ban Dân vận Tỉnh ủy Quảng Bình")
    data = services.CourseData(
        kind="conference",
        title="Hội nghị tập huấn nghiệp vụ công tác dân vận năm 2020",
        owner=owner,
        start_date=D(2020, 9, 17),
        end_date=D(2020, 9, 17),
        capacity=300,
        trainee_count=320,
        venue="Hội trường Tỉnh ủy Quảng Bình",
        co_organizers=[_org("Ủy ban MTTQ Việt Nam tỉnh Quảng Bình")],
        audience=[
            _category("mttq-doan-the"),
            _category("dan-van-chinh-quyen"),
            _category("can-bo-dan-van-huyen"),
        ],
    )
    course = services.course_create(actor=None, data=data)
    day = course.start_date
    _programme(
        course,
        [
            (day, "morning", "opening", None, [], T(7, 30), T(8, 0)),
            (day, "morning", "lecture", "tinh-hinh-moi", [hung], T(8, 0), T(11, 30)),
            (day, "afternoon", "lecture", "dan-chu", [hung], T(13, 30), T(16, 30)),
            (day, "afternoon", "closing", None, [], T(16, 30), T(17, 0)),
        ],
        topics,
    )
    for name, title, speech in [
        ("Hoàng Đăng Quang", "Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy", False),
        ("Trần Hải Châu", "Phó Bí thư Thường trực Tỉnh ủy", True),
        ("Nguyễn Thị Hồng Thắm", "Trưởng Ban Dân vận Tỉnh ủy", False),
    ]:
        services.guest_add(
            actor=None,
            course=course,
            full_name=name,
            title=title,
            organization="Tỉnh ủy Quảng Bình",
            gives_opening_speech=speech,
        )
    _advance(course, "approved", "running", "completed")


def _scenario_3(topics: dict[str, Topic]) -> None:
    """2023: a city's training conference under plan 68-KH/BDVTU, taught by the city police."""
    owner = _org("Ban Dân vận Thành ủy Buôn Ma Thuột")
    police = _org("Công an thành phố Buôn Ma Thuột")
    plan = plan_create(
        actor=None,
        issuer=owner,
        number="68",
        symbol="KH/BDVTU",
        year=2023,
        issue_date=D(2023, 2, 20),
        classes_target=1,
        title="Kế hoạch tập huấn lực lượng cốt cán trong khu dân cư, tôn giáo, dân tộc năm 2023",
        targets=[(_category("luc-luong-cot-can"), 150), (_category("nguoi-co-uy-tin"), 50)],
    )
    lecturers = [
        services.lecturer_create(
            actor=None,
            owner=owner,
            full_name=name,
            position=position,
            organization=police,
            topics=[topics[key]],
        )
        for name, position, key in [
            ("Y Nguyên Êban", "Phó Trưởng Công an thành phố", "an-ninh"),
            ("Lê Quang Vinh", "Đội trưởng Đội An ninh", "cot-can"),
        ]
    ]
    data = services.CourseData(
        kind="conference",
        owner=owner,
        plan=plan,
        start_date=D(2023, 4, 12),
        end_date=D(2023, 4, 12),
        capacity=200,
        trainee_count=196,
        title="Hội nghị tập huấn lực lượng cốt cán trong khu dân cư, tôn giáo, dân tộc năm 2023",
        venue="Hội trường Thành ủy Buôn Ma Thuột",
        audience=[_category("luc-luong-cot-can"), _category("nguoi-co-uy-tin")],
    )
    course = services.course_create(actor=None, data=data)
    day = course.start_date
    _programme(
        course,
        [
            (day, "morning", "opening", None, [], T(7, 30), T(8, 0)),
            (day, "morning", "lecture", "an-ninh", [lecturers[0]], T(8, 0), T(11, 0)),
            (day, "afternoon", "lecture", "cot-can", [lecturers[1]], T(13, 30), T(16, 30)),
        ],
        topics,
    )
    _advance(course, "approved", "running", "completed", "reported")


def _scenario_4(topics: dict[str, Topic], hung: Lecturer) -> None:
    """A province committee with its political school: 3 days, five topics."""
    owner = _org("Ban Dân vận Tỉnh ủy Hà Giang")
    school = _org("Trường Chính trị tỉnh Hà Giang")
    lecturer = services.lecturer_create(
        actor=None,
        owner=owner,
        full_name="Vàng Thị Mai",
        academic_title="ThS",
        position="Trưởng khoa Xây dựng Đảng, Trường Chính trị tỉnh",
        organization=school,
        topics=[topics["chinh-quyen"], topics["dan-toc-ton-giao"], topics["khong-gian-mang"]],
    )
    data = services.CourseData(
        kind="training",
        owner=owner,
        start_date=D(2024, 8, 20),
        end_date=D(2024, 8, 22),
        title="Lớp bồi dưỡng nghiệp vụ công tác dân vận cho lãnh đạo sở, ngành, MTTQ và đoàn thể",
        capacity=120,
        venue="Trường Chính trị tỉnh Hà Giang",
        co_organizers=[school],
        audience=[_category("dan-van-chinh-quyen"), _category("mttq-doan-the")],
    )
    course = services.course_create(actor=None, data=data)
    d1, d2, d3 = D(2024, 8, 20), D(2024, 8, 21), D(2024, 8, 22)
    _programme(
        course,
        [
            (d1, "morning", "opening", None, [], T(7, 30), T(8, 0)),
            (d1, "morning", "lecture", "tinh-hinh-moi", [hung], None, None),
            (d1, "afternoon", "lecture", "chinh-quyen", [lecturer], None, None),
            (d2, "morning", "lecture", "dan-toc-ton-giao", [lecturer], None, None),
            (d2, "afternoon", "lecture", "khong-gian-mang", [lecturer], None, None),
            (d3, "morning", "lecture", "dan-van-kheo", [hung], None, None),
            (d3, "afternoon", "discussion", None, [], T(13, 30), T(16, 0)),
            (d3, "afternoon", "closing", None, [], T(16, 0), T(17, 0)),
        ],
        topics,
    )
    _advance(course, "approved")


def _scenario_5(topics: dict[str, Topic], binh: Lecturer) -> None:
    """2022: a district committee with its political centre, 59 trainees, 3 days, 6 topics."""
    owner = _org("Ban Dân vận Huyện ủy Bù Đăng")
    centre = _org("Trung tâm Chính trị huyện Bù Đăng")
    local = services.lecturer_create(
        actor=None,
        owner=owner,
        full_name="Điểu Văn Thành",
        position="Trưởng Ban Dân vận Huyện ủy",
        organization=owner,
        topics=[topics["dan-chu"], topics["cot-can"]],
    )
    data = services.CourseData(
        kind="training",
        owner=owner,
        start_date=D(2022, 5, 25),
        end_date=D(2022, 5, 27),
        title="Lớp bồi dưỡng nghiệp vụ công tác dân vận năm 2022",
        capacity=60,
        trainee_count=59,
        venue="Trung tâm Chính trị huyện Bù Đăng",
        co_organizers=[centre],
        audience=[_category("can-bo-dan-van-xa"), _category("bi-thu-chi-bo")],
    )
    course = services.course_create(actor=None, data=data)
    d1, d2, d3 = D(2022, 5, 25), D(2022, 5, 26), D(2022, 5, 27)
    _programme(
        course,
        [
            (d1, "morning", "opening", None, [], T(7, 30), T(8, 0)),
            (d1, "morning", "lecture", "tinh-hinh-moi", [local], T(8, 0), T(11, 30)),
            (d1, "afternoon", "lecture", "chinh-quyen", [binh], None, None),
            (d2, "morning", "lecture", "dan-chu", [local], None, None),
            (d2, "afternoon", "lecture", "dan-van-kheo", [binh], None, None),
            (d3, "morning", "lecture", "du-luan", [binh], None, None),
            (d3, "afternoon", "lecture", "cot-can", [local], T(13, 30), T(15, 0)),
            (d3, "afternoon", "assignment", None, [], T(15, 0), T(16, 30)),
            (d3, "afternoon", "closing", None, [], T(16, 30), T(17, 0)),
        ],
        topics,
    )
    _advance(course, "approved", "running", "completed")
