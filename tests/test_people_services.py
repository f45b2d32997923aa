"""The person registry's services: create, edit, history, duplicates, merge."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.roles import Role
from geo.models import AdminUnit, Level
from geo.services import village_create
from nominations.models import Enrollment, Nomination, NominationStatus
from orgs.models import Organization, OrganizationKind
from people import selectors, services
from people.models import ChangeAction, Person, PersonChange, Roster, RosterMember, TraineeCategory
from people.reference import seed_trainee_categories
from people.services import PersonData
from tests.course_helpers import make_course, make_lecturer
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
# A valid CCCD: Bình Phước (070), a man born in 1985.
CCCD_MAN_1985 = "070085001234"


def commune_of(district: AdminUnit, index: int = 0) -> AdminUnit:
    return district.children.filter(level=Level.COMMUNE).order_by("sort_key")[index]


def make_person(owner_org: Organization, full_name: str = "Nguyễn Văn An", **values: Any) -> Person:
    return services.person_create(
        actor=None, owner=owner_org, data=PersonData.from_full_name(full_name, **values)
    )


def category(code: str) -> TraineeCategory:
    seed_trainee_categories(TraineeCategory)
    return TraineeCategory.objects.get(code=code)


def enroll(person: Person, course: Any, *, completed: bool = False) -> Enrollment:
    return Enrollment.objects.create(
        course=course, person=person, unit=course.owner, completed=completed
    )


def test_create_splits_name_and_records_every_value(
    owner: Any, owner_org: Any, bu_dang: Any
) -> None:
    commune = commune_of(bu_dang)
    leader = category("to-truong-to-dan-van")
    person = services.person_create(
        actor=owner,
        owner=owner_org,
        data=PersonData.from_full_name(
            "  nguyễn   Văn  An ",
            sex="nam",
            birth_date=D(1985, 3, 2),
            citizen_id="070 085 001 234",
            phone="+84 912.345.678",
            home_unit=commune,
            categories=[leader],
            ethnicity="01",
        ),
        note="Nhập tay",
    )
    person.refresh_from_db()
    assert (person.family_name, person.middle_name, person.given_name) == ("nguyễn", "Văn", "An")
    assert person.citizen_id == CCCD_MAN_1985 and person.phone == "0912345678"
    assert person.birth_year == 1985
    assert person.identity_key == f"nguyen van an|1985-03-02|{commune.pk}"
    assert list(person.categories.all()) == [leader]
    change = person.changes.get()
    assert change.action == ChangeAction.CREATE and change.by == owner and change.note == "Nhập tay"
    assert change.changes["citizen_id"] == [None, CCCD_MAN_1985]
    assert change.changes["categories"] == [None, [leader.name]]
    assert change.changes["birth_date"] == [None, "02/03/1985"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"citizen_id": "07008500123"}, "citizen_id"),  # 11 digits
        ({"citizen_id": "999085001234"}, "citizen_id"),  # no such province
        ({"citizen_id": CCCD_MAN_1985, "sex": "nu"}, "citizen_id"),  # a man's number
        ({"citizen_id": CCCD_MAN_1985, "birth_year": 1986}, "citizen_id"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "09x1234567"}, "phone"),
        ({"birth_date": D(2999, 1, 1)}, "birth_date"),
        ({"birth_date": D(1850, 1, 1)}, "birth_date"),
        ({"birth_year": 1850}, "birth_year"),
        ({"birth_date": D(1980, 1, 1), "birth_year": 1981}, "birth_year"),
        ({"party_joined_on": D(2000, 1, 1)}, "party_joined_on"),  # not a member
        ({"is_party_member": True, "party_joined_on": D(2999, 1, 1)}, "party_joined_on"),
        (
            {"is_party_member": True, "birth_year": 1990, "party_joined_on": D(2000, 1, 1)},
            "party_joined_on",
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    owner: Any, owner_org: Any, values: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        services.person_create(
            actor=owner, owner=owner_org, data=PersonData.from_full_name("Lê Thị Hoa", **values)
        )
    assert field in info.value.message_dict
    assert not Person.objects.exists() and not PersonChange.objects.exists()


def test_name_must_have_family_and_given_name() -> None:
    with pytest.raises(ValidationError) as info:
        PersonData.from_full_name("Hoa")
    assert "full_name" in info.value.message_dict


def test_same_citizen_id_is_refused_with_the_name_when_visible(
    owner: Any, owner_org: Any, outsider: Any, outsider_org: Any
) -> None:
    make_person(owner_org, "Trần Văn Bình", citizen_id=CCCD_MAN_1985)
    with pytest.raises(ValidationError) as info:
        make_person(owner_org, "Trần Văn Bính", citizen_id=CCCD_MAN_1985)
    assert "Trần Văn Bình" in info.value.message_dict["citizen_id"][0]
    # The neighbouring district learns the number is taken, not whose it is.
    with pytest.raises(ValidationError) as info:
        services.person_create(
            actor=outsider,
            owner=outsider_org,
            data=PersonData.from_full_name("Lê Văn C", citizen_id=CCCD_MAN_1985),
        )
    message = info.value.message_dict["citizen_id"][0]
    assert "Trần" not in message and "đã có" in message
    assert Person.objects.count() == 1


def test_scope_of_owner_and_home_unit(
    owner: Any, owner_org: Any, outsider_org: Any, loc_ninh: Any, bu_dang: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=owner, owner=outsider_org, data=PersonData.from_full_name("Lê Văn C")
        )
    with pytest.raises(ValidationError) as info:
        services.person_create(
            actor=owner,
            owner=owner_org,
            data=PersonData.from_full_name("Lê Văn C", home_unit=commune_of(loc_ninh)),
        )
    assert "home_unit" in info.value.message_dict
    assert not Person.objects.exists()


def test_focal_point_creates_only_for_own_unit(owner_org: Any, bu_dang: Any) -> None:
    front = OrganizationFactory(
        name="Ủy ban MTTQ xã", kind=OrganizationKind.FATHERLAND_FRONT, territory=bu_dang
    )
    focal = UserFactory(organization=front, roles=[Role.FOCAL_POINT])
    person = services.person_create(
        actor=focal, owner=front, data=PersonData.from_full_name("Điểu Thị Lan")
    )
    assert person.owner == front
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=focal, owner=owner_org, data=PersonData.from_full_name("Điểu Văn Lâm")
        )
    trainee = UserFactory(organization=owner_org, roles=[Role.TRAINEE])
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=trainee, owner=owner_org, data=PersonData.from_full_name("Điểu Văn Lâm")
        )
    assert Person.objects.count() == 1


def test_update_records_field_diffs_including_categories(owner: Any, owner_org: Any) -> None:
    leader = category("to-truong-to-dan-van")
    secretary = category("bi-thu-chi-bo")
    person = make_person(owner_org, "Phạm Văn Dũng", birth_year=1970, categories=[leader])
    data = PersonData.from_person(person)
    data.position = "Bí thư chi bộ ấp 3"
    data.categories = [leader, secretary]
    data.phone = "0912 345 678"
    services.person_update(actor=owner, person=person, data=data)
    change = person.changes.get(action=ChangeAction.UPDATE)
    assert change.changes == {
        "position": [None, "Bí thư chi bộ ấp 3"],
        "phone": [None, "0912345678"],
        "categories": [[leader.name], sorted([leader.name, secretary.name])],
    }
    # Saving the same values again writes no empty history entry.
    services.person_update(actor=owner, person=person, data=PersonData.from_person(person))
    assert person.changes.filter(action=ChangeAction.UPDATE).count() == 1


def test_update_bad_input_leaves_record_unchanged(owner: Any, owner_org: Any) -> None:
    person = make_person(owner_org, "Phạm Văn Dũng", birth_year=1970)
    data = PersonData.from_person(person)
    data.given_name = "Dũng Mới"
    data.phone = "abc"
    with pytest.raises(ValidationError):
        services.person_update(actor=owner, person=person, data=data)
    person.refresh_from_db()
    assert person.full_name == "Phạm Văn Dũng" and person.changes.count() == 1


def test_outsider_cannot_update(outsider: Any, owner_org: Any) -> None:
    person = make_person(owner_org)
    with pytest.raises(PermissionDenied):
        services.person_update(actor=outsider, person=person, data=PersonData.from_person(person))


def test_likely_duplicates(owner: Any, outsider: Any, owner_org: Any, bu_dang: Any) -> None:
    commune = commune_of(bu_dang)
    village = village_create(actor=None, commune=commune, unit_type="Thôn", name="Thôn 3")
    by_year = make_person(owner_org, "Nguyễn Văn An", birth_year=1985, home_unit=village)
    make_person(owner_org, "Nguyễn Văn An", birth_year=1986, home_unit=commune)
    make_person(owner_org, "Nguyễn Văn An", birth_year=1985, home_unit=commune_of(bu_dang, 1))
    by_id = make_person(owner_org, "Lê Văn Bé", citizen_id=CCCD_MAN_1985)
    found = selectors.likely_duplicates(
        citizen_id=CCCD_MAN_1985,
        name_folded="nguyen van an",
        birth_date=D(1985, 5, 1),
        birth_year=None,
        commune_id=commune.pk,
        user=owner,
    )
    assert set(found) == {by_year, by_id}
    assert not selectors.likely_duplicates(
        citizen_id=CCCD_MAN_1985,
        name_folded="nguyen van an",
        birth_date=None,
        birth_year=1985,
        commune_id=commune.pk,
        user=outsider,
    )


# --- merge ----------------------------------------------------------------------------


def _pair(owner_org: Any, bu_dang: Any) -> tuple[Person, Person]:
    commune = commune_of(bu_dang)
    keep = make_person(
        owner_org, "Nguyễn Văn An", birth_year=1985, home_unit=commune, position="Trưởng ấp"
    )
    drop = make_person(
        owner_org,
        "Nguyễn Văn An",
        birth_date=D(1985, 3, 2),
        home_unit=commune,
        citizen_id=CCCD_MAN_1985,
        phone="0912345678",
        categories=[category("to-truong-to-dan-van")],
    )
    return keep, drop


def test_merge_keeps_every_related_row(owner: Any, owner_org: Any, bu_dang: Any) -> None:
    keep, drop = _pair(owner_org, bu_dang)
    course_a = make_course(owner_org, title="Lớp A")
    course_b = make_course(owner_org, title="Lớp B", start=D(2023, 5, 1))
    enroll(keep, course_a)
    enrollment = enroll(drop, course_b, completed=True)
    nomination = Nomination.objects.create(
        course=course_b, person=drop, unit=owner_org, status=NominationStatus.APPROVED
    )
    both = Roster.objects.create(
        name="Tổ trưởng 2023",
        owner=owner_org,
        period_start=D(2023, 1, 1),
        period_end=D(2023, 12, 31),
    )
    only_drop = Roster.objects.create(
        name="Cốt cán", owner=owner_org, period_start=D(2023, 1, 1), period_end=D(2023, 12, 31)
    )
    RosterMember.objects.create(roster=both, person=keep)
    RosterMember.objects.create(roster=both, person=drop)
    RosterMember.objects.create(roster=only_drop, person=drop)
    lecturer = make_lecturer(owner_org, name="Trần Văn Giảng")
    lecturer.person = drop
    lecturer.save()
    drop_pk = drop.pk

    merged = services.person_merge(
        actor=owner, keep=keep, drop=drop, choices={"position": "keep", "phone": "drop"}
    )

    assert not Person.objects.filter(pk=drop_pk).exists()
    assert merged.citizen_id == CCCD_MAN_1985  # empty on the survivor: taken from the other
    assert merged.birth_date == D(1985, 3, 2) and merged.position == "Trưởng ấp"
    assert merged.phone == "0912345678"
    assert [c.code for c in merged.categories.all()] == ["to-truong-to-dan-van"]
    assert set(
        Enrollment.objects.filter(person=merged).values_list("course__title", flat=True)
    ) == {
        "Lớp A",
        "Lớp B",
    }
    enrollment.refresh_from_db()
    nomination.refresh_from_db()
    lecturer.refresh_from_db()
    assert enrollment.person == merged and enrollment.completed
    assert nomination.person == merged and lecturer.person == merged
    assert set(
        RosterMember.objects.filter(person=merged).values_list("roster__name", flat=True)
    ) == {
        "Tổ trưởng 2023",
        "Cốt cán",
    }
    change = merged.changes.get(action=ChangeAction.MERGE)
    assert change.by == owner
    assert change.changes["citizen_id"] == [None, CCCD_MAN_1985]
    assert change.changes["_merged"]["snapshot"]["pk"] == drop_pk
    assert change.changes["_merged"]["snapshot"]["phone"] == "0912345678"
    # The dropped record's own history follows the survivor.
    assert merged.changes.filter(action=ChangeAction.CREATE).count() == 2


def test_merge_refuses_two_enrollments_in_one_class(
    owner: Any, owner_org: Any, bu_dang: Any
) -> None:
    keep, drop = _pair(owner_org, bu_dang)
    course = make_course(owner_org, title="Lớp bồi dưỡng tổ trưởng tổ dân vận 2023")
    enroll(keep, course)
    enroll(drop, course)
    with pytest.raises(ValidationError) as info:
        services.person_merge(actor=owner, keep=keep, drop=drop)
    assert "Lớp bồi dưỡng tổ trưởng tổ dân vận 2023" in info.value.messages[0]
    assert Person.objects.count() == 2 and Enrollment.objects.filter(person=drop).count() == 1
    assert not PersonChange.objects.filter(action=ChangeAction.MERGE).exists()


def test_merge_refuses_when_the_result_is_invalid(owner: Any, owner_org: Any, bu_dang: Any) -> None:
    keep, drop = _pair(owner_org, bu_dang)
    course = make_course(owner_org)
    enroll(drop, course)
    keep.sex = "nu"  # a woman's record cannot take a man's CCCD
    keep.save()
    with pytest.raises(ValidationError):
        services.person_merge(actor=owner, keep=keep, drop=drop)
    # Everything rolled back: the other record and its enrollment are still there.
    assert Enrollment.objects.get().person_id == drop.pk
    assert Person.objects.count() == 2


def test_merge_needs_change_rights_on_both(
    owner: Any, outsider: Any, owner_org: Any, outsider_org: Any
) -> None:
    mine = make_person(owner_org, "Nguyễn Văn An")
    theirs = make_person(outsider_org, "Nguyễn Văn An")
    with pytest.raises(PermissionDenied):
        services.person_merge(actor=owner, keep=mine, drop=theirs)
    with pytest.raises(ValidationError):
        services.person_merge(actor=owner, keep=mine, drop=mine)
    assert Person.objects.count() == 2


def _nominating(owner_org: Any, title: str) -> Any:
    from courses.models import Course, CourseStatus

    course = make_course(owner_org, title=title)
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.NOMINATING)
    course.refresh_from_db()
    return course


@pytest.mark.parametrize("enrolled_side", ["keep", "drop"])
def test_merge_refuses_one_enrolled_and_the_other_nominated_in_one_class(
    owner: Any, owner_org: Any, bu_dang: Any, enrolled_side: str
) -> None:
    keep, drop = _pair(owner_org, bu_dang)
    enrolled, nominated = (keep, drop) if enrolled_side == "keep" else (drop, keep)
    course = _nominating(owner_org, "Lớp bồi dưỡng kỹ năng dân vận khéo 2022")
    enroll(enrolled, course)
    for status in (NominationStatus.SUBMITTED, NominationStatus.WAITLISTED):
        Nomination.objects.filter(person=nominated).delete()
        Nomination.objects.create(
            course=course,
            person=nominated,
            unit=owner_org,
            status=status,
            waitlisted_at=timezone.now() if status == NominationStatus.WAITLISTED else None,
        )
        with pytest.raises(ValidationError) as info:
            services.person_merge(actor=owner, keep=keep, drop=drop)
        message = info.value.messages[0]
        assert "Lớp bồi dưỡng kỹ năng dân vận khéo 2022" in message
        assert "đang được cử" in message
        assert Person.objects.count() == 2
    # A closed nomination is no obstacle: the merged person is simply in the class.
    Nomination.objects.filter(person=nominated).update(
        status=NominationStatus.WITHDRAWN, waitlisted_at=None
    )
    merged = services.person_merge(actor=owner, keep=keep, drop=drop)
    assert Enrollment.objects.get(course=course).person == merged


def test_focal_point_edits_a_person_living_in_the_next_district(
    owner_org: Any, bu_dang: Any, loc_ninh: Any
) -> None:
    front = OrganizationFactory(
        name="Ủy ban MTTQ huyện", kind=OrganizationKind.FATHERLAND_FRONT, territory=bu_dang
    )
    focal = UserFactory(organization=front, roles=[Role.FOCAL_POINT])
    home = commune_of(loc_ninh)
    person = make_person(front, "Điểu Văn Biên", home_unit=home)
    data = PersonData.from_person(person)
    data.phone = "0912345678"
    services.person_update(actor=focal, person=person, data=data)
    person.refresh_from_db()
    assert person.phone == "0912345678" and person.home_unit == home
    # Moving them to another commune outside the territory is still refused.
    data = PersonData.from_person(person)
    data.home_unit = commune_of(loc_ninh, 1)
    with pytest.raises(ValidationError) as info:
        services.person_update(actor=focal, person=person, data=data)
    assert "home_unit" in info.value.message_dict
    person.refresh_from_db()
    assert person.home_unit == home
