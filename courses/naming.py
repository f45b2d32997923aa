"""How lecturers are named on programmes and feeds (shared by documents and selectors)."""

from __future__ import annotations

from functools import lru_cache

from core.text import fold


# Pure, and asked for the same few lecturers on every row of a feed.
@lru_cache(maxsize=4096)
def affiliation(position: str, organization: str) -> str:
    """ "Chánh Văn phòng, Ban Dân vận Trung ương": the position, then the organisation
    unless the position already names it."""
    if organization and fold(organization) in fold(position):
        organization = ""
    return ", ".join(part for part in (position, organization) if part)
