"""On PostgreSQL the database itself refuses overlapping bookings.

SQLite cannot express "no two ranges overlap"; there the service checks under
an IMMEDIATE transaction (one writer at a time), and the unique constraints on
start times hold on both.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE courses_session ADD CONSTRAINT courses_session_room_no_overlap
       EXCLUDE USING gist (location_key WITH =, tstzrange(starts_at, ends_at) WITH &&)
       WHERE (location_key <> '')""",
    """ALTER TABLE courses_sessionlecturer ADD CONSTRAINT courses_lecturer_no_overlap
       EXCLUDE USING gist (lecturer_id WITH =, tstzrange(starts_at, ends_at) WITH &&)""",
]
BACKWARD = [
    "ALTER TABLE courses_session DROP CONSTRAINT IF EXISTS courses_session_room_no_overlap",
    "ALTER TABLE courses_sessionlecturer DROP CONSTRAINT IF EXISTS courses_lecturer_no_overlap",
]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("courses", "0003_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
