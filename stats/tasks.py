"""Background refresh of the statistics pre-aggregates (asked for by a stale read)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_aggregates() -> None:
    from stats.services import aggregates_fresh, aggregates_refresh

    if not aggregates_fresh():
        aggregates_refresh()
