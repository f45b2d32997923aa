"""Writes of the person registry: create, edit, merge duplicates; target rosters.

Every write checks the scope gate, validates with Vietnamese messages keyed by
field (`ValidationError({field: message})`), and records what changed in
`PersonChange` so a person's history is never lost.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import COMMITTEE, Role
from core.scope import (
    VIEW,
    has_role,
    require_change,
    require_owner_in_scope,
    restrict,
    roles_of,
    territory_allowed,
)
from core.text import normalize_text
from geo.models import AdminUnit, Level
from orgs.models import Organization
from people.identity import (
    normalize_citizen_id,
    normalize_phone,
    person_fill_derived,
    split_full_name,
)
from people.models import (
    ChangeAction,
    Lecturer,
    Person,
    PersonChange,
    Roster,
    RosterMember,
    TraineeCategory,
)

OLDEST_BIRTH_YEAR = 1900
PARTY_MIN_AGE = 18


@dataclass
class PersonData:
    """Every field of a person a user may edit (categories as a list)."""

    family_name: str
    given_name: str
    middle_name: str = ""
    sex: str = ""
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    ethnicity: str = ""
    religion: str = ""
    citizen_id: str = ""
    phone: str = ""
    email: str = ""
    position: str = ""
    organization: Organization | None = None
    home_unit: AdminUnit | None = None
    categories: list[TraineeCategory] = field(default_factory=list)
    theory_level: str = ""
    is_party_member: bool = False
    party_joined_on: datetime.date | None = None

    @classmethod
    def from_full_name(cls, full_name: str, **values: Any) -> PersonData:
        """Data with "Họ và tên" split into family, middle and given name."""
        try:
            family, middle, given = split_full_name(full_name)
        except ValueError as error:
            raise ValidationError({"full_name": str(error)}) from None
        return cls(family_name=family, middle_name=middle, given_name=given, **values)

    @classmethod
    def from_person(cls, person: Person) -> PersonData:
        values = {f.name: getattr(person, f.name) for f in fields(cls) if f.name != "categories"}
        values["categories"] = list(person.categories.all()) if person.pk else []
        return cls(**values)


# Fields of PersonData in the order the history shows them.
PERSON_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PersonData))
# The fields written on the model itself (categories is a many-to-many).
_MODEL_FIELDS = tuple(name for name in PERSON_FIELDS if name != "categories")


# Fields with choices: the history keeps their labels.
_CHOICE_FIELDS = frozenset({"sex", "ethnicity", "religion", "theory_level"})


# --- validation -----------------------------------------------------------------------


def _clean(
    actor: Any,
    data: PersonData,
    *,
    today: datetime.date,
    stored_home_ids: Iterable[int | None] = (),
) -> None:
    """Normalise `data` in place; raise ValidationError({field: message}) on bad input.

    The home unit must lie in the actor's territory only when it is set or
    changed: `stored_home_ids` are the values already on file (a person living
    in the next district may still have their phone corrected).
    """
    errors: dict[str, str] = {}
    for name in ("family_name", "middle_name", "given_name", "position"):
        setattr(data, name, normalize_text(getattr(data, name) or ""))
    data.email = (data.email or "").strip()
    if not data.family_name or not data.given_name:
        errors["full_name"] = _("Họ và tên phải có ít nhất họ và tên.")
    if data.birth_date is not None:
        if data.birth_date > today:
            errors["birth_date"] = _("Ngày sinh không thể ở tương lai.")
        elif data.birth_date.year < OLDEST_BIRTH_YEAR:
            errors["birth_date"] = _("Ngày sinh phải từ năm %(year)s trở đi.") % {
                "year": OLDEST_BIRTH_YEAR
            }
        elif data.birth_year is not None and data.birth_year != data.birth_date.year:
            errors["birth_year"] = _("Năm sinh không khớp với ngày sinh.")
        else:
            data.birth_year = data.birth_date.year
    elif data.birth_year is not None and not OLDEST_BIRTH_YEAR <= data.birth_year <= today.year:
        errors["birth_year"] = _("Năm sinh phải trong khoảng %(low)s–%(high)s.") % {
            "low": OLDEST_BIRTH_YEAR,
            "high": today.year,
        }
    birth_year = data.birth_year if "birth_year" not in errors else None
    try:
        data.citizen_id = normalize_citizen_id(
            data.citizen_id or "", sex=data.sex, birth_year=birth_year
        )
    except ValueError as error:
        errors["citizen_id"] = str(error)
    try:
        data.phone = normalize_phone(data.phone or "")
    except ValueError as error:
        errors["phone"] = str(error)
    if data.party_joined_on is not None:
        if not data.is_party_member:
            errors["party_joined_on"] = _("Chỉ ghi ngày vào Đảng khi người này là đảng viên.")
        elif data.party_joined_on > today:
            errors["party_joined_on"] = _("Ngày vào Đảng không thể ở tương lai.")
        elif birth_year and data.party_joined_on.year - birth_year < PARTY_MIN_AGE:
            errors["party_joined_on"] = _("Ngày vào Đảng phải khi đã đủ %(age)s tuổi.") % {
                "age": PARTY_MIN_AGE
            }
    if (
        data.home_unit is not None
        and actor is not None
        and data.home_unit.pk not in set(stored_home_ids)
        and not territory_allowed(actor, data.home_unit)
    ):
        errors["home_unit"] = _("Nơi cư trú nằm ngoài địa bàn bạn quản lý.")
    if errors:
        raise ValidationError(errors)


def _require_owner(actor: Any, owner: Organization) -> None:
    """Committee staff create inside their territory; a focal point only for its own unit."""
    if actor is None or has_role(actor, COMMITTEE):
        require_owner_in_scope(actor, owner)
        return
    if Role.FOCAL_POINT in roles_of(actor) and actor.organization_id == owner.pk:
        return
    raise PermissionDenied(_("Bạn chỉ được tạo hồ sơ do đơn vị mình quản lý."))


def _check_citizen_id(actor: Any, person: Person) -> None:
    """A clear message for a CCCD already on file (the DB constraint is the guard)."""
    if not person.citizen_id:
        return
    others = Person.objects.filter(citizen_id=person.citizen_id).exclude(pk=person.pk)
    if not others.exists():
        return
    visible = restrict(others, actor, VIEW).first() if actor is not None else others.first()
    if visible is not None:
        message = _("Số CCCD này đã có trong hồ sơ của %(name)s.") % {"name": visible.full_name}
    else:
        message = _("Số CCCD này đã có trong hệ thống (hồ sơ do đơn vị khác quản lý).")
    raise ValidationError({"citizen_id": message})


# --- history --------------------------------------------------------------------------


def _display(value: Any) -> Any:
    """A JSON-safe, readable form of a field value for the history."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value) or None
    return value


