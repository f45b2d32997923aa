"""Pre-aggregates of the statistics, exact after every change (issue #6).

`CourseFigures` holds per held class its person-times, completions and the
province units it counts under on each map; `TraineeCell` counts distinct
trainees per territory node, year and the year the same person last trained
in that node before (0: never), so that the distinct trainees of any run of
whole years are a sum: people of years y1..y2 whose previous year is before y1.

Exactness: database triggers on the source tables (enrollments, classes,
organisations, units) add a row to `ChangeLog` for every writing statement.
The aggregates record how many changes they include (`AggregateState`);
a reader uses them only while that number is the current one and every
trigger is in place, and otherwise counts live (and asks for a refresh).
"""

from __future__ import annotations

from django.db import models


class ChangeLog(models.Model):
    """One row per writing statement on a watched table (written by triggers)."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = "stats change"

    def __str__(self) -> str:
        return str(self.id)


class AggregateState(models.Model):
    """The single row saying which changes the aggregates include."""

    key = models.CharField(max_length=20, primary_key=True, default="main")
    # Log rows folded in by refreshes so far (the log is emptied as it is read).
    consumed = models.BigIntegerField(default=0)
    # `consumed` at the last complete refresh: the aggregates are fresh while
    # consumed + (rows in the log) equals it.
    computed = models.BigIntegerField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.computed}/{self.consumed}"


class CourseFigures(models.Model):
    """One held class: its figures and where it counts."""

    course_id = models.BigIntegerField(primary_key=True)
    year = models.PositiveSmallIntegerField()
    plan_id = models.BigIntegerField(null=True)
    # The province of the owner's unit on its own map, and (an old unit) the
    # province of today's map that holds all its successors.
    node_then = models.BigIntegerField(null=True)
    node_today = models.BigIntegerField(null=True)
    person_times = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    # Course.trainee_count of a class without any enrollment (a head count only).
    head_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["year"]), models.Index(fields=["plan_id"])]

    def __str__(self) -> str:
        return f"{self.course_id}: {self.person_times}"


class DimFigures(models.Model):
    """Person-times and completions of one held class for one value of a breakdown."""

    course = models.ForeignKey(
        CourseFigures, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    dim = models.CharField(max_length=20)
    value = models.CharField(max_length=40)  # "" = not given / unknown
    person_times = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["dim", "course"])]

    def __str__(self) -> str:
        return f"{self.course_id} {self.dim}={self.value}: {self.person_times}"


class TraineeCell(models.Model):
    """Distinct people of `node` who trained in `year`, by their previous year there;
    `dim`/`value` narrow to the people of one breakdown value ("" for everyone)."""

    node = models.BigIntegerField()
    dim = models.CharField(max_length=20, default="")
    value = models.CharField(max_length=40, default="")
    year = models.PositiveSmallIntegerField()
    prev_year = models.PositiveSmallIntegerField()  # 0: first time in this node
    people = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "dim", "value", "year", "prev_year"], name="stats_cell_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node}/{self.dim}={self.value}/{self.year}/{self.prev_year}: {self.people}"
