"""Results statistics (issue #6 item 1): reads only, always through the scope gate.

What is counted, everywhere in this module:

- a *class held* is a `Course` whose status is running, completed or reported
  (`courses.models.HELD_STATUSES`) and whose **start date** lies in the period;
- *person-times* are the enrollments of those classes that were not withdrawn;
- *trainees* are the distinct people among them;
- *completions* are those enrollments marked `completed` (set by assessment).

Classes are first passed through `core.scope.restrict` (a district user sees
only their district's classes) and then narrowed to the filter's territory
with `core.scope.territory_units_q`, the same rule the gate uses: a territory
on today's map also covers the old units all of whose successors lie inside it
(`AdminUnit.covered_path`), so today's Đồng Nai counts the 2017 classes of
Bình Phước. The map choice only changes how the `unit` breakdown groups
classes: on *today's map* an old unit is summed into its successor (the
smallest unit of today's map that holds all its successors); on the *map of
the time* it stays under the unit it had when the class was held.

Every function issues a bounded number of queries (independent of the data
size): aggregation happens in the database. Summary, year-over-year and the
breakdowns by level, kind, sex, ethnicity, religion, age band, theory level and
category read the pre-aggregates of `stats.models` when they are current and
answer the filter (`aggregate_node`); otherwise they count live. Both give the
same numbers (tests/test_stats_selectors.py compares them after changes).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import COMMITTEE, Role
from core.scope import VIEW, restrict, roles_of, territory_allowed, territory_units_q
from courses.models import HELD_STATUSES, Course, CourseKind, CourseLevel, Session, Topic
from geo.models import AdminUnit, Level, MapEdition
from nominations.models import Enrollment, EnrollmentStatus
from people.models import (
    ETHNICITY_CHOICES,
    RELIGION_CHOICES,
    Lecturer,
    Roster,
    RosterMember,
    Sex,
    TheoryLevel,
    TraineeCategory,
)
from people.selectors import CoverageRow
from planning.models import PlanTarget, TrainingPlan
from stats.models import CourseFigures, DimFigures, TraineeCell
from stats.services import COUNTRY_NODE, DIMENSIONS, aggregates_fresh, request_refresh

MapChoice = Literal["today", "then"]
BREAKDOWNS = (
    "level",
    "category",
    "sex",
    "ethnicity",
    "religion",
    "age_band",
    "theory_level",
    "unit",
    "topic",
    "lecturer",
    "kind",
)
# Age at the start of the class, in years: (key, lowest age, highest age).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("u30", 0, 29),
    ("30-39", 30, 39),
    ("40-49", 40, 49),
    ("50-59", 50, 59),
    ("60+", 60, 200),
)
# Hours a session counts for a lecturer when it has no exact start and end time.
HALF_DAY_HOURS = 4.0
UNKNOWN = "?"


# --- the filter ------------------------------------------------------------------------


@dataclass(frozen=True)
class StatsFilter:
    """Which classes count: period (by start date), territory and optional filters.

    `territory` None means everything the user may see. Build it with
    `stats_filter_for`, which clamps the territory to the user's scope.
    """

    start: datetime.date
    end: datetime.date
    territory: AdminUnit | None = None
    map: MapChoice = "today"
    level: str = ""  # CourseLevel value
    kind: str = ""  # CourseKind value
    organiser_id: int | None = None  # the owning organisation (Course.owner)
    category_id: int | None = None  # only trainees of this category (and their classes)

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))


def _as_date(value: Any, default: datetime.date) -> datetime.date:
    if value is None or value == "":
        return default
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if text.isdigit() and len(text) == 4:
        return default.replace(year=int(text))
    raise ValueError(_("Ngày không hợp lệ: %(value)s") % {"value": text})


def _as_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return int(value.pk)
    return int(value)


def user_territory(user: Any) -> AdminUnit | None:
    """The user's own territory (None for an administrator or a user without one)."""
    territory = getattr(user, "territory", None)
    return territory() if callable(territory) else None