def person_snapshot(
    person: Person, categories: Iterable[TraineeCategory] | None = None
) -> dict[str, Any]:
    """Readable values of every editable field (codes of choices kept as codes)."""
    values: dict[str, Any] = {}
    for name in _MODEL_FIELDS:
        value = getattr(person, name)
        if value not in (None, "") and name in _CHOICE_FIELDS:
            # The label ("Xtiêng"), not the code ("22"): the history is read by people.
            value = getattr(person, f"get_{name}_display")()
        values[name] = _display(value)
    cats = list(person.categories.all()) if categories is None else list(categories)
    values["categories"] = _display(cats)
    return values


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {
        name: [before.get(name), after.get(name)]
        for name in (*PERSON_FIELDS, "owner")
        if before.get(name) != after.get(name)
    }


def _record(
    person: Person, actor: Any, action: str, changes: dict[str, Any], note: str = ""
) -> None:
    PersonChange.objects.create(
        person=person,
        action=action,
        changes=changes,
        note=note[:300],
        by=actor if getattr(actor, "pk", None) else None,
    )


# --- create and edit ------------------------------------------------------------------


def _apply(person: Person, data: PersonData) -> None:
    for name in _MODEL_FIELDS:
        setattr(person, name, getattr(data, name))
    person_fill_derived(person)


def _save(actor: Any, person: Person) -> None:
    _check_citizen_id(actor, person)
    person.full_clean()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Someone saved the same CCCD in between: the constraint refused it.
        raise ValidationError({"citizen_id": _("Số CCCD này đã có trong hệ thống.")}) from None


@transaction.atomic
def person_create(
    *,
    actor: Any,
    owner: Organization,
    data: PersonData,
    note: str = "",
    action: str = ChangeAction.CREATE,
) -> Person:
    """A new person owned by `owner`; the CREATE (or IMPORT) entry records every value."""
    _require_owner(actor, owner)
    _clean(actor, data, today=timezone.localdate())
    person = Person(owner=owner)
    _apply(person, data)
    _save(actor, person)
    person.categories.set(data.categories)
    after = person_snapshot(person, data.categories) | {"owner": str(owner)}
    # A new record lists what was filled in; "not a party member" is no news.
    changes = {k: v for k, v in _diff({}, after).items() if v[1] is not False}
    _record(person, actor, action, changes, note)
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, data: PersonData, note: str = "") -> Person:
    """Save `data` on `person`; the UPDATE entry holds {field: [old, new]} (none if unchanged)."""
    require_change(actor, person)
    stored = Person.objects.filter(pk=person.pk).values_list("home_unit_id", flat=True)
    _clean(actor, data, today=timezone.localdate(), stored_home_ids=list(stored))
    before = person_snapshot(person)
    _apply(person, data)
    _save(actor, person)
    person.categories.set(data.categories)
    changes = _diff(before, person_snapshot(person, data.categories))
    if changes:
        _record(person, actor, ChangeAction.UPDATE, changes, note)
    return person


