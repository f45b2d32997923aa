"""Plain multi-row INSERTs for the importer's hot path (people, links, history, roster places).

`bulk_create` prepares every field of every object through the ORM and, on
SQLite, splits inserts into batches of 999 parameters (≈40 people): for
100,000 rows that is most of an import's time. Here each row is a tuple
already in the database's form and one `executemany` sends them all, as the
benchmark's floor does (COPY on PostgreSQL). Primary keys are reserved first (a PostgreSQL
sequence, or SQLite's write lock held by the surrounding transaction), so
the caller knows every new row's id without reading them back.

Only for use inside `transaction.atomic()`; constraints still apply in the
database (unique CCCD, 12 digits, one roster place per person).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, safe against concurrent inserts."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk_column = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the atomic block began IMMEDIATE, so no other writer runs until commit.
        quoted = connection.ops.quote_name(table)
        column = connection.ops.quote_name(pk_column)
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {quoted}")  # noqa: S608
        first = int(cursor.fetchone()[0]) + 1
        cursor.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = %s", [table]
        )  # AUTOINCREMENT never reuses an id, even a deleted one
        row = cursor.fetchone()
        if row is not None:
            first = max(first, int(row[0]) + 1)
        return list(range(first, first + count))


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT `rows` (tuples in `fields` order, values already in database form)."""
    if not rows:
        return
    meta = model._meta
    columns = ", ".join(
        connection.ops.quote_name(str(getattr(meta.get_field(name), "column", name)))
        for name in fields
    )
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement: several times faster than
            # even a pipelined executemany.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, rows)


def db_now() -> Any:
    """Now, as a DateTimeField value of this backend."""
    return connection.ops.adapt_datetimefield_value(datetime.datetime.now(datetime.UTC))


def db_json(value: Any) -> Any:
    return connection.ops.adapt_json_value(value, None)
