"""When to re-check a tracked article: an adaptive ladder, error backoff, and a per-pass budget.

Why the backlog stays bounded:
- Each tracked article holds ONE next-check time, recomputed from its actual last check, so
  checks missed while a pass was over budget never pile up: the queue never holds more entries
  than there are live (not retired) articles.
- Every article retires: when it has been stable for the last rung's limit, and in any case
  once it is `max_life` old (default 365 days). Even an article that changes on every check
  is re-checked at most every `age_fraction` x its age, so its lifetime count is bounded too:
  with the defaults, 153 checks for a stable article and at most 447 for one that changes
  on every check (`RevisitLadder.lifetime_checks`).
- A pass takes at most `budget` articles (default 2000), most overdue first, so pass time is
  bounded and no article starves: the longer it waits, the earlier it sorts.

All datetimes must be timezone-aware.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

__all__ = ["Rung", "RevisitLadder", "parse_duration", "select_due"]

T = TypeVar("T")

_MINUTE = dt.timedelta(minutes=1)
_HOUR = dt.timedelta(hours=1)
_DAY = dt.timedelta(days=1)
_FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True, slots=True)
class Rung:
    """Check every `every` while the time since the last change is under `until`."""

    until: dt.timedelta
    every: dt.timedelta


# NewsDiffs' ladder, with its last two rungs tightened (1 day to 30 days, 7 days to a year):
# Indonesian portals correct and retract weeks after publication, and 30-day gaps miss them.
DEFAULT_STEPS: tuple[Rung, ...] = (
    Rung(until=3 * _HOUR, every=15 * _MINUTE),
    Rung(until=_DAY, every=_HOUR),
    Rung(until=7 * _DAY, every=3 * _HOUR),
    Rung(until=30 * _DAY, every=_DAY),
    Rung(until=365 * _DAY, every=7 * _DAY),
)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


def parse_duration(value: object, key: str = "duration") -> dt.timedelta:
    """A timedelta from a timedelta, seconds (int/float) or text like "15m", "3h", "1h30m",
    "7d", "2w". Raises ValueError naming `key`."""
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(f"{key}: expected a finite number of seconds, got {value!r}")
        return dt.timedelta(seconds=value)
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if text and _DURATION_PART.sub("", text) == "":
            seconds = sum(float(n) * _UNITS[u] for n, u in _DURATION_PART.findall(text))
            return dt.timedelta(seconds=seconds)
    raise ValueError(f"{key}: expected a duration like '15m', '3h', '7d' or seconds, got {value!r}")


def _require_aware(**values: dt.datetime | None) -> None:
    for name, value in values.items():
        if value is not None and value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware, got {value!r}")


@dataclasses.dataclass(frozen=True, slots=True)
class RevisitLadder:
    """The revisit schedule: ladder rungs by time since the last change, an age-proportional
    floor, error backoff, retirement, and the per-pass budget."""

    steps: tuple[Rung, ...] = DEFAULT_STEPS
    # Retire every article this long after publication, changing or not.
    max_life: dt.timedelta = 365 * _DAY
    # The interval is never shorter than this share of the article's age. 1/60 keeps the ladder
    # as written for a stable article (every rung's every/until is above 1/60) and turns an
    # article that changes on every check (a live blog, a counter) from ~35,000 checks a year
    # at 15 minutes into a few hundred.
    age_fraction: float = 1 / 60
    # After n consecutive errors wait at least error_backoff * 2**(n-1), capped at the max.
    error_backoff: dt.timedelta = 15 * _MINUTE
    error_backoff_max: dt.timedelta = _DAY
    # At most this many articles per pass; None = no limit.
    budget: int | None = 2000
    # Config `[revisit] every_pass = true`: every pass re-checks every article (tests, manual).
    every_pass: bool = False

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError("steps: at least one rung is needed")
        previous = Rung(dt.timedelta(0), dt.timedelta(0))
        for n, rung in enumerate(self.steps):
            if rung.every <= dt.timedelta(0):
                raise ValueError(f"steps[{n}].every must be positive, got {rung.every}")
            if rung.until <= previous.until:
                raise ValueError(f"steps[{n}].until must be longer than the rung before it")
            if rung.every < previous.every:
                raise ValueError(f"steps[{n}].every must not be shorter than the rung before it")
            previous = rung
        if self.max_life <= dt.timedelta(0):
            raise ValueError(f"max_life must be positive, got {self.max_life}")
        if not 0 <= self.age_fraction < 1:
            raise ValueError(f"age_fraction must be in [0, 1), got {self.age_fraction}")
        if self.error_backoff <= dt.timedelta(0) or self.error_backoff_max < self.error_backoff:
            raise ValueError("error_backoff must be positive and error_backoff_max >= error_backoff")
        if self.budget is not None and self.budget < 1:
            raise ValueError(f"budget must be >= 1 or absent, got {self.budget}")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RevisitLadder:
        """From the `[revisit]` config table (or its `ladder` sub-table). Keys, all optional:
        every_pass, budget (alias max_per_pass), max_life, age_fraction, error_backoff,
        error_backoff_max, and steps as a list of `{until = "3h", every = "15m"}` tables or
        `["3h", "15m"]` pairs. Durations are text ("15m", "3h", "7d") or seconds.
        Raises ValueError naming the bad key."""
        if "budget" in d and "max_per_pass" in d:
            raise ValueError("revisit.max_per_pass: give budget or max_per_pass, not both")
        kwargs: dict[str, Any] = {}
        for key, value in d.items():
            name = f"revisit.{key}"
            field = "budget" if key == "max_per_pass" else key
            reader = _CONFIG_READERS.get(field)
            if reader is None:
                raise ValueError(
                    f"{name}: unknown key (known: every_pass, budget, max_per_pass, steps, "
                    "max_life, age_fraction, error_backoff, error_backoff_max)"
                )
            kwargs[field] = reader(value, name)
        try:
            return cls(**kwargs)
        except ValueError as exc:
            raise ValueError(f"revisit.{exc}") from None

    def interval(self, since_change: dt.timedelta, age: dt.timedelta,
                 consecutive_errors: int = 0) -> dt.timedelta | None:
        """The wait before the next check, or None when the article is retired."""
        if age >= self.max_life:
            return None
        every = next((r.every for r in self.steps if since_change < r.until), None)
        if every is None:
            return None
        every = max(every, age * self.age_fraction)
        if consecutive_errors > 0:
            # In float seconds: timedelta * 2**n overflows long before n stops growing.
            doubled = self.error_backoff.total_seconds() * 2.0 ** min(consecutive_errors - 1, 64)
            backoff = min(doubled, self.error_backoff_max.total_seconds())
            every = max(every, dt.timedelta(seconds=backoff))
        return every

    def next_check(
        self,
        now: dt.datetime,
        published: dt.datetime | None,
        last_changed: dt.datetime | None,
        last_checked: dt.datetime | None,
        consecutive_errors: int = 0,
    ) -> dt.datetime | None:
        """When to check next (possibly in the past = overdue), or None = stop revisiting.

        `published`: publication time, or the first-seen time when the page gives none.
        `last_changed`: when the last new version was stored (None = never edited).
        `last_checked`: the last attempt, successful or not (None = never: due `now`).
        `consecutive_errors`: failed attempts since the last success (backoff).
        Raises ValueError when neither `published` nor `last_changed` is known."""
        _require_aware(now=now, published=published, last_changed=last_changed,
                       last_checked=last_checked)
        if consecutive_errors < 0:
            raise ValueError(f"consecutive_errors must be >= 0, got {consecutive_errors}")
        born = published or last_changed
        if born is None:
            raise ValueError("next_check needs published or last_changed (pass the first-seen time)")
        reference = max(t for t in (published, last_changed) if t is not None)
        zero = dt.timedelta(0)
        wait = self.interval(max(now - reference, zero), max(now - born, zero), consecutive_errors)
        if wait is None:
            return None
        return now if last_checked is None else last_checked + wait

    def select_due(self, candidates: Iterable[tuple[T, dt.datetime | None]],
                   now: dt.datetime) -> list[T]:
        """`select_due` with this ladder's budget and every_pass setting."""
        return select_due(candidates, now, self.budget, every_pass=self.every_pass)

    def lifetime_checks(self, changes_every_check: bool = False) -> int:
        """How many checks one article gets from publication to retirement, never erroring:
        never changing, or changing at every check (the worst case)."""
        born = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        now, last_changed, last_checked, checks = born, None, None, 0
        while True:
            due = self.next_check(now, born, last_changed, last_checked)
            if due is None:
                return checks
            now = max(now, due)
            checks += 1
            last_checked = now
            if changes_every_check:
                last_changed = now