# --- merge ----------------------------------------------------------------------------


def merge_defaults(keep: Person, drop: Person) -> dict[str, str]:
    """Per field, which record's value to keep by default: the survivor's unless empty."""
    choice: dict[str, str] = {}
    for name in _MODEL_FIELDS:
        empty = getattr(keep, name) in (None, "", False)
        choice[name] = "drop" if empty and getattr(drop, name) not in (None, "", False) else "keep"
    return choice


def _merge_conflicts(keep: Person, drop: Person) -> None:
    """Refuse a merge that would put one person twice in a class."""
    from courses.models import Course
    from nominations.models import OPEN_STATUSES, Enrollment, EnrollmentStatus, Nomination

    shared = Enrollment.objects.filter(person=drop).values("course_id")
    courses = list(
        Enrollment.objects.filter(person=keep, course_id__in=shared).values_list(
            "course__title", flat=True
        )
    )
    if courses:
        raise ValidationError(
            _(
                "Không gộp được: cả hai hồ sơ đều là học viên của lớp “%(course)s”. "
                "Hãy rút một trong hai khỏi lớp trước."
            )
            % {"course": "”, “".join(courses)}
        )
    open_keep = Nomination.objects.filter(person=keep, status__in=OPEN_STATUSES)
    open_drop = Nomination.objects.filter(person=drop, status__in=OPEN_STATUSES)
    # One record in the class, the other still put forward for it: merged, the
    # same person would be a trainee and waiting, and never promotable.
    enrolled = Enrollment.objects.filter(status=EnrollmentStatus.ENROLLED)
    courses = list(
        Course.objects.filter(
            (
                Q(pk__in=enrolled.filter(person=keep).values("course_id"))
                & Q(pk__in=open_drop.values("course_id"))
            )
            | (
                Q(pk__in=enrolled.filter(person=drop).values("course_id"))
                & Q(pk__in=open_keep.values("course_id"))
            )
        )
        .order_by("start_date", "pk")
        .values_list("title", flat=True)
    )
    if courses:
        raise ValidationError(
            _(
                "Không gộp được: một hồ sơ là học viên của lớp “%(course)s”, hồ sơ kia "
                "đang được cử vào chính lớp này. Hãy rút đề cử đó trước."
            )
            % {"course": "”, “".join(courses)}
        )
    courses = list(
        open_keep.filter(course_id__in=open_drop.values("course_id")).values_list(
            "course__title", flat=True
        )
    )
    if courses:
        raise ValidationError(
            _(
                "Không gộp được: cả hai hồ sơ đang được cử vào lớp “%(course)s”. "
                "Hãy rút một đề cử trước."
            )
            % {"course": "”, “".join(courses)}
        )
    if (
        Lecturer.objects.filter(person=keep).exists()
        and Lecturer.objects.filter(person=drop).exists()
    ):
        raise ValidationError(
            _("Không gộp được: cả hai hồ sơ đều là báo cáo viên; hãy gộp ở danh mục báo cáo viên.")
        )


def _repoint(keep: Person, drop: Person) -> dict[str, int]:
    """Move every row pointing at `drop` to `keep`; the count moved per model.

    Found through `Person._meta.related_objects`, so rows of models added later
    (attendance, grades, certificates) follow the survivor without a change here.
    """
    moved: dict[str, int] = {}
    # A roster holding both keeps the survivor's membership.
    RosterMember.objects.filter(
        person=drop, roster__in=RosterMember.objects.filter(person=keep).values("roster")
    ).delete()
    for rel in Person._meta.related_objects:
        model = rel.related_model
        assert isinstance(model, type)
        if rel.many_to_many:
            through = rel.through  # type: ignore[attr-defined]
            if not through._meta.auto_created:
                continue  # a custom through model has its own foreign key, handled below
            m2m = rel.field
            own = m2m.m2m_field_name()  # type: ignore[attr-defined]
            to_person = m2m.m2m_reverse_field_name()  # type: ignore[attr-defined]
            rows = through._default_manager.filter(**{to_person: drop})
            rows.filter(
                **{f"{own}__in": through._default_manager.filter(**{to_person: keep}).values(own)}
            ).delete()
            count = rows.update(**{to_person: keep})
        else:
            name = rel.field.name
            try:
                with transaction.atomic():
                    count = model._default_manager.filter(**{name: drop}).update(**{name: keep})
            except IntegrityError:
                raise ValidationError(
                    _("Không gộp được: hai hồ sơ có dữ liệu “%(what)s” trùng nhau.")
                    % {"what": model._meta.verbose_name}
                ) from None
        if count:
            moved[model._meta.label] = moved.get(model._meta.label, 0) + count
    return moved