def stats_filter_for(user: Any, **params: Any) -> StatsFilter:
    """A `StatsFilter` from loose parameters, clamped to what `user` may see.

    Parameters (all optional): `start`, `end` (date, "YYYY-MM-DD" or
    "dd/mm/yyyy"; `year` sets both to that calendar year; default: this
    year), `territory` (AdminUnit or id), `map` ("today"/"then"), `level`,
    `kind`, `organiser` (Organization or id), `category` (TraineeCategory or id).
    A territory outside the user's scope falls back to None (the user's whole
    scope); the scope gate applies on top in every case.
    """
    today = datetime.date.today()
    year = _as_int(params.get("year"))
    if year:
        start = datetime.date(year, 1, 1)
        end = datetime.date(year, 12, 31)
    else:
        start = _as_date(params.get("start"), datetime.date(today.year, 1, 1))
        end = _as_date(params.get("end"), datetime.date(start.year, 12, 31))
    if end < start:
        start, end = end, start
    territory_param = params.get("territory")
    territory: AdminUnit | None = None
    if isinstance(territory_param, AdminUnit):
        territory = territory_param
    elif territory_param is not None and str(territory_param).isdigit():
        territory = AdminUnit.objects.filter(pk=int(str(territory_param))).first()
    if territory is not None and not territory_allowed(user, territory):
        territory = None
    map_choice: MapChoice = "then" if params.get("map") == "then" else "today"
    level = str(params.get("level") or "")
    kind = str(params.get("kind") or "")
    return StatsFilter(
        start=start,
        end=end,
        territory=territory,
        map=map_choice,
        level=level if level in CourseLevel.values else "",
        kind=kind if kind in CourseKind.values else "",
        organiser_id=_as_int(params.get("organiser")),
        category_id=_as_int(params.get("category")),
    )


# --- base querysets ----------------------------------------------------------------------


def held_courses(user: Any, f: StatsFilter) -> QuerySet[Course]:
    """The classes held in the period inside the filter's territory that `user` may see."""
    courses = restrict(Course.objects.all(), user, VIEW).filter(
        status__in=HELD_STATUSES, start_date__gte=f.start, start_date__lte=f.end
    )
    if f.territory is not None:
        courses = courses.filter(territory_units_q(f.territory, "owner__territory"))
    if f.level:
        courses = courses.filter(level=f.level)
    if f.kind:
        courses = courses.filter(kind=f.kind)
    if f.organiser_id:
        courses = courses.filter(owner_id=f.organiser_id)
    return courses


def enrollments(user: Any, f: StatsFilter) -> QuerySet[Enrollment]:
    """The counted enrollments (not withdrawn) of the held classes."""
    rows = Enrollment.objects.filter(course__in=held_courses(user, f).values("pk")).exclude(
        status=EnrollmentStatus.WITHDRAWN
    )
    if f.category_id:
        rows = rows.filter(
            person_id__in=TraineeCategory.people.through.objects.filter(
                traineecategory_id=f.category_id
            ).values("person_id")
        )
    return rows


def _counted_courses(user: Any, f: StatsFilter) -> QuerySet[Course]:
    courses = held_courses(user, f)
    if f.category_id:
        courses = courses.filter(pk__in=enrollments(user, f).values("course_id"))
    return courses


# Any enrollment of the class, withdrawn or not: a class with a list keeps no head count.
_any_enrollment = Enrollment.objects.filter(course_id=OuterRef("pk"))


# --- summary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    plan_id: int
    reference: str
    title: str
    year: int
    classes_target: int
    classes_held: int
    trainees_target: int
    trainees_actual: int


@dataclass(frozen=True)
class Summary:
    classes: int
    trainees: int
    person_times: int
    completions: int
    # Trainees of held classes that keep only a head count (Course.trainee_count, no list).
    reported_only: int = 0
    plans: tuple[PlanRow, ...] = ()

    @property
    def completion_rate(self) -> float:
        """Completions per person-time, in percent (0 when nobody enrolled)."""
        return round(100 * self.completions / self.person_times, 1) if self.person_times else 0.0

    @property
    def classes_target(self) -> int:
        return sum(p.classes_target for p in self.plans)

    @property
    def classes_planned_held(self) -> int:
        return sum(p.classes_held for p in self.plans)

    @property
    def trainees_target(self) -> int:
        return sum(p.trainees_target for p in self.plans)

    @property
    def trainees_planned_actual(self) -> int:
        return sum(p.trainees_actual for p in self.plans)