def _read_flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name}: expected true or false, got {value!r}")
    return value


def _read_budget(value: object, name: str) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"{name}: expected a whole number >= 1, got {value!r}")
    return value


def _read_fraction(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValueError(f"{name}: expected a number in [0, 1), got {value!r}")
    return float(value)


def _parse_steps(value: object, name: str) -> tuple[Rung, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError(f"{name}: expected a non-empty list of {{until, every}} rungs")
    rungs: list[Rung] = []
    for n, item in enumerate(value):
        where = f"{name}[{n}]"
        if isinstance(item, Mapping):
            extra = set(item) - {"until", "every"}
            if extra:
                raise ValueError(f"{where}.{sorted(extra)[0]}: unknown key (use until and every)")
            if "until" not in item or "every" not in item:
                missing = "until" if "until" not in item else "every"
                raise ValueError(f"{where}.{missing}: missing")
            until, every = item["until"], item["every"]
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            until, every = item
        else:
            raise ValueError(f"{where}: expected {{until = '3h', every = '15m'}} or ['3h', '15m']")
        rungs.append(Rung(parse_duration(until, f"{where}.until"),
                          parse_duration(every, f"{where}.every")))
    return tuple(rungs)


# `[revisit]` key -> its reader (value, the key's full name for messages) -> the ladder field's value
_CONFIG_READERS: dict[str, Callable[[object, str], object]] = {
    "every_pass": _read_flag, "budget": _read_budget, "age_fraction": _read_fraction,
    "max_life": parse_duration, "error_backoff": parse_duration, "error_backoff_max": parse_duration,
    "steps": _parse_steps,
}


def select_due(
    candidates: Iterable[tuple[T, dt.datetime | None]],
    now: dt.datetime,
    budget: int | None,
    *,
    every_pass: bool = False,
) -> list[T]:
    """The articles to check this pass from (item, next_check) pairs: those due by `now`, most
    overdue first (ties keep input order), at most `budget` (None = all). next_check None means
    retired and is skipped. `every_pass` takes every candidate, retired ones last, still within
    the budget."""
    _require_aware(now=now)
    if budget is not None and budget < 0:
        raise ValueError(f"budget must be >= 0, got {budget}")
    if every_pass:
        pool = [(due or _FAR_FUTURE, n, item) for n, (item, due) in enumerate(candidates)]
    else:
        pool = [(due, n, item) for n, (item, due) in enumerate(candidates)
                if due is not None and due <= now]
    chosen = heapq.nsmallest(budget, pool) if budget is not None else sorted(pool)
    return [item for _, _, item in chosen]