@transaction.atomic
def person_merge(
    *, actor: Any, keep: Person, drop: Person, choices: Mapping[str, str] | None = None
) -> Person:
    """Merge the duplicate `drop` into `keep` and delete `drop`.

    `choices` says per field which record's value survives ("keep"/"drop";
    default: the survivor's, unless empty). Categories are united. Every row
    pointing at `drop` is re-pointed; the MERGE entry keeps a snapshot of it.
    """
    if keep.pk == drop.pk:
        raise ValidationError(_("Hãy chọn hai hồ sơ khác nhau để gộp."))
    require_change(actor, keep)
    require_change(actor, drop)
    # Lock both rows: a concurrent edit or merge waits for this one.
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, drop.pk])}
    if len(locked) != 2:
        raise ValidationError(_("Một trong hai hồ sơ không còn tồn tại."))
    keep, drop = locked[keep.pk], locked[drop.pk]
    _merge_conflicts(keep, drop)
    chosen = merge_defaults(keep, drop) | {
        k: v for k, v in (choices or {}).items() if k in _MODEL_FIELDS and v in ("keep", "drop")
    }
    data = PersonData.from_person(keep)
    for name in _MODEL_FIELDS:
        if chosen[name] == "drop":
            setattr(data, name, getattr(drop, name))
    drop_categories = list(drop.categories.all())
    data.categories = list({c.pk: c for c in [*data.categories, *drop_categories]}.values())
    before = person_snapshot(keep)
    dropped = person_snapshot(drop, drop_categories) | {
        "pk": drop.pk,
        "full_name": drop.full_name,
        "owner": str(drop.owner),
    }
    stored_home_ids = [keep.home_unit_id, drop.home_unit_id]
    moved = _repoint(keep, drop)
    drop.delete()
    _clean(actor, data, today=timezone.localdate(), stored_home_ids=stored_home_ids)
    _apply(keep, data)
    _save(actor, keep)
    keep.categories.set(data.categories)
    changes: dict[str, Any] = _diff(before, person_snapshot(keep, data.categories))
    changes["_merged"] = {"snapshot": dropped, "moved": moved}
    _record(
        keep, actor, ChangeAction.MERGE, changes, _("Gộp hồ sơ #%(pk)s") % {"pk": dropped["pk"]}
    )
    return keep


# --- rosters --------------------------------------------------------------------------


@dataclass
class RosterData:
    name: str
    period_start: datetime.date
    period_end: datetime.date
    description: str = ""


def _roster_clean(data: RosterData) -> None:
    data.name = normalize_text(data.name)
    data.description = data.description.strip()
    if data.period_end < data.period_start:
        raise ValidationError({"period_end": _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")})


@transaction.atomic
def roster_create(*, actor: Any, owner: Organization, data: RosterData) -> Roster:
    require_owner_in_scope(actor, owner)
    _roster_clean(data)
    roster = Roster(
        owner=owner,
        name=data.name,
        description=data.description,
        period_start=data.period_start,
        period_end=data.period_end,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    roster.full_clean()
    roster.save()
    return roster


@transaction.atomic
def roster_update(*, actor: Any, roster: Roster, data: RosterData) -> Roster:
    require_change(actor, roster)
    _roster_clean(data)
    roster.name, roster.description = data.name, data.description
    roster.period_start, roster.period_end = data.period_start, data.period_end
    roster.full_clean()
    roster.save(update_fields=["name", "description", "period_start", "period_end"])
    return roster


@transaction.atomic
def roster_add_people(*, actor: Any, roster: Roster, people: QuerySet[Person]) -> int:
    """Add the people (already filtered and scoped by the caller) not yet members."""
    require_change(actor, roster)
    visible = restrict(people, actor, VIEW) if actor is not None else people
    new = (
        visible.exclude(pk__in=roster.memberships.values("person_id"))
        .select_related("home_unit")
        .only("id", "home_unit__id", "home_unit__level", "home_unit__parent")
    )
    rows = [
        RosterMember(roster=roster, person=p, unit_id=_coverage_unit_id(p)) for p in new.iterator()
    ]
    RosterMember.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def _coverage_unit_id(person: Person) -> int | None:
    """The commune a member is counted under (a village's parent)."""
    unit = person.home_unit
    if unit is None:
        return None
    return unit.parent_id if unit.level == Level.VILLAGE else unit.pk


@transaction.atomic
def roster_remove_people(*, actor: Any, roster: Roster, person_ids: Iterable[int]) -> int:
    require_change(actor, roster)
    deleted, _rows = roster.memberships.filter(person_id__in=list(person_ids)).delete()
    return deleted
