"""Each member's part in a story: first, copy, rewrite or follow-up."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from beritawatch.stories.drift import Drift
from beritawatch.stories.matching import COPY_MIN_SHINGLES, Match

Role = Literal["first", "copy", "rewrite", "follow-up"]
ROLES: tuple[Role, ...] = ("first", "copy", "rewrite", "follow-up")
COPY_MIN_SURVIVAL = 0.6  # a copy keeps most of the reference's sentences


def role_of(match: Match, member_drift: Drift) -> Role:
    """A later member's role against the story's first member.

    follow-up: it states facts (numbers, quotes, names) the first never did; copy: near
    identical text; rewrite: the same facts in other words."""
    if member_drift.adds_facts:
        return "follow-up"
    if match.shingles >= COPY_MIN_SHINGLES or member_drift.survival >= COPY_MIN_SURVIVAL:
        return "copy"
    return "rewrite"


def first_of(members: Sequence[tuple[str, object]]) -> str:
    """The first member: the earliest (time, url) pair's url (time = published, else seen)."""
    return min(members, key=lambda m: (m[1], m[0]))[0]