def summary(user: Any, f: StatsFilter) -> Summary:
    """Classes held, trainees (distinct and person-times), completions, plan vs actual.

    From the pre-aggregates when they are current and the filter is one they
    answer (whole years, the whole scope or one province, no other filter):
    a handful of small queries; otherwise counted live (about seven queries).
    """
    node = aggregate_node(user, f)
    if node is not None:
        figures = (
            _node_figures(node)
            .filter(year__gte=f.start.year, year__lte=f.end.year)
            .aggregate(
                classes=Count("pk"),
                person_times=Sum("person_times"),
                completions=Sum("completions"),
                head_count=Sum("head_count"),
            )
        )
        trainees = TraineeCell.objects.filter(
            node=node,
            dim="",
            year__gte=f.start.year,
            year__lte=f.end.year,
            prev_year__lt=f.start.year,
        ).aggregate(n=Sum("people"))["n"]
        return Summary(
            classes=figures["classes"] or 0,
            trainees=trainees or 0,
            person_times=figures["person_times"] or 0,
            completions=figures["completions"] or 0,
            reported_only=figures["head_count"] or 0,
            plans=tuple(plan_rows(user, f, aggregated=True)),
        )
    courses = _counted_courses(user, f)
    grouped = _grouped(enrollments(user, f), Value(1))
    _key, _classes, trainees, person_times, completions = grouped[0] if grouped else (0,) * 5
    course_figures = courses.aggregate(
        classes=Count("pk"),
        reported_only=Sum("trainee_count", filter=~Q(Exists(_any_enrollment))),
    )
    return Summary(
        classes=course_figures["classes"] or 0,
        trainees=trainees,
        person_times=person_times,
        completions=completions,
        reported_only=0 if f.category_id else (course_figures["reported_only"] or 0),
        plans=tuple(plan_rows(user, f)),
    )


# The benchmark turns this off to time the live counts beside the pre-aggregates.
USE_AGGREGATES = True


def aggregate_node(user: Any, f: StatsFilter) -> int | None:
    """The pre-aggregate node that answers `f` for `user` exactly, or None (count live).

    Only for whole calendar years, no level/kind/organiser/category filter, a
    reader whose scope is exactly a territory (an administrator, or a committee
    user without lecturer/focal-point rows of their own) and a territory that
    is that scope, the country or (for an administrator) a province. Stale
    aggregates are never used: a refresh is requested and the figures counted live.
    """
    if not USE_AGGREGATES or f.level or f.kind or f.organiser_id or f.category_id:
        return None
    if (f.start.month, f.start.day, f.end.month, f.end.day) != (1, 1, 12, 31):
        return None
    roles = roles_of(user)
    if not roles:
        return None
    territory = f.territory
    if not (getattr(user, "is_superuser", False) or Role.ADMIN in roles):
        if not roles & COMMITTEE or roles & set(Course.scope_own):
            return None
        own = user_territory(user)
        if own is None or (territory is not None and territory.pk != own.pk):
            return None
        territory = own
    if territory is None or territory.level == Level.COUNTRY:
        node = COUNTRY_NODE
    elif territory.level == Level.PROVINCE:
        node = territory.pk
    else:
        return None
    if not aggregates_fresh():
        request_refresh()
        return None
    return node


def _node_figures(node: int) -> QuerySet[CourseFigures]:
    if node == COUNTRY_NODE:
        return CourseFigures.objects.all()
    return CourseFigures.objects.filter(Q(node_then=node) | Q(node_today=node))


def plans_in(user: Any, f: StatsFilter) -> QuerySet[TrainingPlan]:
    """Plans of the period's years issued inside the filter's territory."""
    plans = restrict(TrainingPlan.objects.all(), user, VIEW).filter(
        year__gte=f.start.year, year__lte=f.end.year
    )
    if f.territory is not None:
        plans = plans.filter(territory_units_q(f.territory, "issuer__territory"))
    if f.organiser_id:
        plans = plans.filter(issuer_id=f.organiser_id)
    return plans


