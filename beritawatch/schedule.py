"""When a tracked article is next due: the revisit ladder applied to one pass's verdict."""
from __future__ import annotations

import datetime as dt

from beritawatch.revisit import RevisitLadder
from beritawatch.verdict import ArticleState

CONFIRM_REMOVAL_AFTER = dt.timedelta(minutes=10)  # a suspected takedown is re-checked soon


def next_check(ladder: RevisitLadder, state: ArticleState, now: dt.datetime, *, changed: bool,
               errors: int, removal_suspected: bool) -> dt.datetime | None:
    """The next due time (None: retired). Articles named in the config never retire: they fall
    back to the last rung's interval instead."""
    if removal_suspected:
        return now + CONFIRM_REMOVAL_AFTER
    last_changed = now if changed else state.last_changed
    born = state.published or state.first_seen or now
    due = ladder.next_check(now, born, last_changed, now, errors)
    if due is None and state.source == "track":
        return now + ladder.steps[-1].every
    return due