def plan_rows(user: Any, f: StatsFilter, *, aggregated: bool = False) -> list[PlanRow]:
    """Targets vs actual per plan: classes held and trainees (enrolled, or head count)."""
    plans = list(
        plans_in(user, f)
        .annotate(held=Count("courses", filter=Q(courses__status__in=HELD_STATUSES), distinct=True))
        .order_by("year", "issue_date", "pk")
    )
    if not plans:
        return []
    ids = [p.pk for p in plans]
    targets: dict[int, tuple[int | None, int]] = {}
    for plan_id, total, by_category in (
        PlanTarget.objects.filter(plan_id__in=ids)
        .values("plan_id")
        .annotate(
            total=Sum("trainees", filter=Q(category__isnull=True)),
            by_category=Sum("trainees", filter=Q(category__isnull=False)),
        )
        .values_list("plan_id", "total", "by_category")
    ):
        targets[plan_id] = (total, by_category or 0)
    actual: dict[int, int] = {}
    if aggregated:  # the pre-aggregates are current (checked by the caller)
        for of_plan, times, heads in (
            CourseFigures.objects.filter(plan_id__in=ids)
            .values("plan_id")
            .annotate(t=Sum("person_times"), h=Sum("head_count"))
            .values_list("plan_id", "t", "h")
            .order_by()
        ):
            if of_plan is not None:
                actual[of_plan] = (times or 0) + (heads or 0)
    else:
        held = Course.objects.filter(plan_id__in=ids, status__in=HELD_STATUSES)
        actual = dict(
            Enrollment.objects.filter(course__in=held.values("pk"))
            .exclude(status=EnrollmentStatus.WITHDRAWN)
            .values("course__plan_id")
            .annotate(n=Count("pk"))
            .values_list("course__plan_id", "n")
        )
        head_counts = (
            held.exclude(Exists(_any_enrollment))
            .values("plan_id")
            .annotate(n=Sum("trainee_count"))
            .values_list("plan_id", "n")
        )
        for plan_id, n in head_counts:
            actual[plan_id] = actual.get(plan_id, 0) + (n or 0)
    rows = []
    for plan in plans:
        total, by_category = targets.get(plan.pk, (None, 0))
        rows.append(
            PlanRow(
                plan_id=plan.pk,
                reference=plan.reference,
                title=plan.title,
                year=plan.year,
                classes_target=plan.classes_target,
                classes_held=plan.held,
                trainees_target=total if total is not None else by_category,
                trainees_actual=actual.get(plan.pk, 0),
            )
        )
    return rows


# --- breakdowns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a breakdown. `key` None is the "unknown / not given" line."""

    key: Any
    label: str
    classes: int
    trainees: int
    person_times: int
    completions: int

    @property
    def completion_rate(self) -> float:
        return round(100 * self.completions / self.person_times, 1) if self.person_times else 0.0


def _grouped(
    rows: QuerySet[Enrollment], key: Any, *, repeats: bool = False
) -> list[tuple[Any, ...]]:
    """(key, classes, trainees, person_times, completions) per value of `key`.

    Counted as hash aggregations over derived tables rather than
    `COUNT(DISTINCT ...)`, which PostgreSQL sorts for: first per (key, person),
    then per key; classes per (key, class), in the same statement. `repeats` for a
    key that repeats an enrollment (a class's topics or lecturers).
    """
    inner = rows.annotate(_key=key).values("_key", "pk", "person_id", "course_id", "completed")
    if repeats:
        inner = inner.distinct()
    sql, params = inner.order_by().query.sql_with_params()
    # One statement, so the filtered rows are computed once (the CTE is read twice).
    statement = (
        f"WITH u AS ({sql}) "  # noqa: S608
        "SELECT 'p', t._key, COUNT(*), SUM(t.n), SUM(t.c) FROM ("
        "SELECT u._key, u.person_id, COUNT(*) AS n, "
        "SUM(CASE WHEN u.completed THEN 1 ELSE 0 END) AS c "
        "FROM u GROUP BY u._key, u.person_id) t GROUP BY t._key "
        "UNION ALL "
        "SELECT 'k', v._key, COUNT(*), 0, 0 FROM ("
        "SELECT DISTINCT u._key, u.course_id FROM u) v GROUP BY v._key"
    )
    people: dict[Any, tuple[int, int, int]] = {}
    classes: dict[Any, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for kind, key, count, times, completions in cursor.fetchall():
            if kind == "p":
                people[_plain(key)] = (int(count), int(times), int(completions))
            else:
                classes[_plain(key)] = int(count)
    return [(k, classes.get(k, 0), *figures) for k, figures in people.items()]


def _plain(value: Any) -> Any:
    """Database values as Python keys: PostgreSQL's EXTRACT gives a Decimal."""
    if isinstance(value, Decimal):
        return int(value)
    return value


def _choice_rows(
    data: Iterable[tuple[Any, ...]],
    choices: Iterable[tuple[Any, Any]],
    *,
    unknown_label: str,
) -> list[Row]:
    by_key = {(k if k not in ("", None) else None): d for k, *d in data}
    rows = []
    for value, label in choices:
        if value in ("", None):
            continue
        figures = by_key.pop(value, None)
        if figures:
            rows.append(Row(value, str(label), *figures))
    for value, figures in by_key.items():  # values outside the choices, then unknown
        if value is not None:
            rows.append(Row(value, str(value), *figures))
    if None in by_key:
        rows.append(Row(None, unknown_label, *by_key[None]))
    return rows


def _labelled_rows(
    data: Iterable[tuple[Any, ...]],
    labels: Mapping[Any, str],
    *,
    unknown_label: str,
) -> list[Row]:
    rows = [
        Row(key, labels.get(key, str(key)) if key is not None else unknown_label, *figures)
        for key, *figures in data
    ]
    rows.sort(key=lambda r: (r.key is None, -r.person_times, r.label))
    return rows


def breakdown(user: Any, f: StatsFilter, by: str) -> list[Row]:
    """Figures per value of one dimension (see `BREAKDOWNS`).

    A person in two categories counts in both category lines; a class counts
    in the line of every topic taught and every lecturer who taught in it, so
    lines of `category`, `topic` and `lecturer` may add up to more than the
    summary. Other dimensions partition the summary exactly. Two queries at most.
    """
    node = aggregate_node(user, f) if by in DIMENSIONS else None
    if node is not None:
        return _rows_for(by, _dim_grouped(node, f, by), user, f)
    return _rows_for(by, None, user, f)


def _dim_grouped(node: int, f: StatsFilter, dim: str) -> list[tuple[Any, ...]]:
    """`_grouped`'s answer for one kept breakdown, from the pre-aggregates. Two queries."""
    years = {"year__gte": f.start.year, "year__lte": f.end.year}
    people = dict(
        TraineeCell.objects.filter(node=node, dim=dim, prev_year__lt=f.start.year, **years)
        .values("value")
        .annotate(n=Sum("people"))
        .values_list("value", "n")
        .order_by()
    )
    courses = _node_figures(node).filter(**years).values("pk")
    data = []
    for value, classes, times, completions in (
        DimFigures.objects.filter(dim=dim, course__in=courses)
        .values("value")
        .annotate(c=Count("course_id", distinct=True), t=Sum("person_times"), d=Sum("completions"))
        .values_list("value", "c", "t", "d")
        .order_by()
    ):
        key: Any = value or None
        if key is not None and dim == "category":
            key = int(key)
        data.append((key, classes, people.get(value, 0), times or 0, completions or 0))
    return data


def _rows_for(by: str, kept: list[tuple[Any, ...]] | None, user: Any, f: StatsFilter) -> list[Row]:
    """The rows of one breakdown: from `kept` (pre-aggregated) or counted live."""
    rows = enrollments(user, f)

    def grouped(key: Any, *, repeats: bool = False) -> list[tuple[Any, ...]]:
        return kept if kept is not None else _grouped(rows, key, repeats=repeats)

    unknown = _("(chưa rõ)")
    if by == "level":
        return _choice_rows(grouped(F("course__level")), CourseLevel.choices, unknown_label=unknown)
    if by == "kind":
        return _choice_rows(grouped(F("course__kind")), CourseKind.choices, unknown_label=unknown)
    if by == "sex":
        return _choice_rows(grouped(F("person__sex")), Sex.choices, unknown_label=unknown)
    if by == "ethnicity":
        data = grouped(F("person__ethnicity"))
        labels: dict[Any, str] = dict(ETHNICITY_CHOICES)
        return _labelled_rows([(k or None, *d) for k, *d in data], labels, unknown_label=unknown)
    if by == "religion":
        data = grouped(F("person__religion"))
        labels = dict[Any, str](RELIGION_CHOICES)
        return _labelled_rows([(k or None, *d) for k, *d in data], labels, unknown_label=unknown)
    if by == "theory_level":
        return _choice_rows(
            grouped(F("person__theory_level")),
            TheoryLevel.choices,
            unknown_label=str(TheoryLevel.NONE.label),
        )
    if by == "age_band":
        aged = rows.annotate(_age=ExtractYear("course__start_date") - F("person__birth_year"))
        band = Case(
            *[
                When(Q(_age__gte=low, _age__lte=high), then=Value(key))
                for key, low, high in AGE_BANDS
            ],
            default=Value(UNKNOWN),
        )
        data = (
            kept
            if kept is not None
            else [(None if k == UNKNOWN else k, *d) for k, *d in _grouped(aged, band)]
        )
        return _choice_rows(data, AGE_BAND_LABELS.items(), unknown_label=unknown)
    if by == "category":
        data = grouped(F("person__categories"), repeats=True)
        labels = dict[Any, str](
            TraineeCategory.objects.filter(pk__in=[k for k, *_d in data if k]).values_list(
                "pk", "name"
            )
        )
        return _labelled_rows(data, labels, unknown_label=_("(chưa phân loại)"))
    if by == "topic":
        data = _grouped(rows, F("course__sessions__topic"), repeats=True)
        labels = dict[Any, str](
            Topic.objects.filter(pk__in=[k for k, *_d in data if k]).values_list("pk", "title")
        )
        return _labelled_rows(data, labels, unknown_label=_("(không gắn chuyên đề)"))
    if by == "lecturer":
        data = _grouped(rows, F("course__sessions__lecturers"), repeats=True)
        lecturers = Lecturer.objects.filter(pk__in=[k for k, *_d in data if k]).select_related(
            "person"
        )
        return _labelled_rows(
            data,
            {lecturer.pk: lecturer.display_name for lecturer in lecturers},
            unknown_label=_("(chưa phân công báo cáo viên)"),
        )
    if by == "unit":
        return _unit_rows(user, f, rows)
    raise ValueError(f"unknown breakdown {by!r}")


AGE_BAND_LABELS: dict[str, Any] = {
    "u30": gettext_lazy("Dưới 30 tuổi"),
    "30-39": gettext_lazy("30–39 tuổi"),
    "40-49": gettext_lazy("40–49 tuổi"),
    "50-59": gettext_lazy("50–59 tuổi"),
    "60+": gettext_lazy("Từ 60 tuổi"),
}


# --- units: today's map or the map of the time -------------------------------------------


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def unit_group_of(
    *, path: str, covered_path: str, edition: str, depth: int, map_choice: MapChoice
) -> int | None:
    """The id of the unit at `depth` (0 = country) the owner unit is counted under.

    On today's map an old unit counts under the unit of today's map that holds
    all its successors (`covered_path`); when that unit is above `depth` (an
    old unit split between several) or unknown, None: it stays in the
    territory's own line.
    """
    chain = path
    if map_choice == "today" and edition == MapEdition.LEGACY:
        chain = covered_path
    ids = _path_ids(chain)
    return ids[depth] if len(ids) > depth else None


def _unit_rows(user: Any, f: StatsFilter, rows: QuerySet[Enrollment]) -> list[Row]:
    territory = f.territory or user_territory(user)
    depth = len(territory.ancestor_ids()) if territory is not None else 1
    # Inside an old unit only the map of the time has units to list.
    legacy = territory is not None and territory.edition == MapEdition.LEGACY
    map_choice: MapChoice = "then" if legacy else f.map
    owners = (
        held_courses(user, f)
        .values_list(
            "owner__territory_id",
            "owner__territory__path",
            "owner__territory__covered_path",
            "owner__territory__edition",
        )
        .distinct()
    )
    groups: dict[int | None, list[int]] = {}
    for unit_id, path, covered, edition in owners:
        group = unit_group_of(
            path=path, covered_path=covered, edition=edition, depth=depth, map_choice=map_choice
        )
        groups.setdefault(group, []).append(unit_id)
    if not groups:
        return []
    key = Case(
        *[
            When(course__owner__territory_id__in=ids, then=Value(group))
            for group, ids in groups.items()
            if group is not None
        ],
        default=Value(None),
        output_field=IntegerField(),
    )
    data = _grouped(rows, key)
    units = {
        u.pk: u
        for u in AdminUnit.objects.filter(pk__in=[g for g in groups if g is not None]).only(
            "name", "short_name", "edition", "level", "sort_key"
        )
    }
    own = territory.name if territory is not None else _("Toàn quốc")
    result = [
        Row(key, str(units[key]) if key in units else own, *figures) for key, *figures in data
    ]
    result.sort(key=lambda r: (r.key is None, units[r.key].sort_key if r.key in units else ""))
    return result


# --- year over year ----------------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    year: int
    classes: int
    trainees: int
    person_times: int
    completions: int
    is_record: bool = False

    @property
    def completion_rate(self) -> float:
        return round(100 * self.completions / self.person_times, 1) if self.person_times else 0.0


def by_year(user: Any, f: StatsFilter) -> list[YearRow]:
    """One row per calendar year of the period; the year with most trainees is the record.

    Years without classes are listed with zeros; the record is the first year
    with the highest number of distinct trainees (none when all are zero).
    Two queries.
    """
    node = aggregate_node(user, f)
    if node is not None:
        people = dict(
            TraineeCell.objects.filter(
                node=node, dim="", year__gte=f.start.year, year__lte=f.end.year
            )
            .values("year")
            .annotate(n=Sum("people"))
            .values_list("year", "n")
            .order_by()
        )
        data: dict[int, tuple[int, ...]] = {}
        class_counts: dict[int, int] = {}
        for year, classes, times, completions in (
            _node_figures(node)
            .filter(year__gte=f.start.year, year__lte=f.end.year)
            .values("year")
            .annotate(c=Count("pk"), t=Sum("person_times"), d=Sum("completions"))
            .values_list("year", "c", "t", "d")
            .order_by()
        ):
            class_counts[year] = classes
            data[year] = (classes, people.get(year, 0), times or 0, completions or 0)
    else:
        data = {
            year: tuple(figures)
            for year, *figures in _grouped(enrollments(user, f), ExtractYear("course__start_date"))
        }
        class_counts = dict(
            _counted_courses(user, f)
            .annotate(_year=ExtractYear("start_date"))
            .values("_year")
            .annotate(n=Count("pk"))
            .values_list("_year", "n")
            .order_by()
        )
    rows = [
        YearRow(
            year=year,
            classes=class_counts.get(year, 0),
            trainees=data.get(year, (0, 0, 0, 0))[1],
            person_times=data.get(year, (0, 0, 0, 0))[2],
            completions=data.get(year, (0, 0, 0, 0))[3],
        )
        for year in f.years
    ]
    best = max((r.trainees for r in rows), default=0)
    if best:
        record = next(r.year for r in rows if r.trainees == best)
        rows = [replace(r, is_record=r.year == record) for r in rows]
    return rows


# --- lecturers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LecturerLoadRow:
    lecturer_id: int
    name: str
    sessions: int
    hours: float
    classes: int
    topics: tuple[str, ...] = field(default_factory=tuple)


def lecturer_load(user: Any, f: StatsFilter) -> list[LecturerLoadRow]:
    """Per lecturer: sessions taught, hours (4 h a half-day unless exact times), classes, topics.

    Three queries.
    """
    sessions = Session.objects.filter(course__in=_counted_courses(user, f).values("pk"))
    links = Session.lecturers.through.objects.filter(session__in=sessions.values("pk"))
    counts = list(
        links.values("lecturer_id")
        .annotate(
            n_sessions=Count("session_id", distinct=True),
            n_classes=Count("session__course_id", distinct=True),
            estimated=Count(
                "session_id",
                distinct=True,
                filter=Q(session__start_time__isnull=True) | Q(session__end_time__isnull=True),
            ),
        )
        .values_list("lecturer_id", "n_sessions", "n_classes", "estimated")
        .order_by()
    )
    exact_hours: dict[int, float] = {}
    for lecturer_id, starts_at, ends_at in links.filter(
        session__start_time__isnull=False, session__end_time__isnull=False
    ).values_list("lecturer_id", "session__starts_at", "session__ends_at"):
        exact_hours[lecturer_id] = (
            exact_hours.get(lecturer_id, 0.0) + (ends_at - starts_at).total_seconds() / 3600
        )
    topics: dict[int, set[str]] = {}
    for lecturer_id, title in (
        links.filter(session__topic__isnull=False)
        .values_list("lecturer_id", "session__topic__title")
        .distinct()
    ):
        topics.setdefault(lecturer_id, set()).add(title)
    names = {
        lecturer.pk: lecturer.display_name
        for lecturer in Lecturer.objects.filter(pk__in=[c[0] for c in counts]).select_related(
            "person"
        )
    }
    rows = [
        LecturerLoadRow(
            lecturer_id=lecturer_id,
            name=names.get(lecturer_id, str(lecturer_id)),
            sessions=n_sessions,
            hours=round(estimated * HALF_DAY_HOURS + exact_hours.get(lecturer_id, 0.0), 2),
            classes=n_classes,
            topics=tuple(sorted(topics.get(lecturer_id, ()))),
        )
        for lecturer_id, n_sessions, n_classes, estimated in counts
    ]
    rows.sort(key=lambda r: (-r.hours, r.name))
    return rows


# --- rosters -----------------------------------------------------------------------------


def _visible_roster(user: Any, roster: Roster) -> None:
    if not restrict(Roster.objects.all(), user, VIEW).filter(pk=roster.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền xem danh sách này."))


def _roster_for_period(roster: Roster, f: StatsFilter) -> Roster:
    """The roster with its period narrowed to the filter's (an unsaved view of it)."""
    narrowed = Roster(
        pk=roster.pk,
        name=roster.name,
        owner_id=roster.owner_id,
        period_start=max(roster.period_start, f.start),
        period_end=min(roster.period_end, f.end),
    )
    narrowed.owner = roster.owner
    return narrowed


def roster_coverage(
    user: Any, roster: Roster, f: StatsFilter
) -> tuple[list[CoverageRow], CoverageRow]:
    """`people.selectors.roster_coverage` over the roster period narrowed to the filter's.

    Returns (rows per unit, total), each a `people.selectors.CoverageRow`
    (members, enrolled, completed, percent). Refuses a roster outside the user's scope.
    """
    from people.selectors import roster_coverage as people_roster_coverage

    _visible_roster(user, roster)
    return people_roster_coverage(_roster_for_period(roster, f))


def roster_untrained(
    user: Any, roster: Roster, f: StatsFilter, unit: AdminUnit | None = None
) -> QuerySet[RosterMember]:
    """Members who completed no class ending within the (narrowed) roster period.

    `unit` narrows to the members placed in that unit or below it. Annotated
    with `is_enrolled` (enrolled somewhere in the period, not completed).
    """
    from people.selectors import roster_member_status

    _visible_roster(user, roster)
    members = roster_member_status(_roster_for_period(roster, f)).filter(
        has_completed=False  # type: ignore[misc]
    )
    if unit is not None:
        members = members.filter(territory_units_q(unit, "unit"))
    return members.select_related("person", "unit").order_by("person__sort_key", "pk")


__all__ = [
    "AGE_BANDS",
    "AGE_BAND_LABELS",
    "BREAKDOWNS",
    "LecturerLoadRow",
    "PlanRow",
    "Row",
    "StatsFilter",
    "Summary",
    "YearRow",
    "breakdown",
    "by_year",
    "enrollments",
    "held_courses",
    "lecturer_load",
    "plan_rows",
    "plans_in",
    "roster_coverage",
    "roster_untrained",
    "stats_filter_for",
    "summary",
    "unit_group_of",
]
