"""The adaptive revisit ladder: rungs, retirement, error backoff, config, and the per-pass budget."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from beritawatch.revisit import RevisitLadder, Rung, parse_duration, select_due

UTC = dt.UTC
WIB = dt.timezone(dt.timedelta(hours=7))
T0 = dt.datetime(2024, 3, 4, 8, 0, tzinfo=UTC)
M = dt.timedelta(minutes=1)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
LADDER = RevisitLadder()

# (time since the last change, age since publication, expected wait; None = retired)
INTERVAL_CASES: list[tuple[dt.timedelta, dt.timedelta, dt.timedelta | None]] = [
    (0 * M, 0 * M, 15 * M),
    (2 * H + 59 * M, 2 * H + 59 * M, 15 * M),
    (3 * H, 3 * H, 1 * H),
    (23 * H, 23 * H, 1 * H),
    (1 * D, 1 * D, 3 * H),
    (6 * D, 6 * D, 3 * H),
    (7 * D, 7 * D, 1 * D),
    (29 * D, 29 * D, 1 * D),
    (30 * D, 30 * D, 7 * D),
    (364 * D, 364 * D, 7 * D),
    (365 * D, 365 * D, None),  # stable for a year: retired
    # changed recently, so back to the bottom rung, but never more often than age / 60
    (10 * M, 10 * M, 15 * M),
    (10 * M, 30 * H, 30 * M),
    (10 * M, 60 * D, 1 * D),
    (10 * M, 365 * D, None),  # max_life reached: retired even though it just changed
]


@pytest.mark.parametrize(("since_change", "age", "expected"), INTERVAL_CASES)
def test_interval_per_rung(since_change: dt.timedelta, age: dt.timedelta, expected: dt.timedelta | None) -> None:
    assert LADDER.interval(since_change, age) == expected


# (consecutive errors, time since change = age, expected wait)
BACKOFF_CASES: list[tuple[int, dt.timedelta, dt.timedelta]] = [
    (0, 1 * H, 15 * M),
    (1, 1 * H, 15 * M),
    (2, 1 * H, 30 * M),
    (3, 1 * H, 1 * H),
    (5, 1 * H, 4 * H),
    (7, 1 * H, 16 * H),
    (8, 1 * H, 1 * D),  # capped
    (10_000, 1 * H, 1 * D),  # no overflow
    (3, 40 * D, 7 * D),  # backoff never shortens the ladder's own wait
]


@pytest.mark.parametrize(("errors", "age", "expected"), BACKOFF_CASES)
def test_error_backoff(errors: int, age: dt.timedelta, expected: dt.timedelta) -> None:
    assert LADDER.interval(age, age, errors) == expected


def test_next_check_from_last_check() -> None:
    published = T0
    now = T0 + 2 * H
    assert LADDER.next_check(now, published, None, None) == now  # never checked: due now
    assert LADDER.next_check(now, published, None, now) == now + 15 * M
    assert LADDER.next_check(now, published, None, now - 40 * M) == now - 25 * M  # overdue
    # a change resets the ladder to the bottom rung
    later = T0 + 2 * D
    assert LADDER.next_check(later, published, None, later) == later + 3 * H
    assert LADDER.next_check(later, published, later - H, later) == later + 48 * M  # age 2 d / 60
    assert LADDER.next_check(later, published, None, later, consecutive_errors=6) == later + 8 * H


def test_next_check_retires() -> None:
    assert LADDER.next_check(T0 + 400 * D, T0, None, T0 + 399 * D) is None
    assert LADDER.next_check(T0 + 366 * D, T0, T0 + 365 * D, T0 + 366 * D) is None  # max_life


def test_next_check_reference_times() -> None:
    now = T0 + 5 * H
    # no publication date: the first-seen time passed as last_changed works as well
    assert LADDER.next_check(now, None, T0, now) == now + H
    # any time zone, same instant
    assert LADDER.next_check(now.astimezone(WIB), T0.astimezone(WIB), None, now) == now + H
    # a publication time in the future (a portal's clock or time-zone bug) counts as age 0
    assert LADDER.next_check(now, now + 2 * H, None, now) == now + 15 * M


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"published": None, "last_changed": None}, "published or last_changed"),
        ({"published": dt.datetime(2024, 3, 4)}, "published must be timezone-aware"),
        ({"consecutive_errors": -1}, "consecutive_errors"),
    ],
)
def test_next_check_rejects(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {"now": T0 + H, "published": T0, "last_changed": None,
                            "last_checked": None, "consecutive_errors": 0} | kwargs
    with pytest.raises(ValueError, match=message):
        LADDER.next_check(**args)


def test_lifetime_bound() -> None:
    # The answer to "the backlog can't grow without bound", per article.
    assert LADDER.lifetime_checks() == 153
    assert LADDER.lifetime_checks(changes_every_check=True) == 447
    no_floor = RevisitLadder(age_fraction=0.0)
    assert no_floor.lifetime_checks() == 153  # the floor never bites a stable article
    # why the floor exists: every 15 minutes for a year, plus the first check
    assert no_floor.lifetime_checks(changes_every_check=True) == 365 * 24 * 4 + 1


# --- due selection --------------------------------------------------------------------------

NOW = T0 + 10 * D
CANDIDATES: list[tuple[str, dt.datetime | None]] = [
    ("a", NOW - 1 * H),
    ("b", NOW - 3 * H),
    ("c", NOW + 1 * H),  # not yet due
    ("d", None),  # retired
    ("e", NOW - 3 * H),  # same as b: keeps input order
    ("f", NOW),  # due exactly now
    ("g", (NOW - 2 * H).astimezone(WIB)),
]

# (budget, every_pass, expected)
SELECT_CASES: list[tuple[int | None, bool, list[str]]] = [
    (None, False, ["b", "e", "g", "a", "f"]),
    (3, False, ["b", "e", "g"]),
    (1, False, ["b"]),
    (0, False, []),
    (100, False, ["b", "e", "g", "a", "f"]),
    (None, True, ["b", "e", "g", "a", "f", "c", "d"]),
    (6, True, ["b", "e", "g", "a", "f", "c"]),
]


@pytest.mark.parametrize(("budget", "every_pass", "expected"), SELECT_CASES)
def test_select_due(budget: int | None, every_pass: bool, expected: list[str]) -> None:
    assert select_due(CANDIDATES, NOW, budget, every_pass=every_pass) == expected


def test_ladder_select_due_uses_its_settings() -> None:
    assert RevisitLadder(budget=2).select_due(CANDIDATES, NOW) == ["b", "e"]
    assert RevisitLadder(budget=None, every_pass=True).select_due(iter(CANDIDATES), NOW)[-1] == "d"


def test_backlog_stays_bounded_under_a_small_budget() -> None:
    """Simulated passes every 15 minutes with a budget below demand: the queue never holds more
    than the live articles, every article still gets checked, and all of them retire."""
    ladder = RevisitLadder(
        steps=(Rung(3 * H, 15 * M), Rung(1 * D, 1 * H), Rung(3 * D, 6 * H)),
        max_life=3 * D, budget=20,
    )
    published = {f"u{n}": T0 + (n % 48) * 30 * M for n in range(240)}  # 240 articles over a day
    next_at: dict[str, dt.datetime | None] = {}
    checks = {url: 0 for url in published}
    worst_queue = 0
    now = T0
    while now < T0 + 6 * D:
        for url, pub in published.items():
            if pub <= now and url not in next_at:
                next_at[url] = now  # discovered: due at once
        live = [(u, t) for u, t in next_at.items() if t is not None]
        due_count = sum(1 for _, t in live if t <= now)
        worst_queue = max(worst_queue, due_count)
        assert due_count <= len(live)
        for url in ladder.select_due(live, now):
            checks[url] += 1
            next_at[url] = ladder.next_check(now, published[url], None, now)
        now += 15 * M
    assert all(t is None for t in next_at.values())  # everyone retired
    assert all(n >= 1 for n in checks.values())
    assert max(checks.values()) <= RevisitLadder(
        steps=ladder.steps, max_life=ladder.max_life).lifetime_checks(changes_every_check=True)
    assert ladder.budget is not None and worst_queue > ladder.budget  # the budget was binding


# --- config ---------------------------------------------------------------------------------


def test_from_dict_defaults_and_values() -> None:
    assert RevisitLadder.from_dict({}) == RevisitLadder()
    ladder = RevisitLadder.from_dict(
        {
            "every_pass": True,
            "max_per_pass": 50,
            "max_life": "90d",
            "age_fraction": 0.02,
            "error_backoff": 600,
            "error_backoff_max": "12h",
            "steps": [{"until": "3h", "every": "15m"}, ["1d", "1h"], {"until": 30 * 86400, "every": "1d"}],
        }
    )
    assert ladder.every_pass is True
    assert ladder.budget == 50
    assert ladder.max_life == 90 * D
    assert ladder.error_backoff == 10 * M
    assert ladder.error_backoff_max == 12 * H
    assert ladder.steps == (Rung(3 * H, 15 * M), Rung(D, H), Rung(30 * D, D))
    assert RevisitLadder.from_dict({"budget": None}).budget is None


# (config table, the key the error must name)
BAD_CONFIGS: list[tuple[dict[str, Any], str]] = [
    ({"evry_pass": True}, "revisit.evry_pass"),
    ({"every_pass": "yes"}, "revisit.every_pass"),
    ({"budget": 0}, "revisit.budget"),
    ({"budget": True}, "revisit.budget"),
    ({"max_per_pass": -5}, "revisit.max_per_pass"),
    ({"budget": 5, "max_per_pass": 5}, "revisit.max_per_pass"),
    ({"age_fraction": 1.5}, "revisit.age_fraction"),
    ({"max_life": "forever"}, "revisit.max_life"),
    ({"steps": []}, "revisit.steps"),
    ({"steps": "15m"}, "revisit.steps"),
    ({"steps": [{"until": "3h"}]}, r"revisit.steps\[0\].every"),
    ({"steps": [{"until": "3h", "every": "15m", "often": 1}]}, r"revisit.steps\[0\].often"),
    ({"steps": [["3h", "15m"], ["1d", "soon"]]}, r"revisit.steps\[1\].every"),
    ({"steps": [["3h", "15m", "x"]]}, r"revisit.steps\[0\]"),
    ({"steps": [["1d", "1h"], ["3h", "2h"]]}, r"revisit.steps\[1\].until"),
    ({"steps": [["3h", "1h"], ["1d", "15m"]]}, r"revisit.steps\[1\].every"),
    ({"steps": [["3h", 0]]}, r"revisit.steps\[0\].every"),
    ({"error_backoff": "1d", "error_backoff_max": "1h"}, "revisit.error_backoff"),
]


@pytest.mark.parametrize(("table", "key"), BAD_CONFIGS)
def test_from_dict_names_the_bad_key(table: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match=key):
        RevisitLadder.from_dict(table)


DURATION_CASES: list[tuple[object, dt.timedelta]] = [
    ("15m", 15 * M),
    ("3h", 3 * H),
    ("1h30m", 90 * M),
    ("7d", 7 * D),
    ("2w", 14 * D),
    (" 90 s ", dt.timedelta(seconds=90)),
    ("0.5h", 30 * M),
    (900, 15 * M),
    (1.5, dt.timedelta(seconds=1.5)),
    (H, H),
]


@pytest.mark.parametrize(("value", "expected"), DURATION_CASES)
def test_parse_duration(value: object, expected: dt.timedelta) -> None:
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "15", "m", "3 jam", "1h-2m", True, None, float("inf"), [1]])
def test_parse_duration_rejects(value: object) -> None:
    with pytest.raises(ValueError, match="every"):
        parse_duration(value, "every")


KNOWN = "every_pass, budget, max_per_pass, steps, max_life, age_fraction, error_backoff, error_backoff_max"


@pytest.mark.parametrize(("table", "message"), [
    ({"every_pass": "yes"}, "revisit.every_pass: expected true or false, got 'yes'"),
    ({"max_per_pass": -5}, "revisit.max_per_pass: expected a whole number >= 1, got -5"),
    ({"budget": 2.5}, "revisit.budget: expected a whole number >= 1, got 2.5"),
    ({"age_fraction": True}, "revisit.age_fraction: expected a number in [0, 1), got True"),
    ({"age_fraction": 1}, "revisit.age_fraction: expected a number in [0, 1), got 1"),
    ({"nope": 1}, f"revisit.nope: unknown key (known: {KNOWN})"),
    ({"max_life": "0s"}, "revisit.max_life must be positive, got 0:00:00"),
    ({"budget": 5, "max_per_pass": 5}, "revisit.max_per_pass: give budget or max_per_pass, not both"),
])
def test_from_dict_says_what_is_wrong_with_the_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        RevisitLadder.from_dict(table)
    assert str(caught.value) == message


def test_from_dict_reads_max_per_pass_as_the_budget_and_age_fraction_as_a_float() -> None:
    ladder = RevisitLadder.from_dict({"max_per_pass": 7, "age_fraction": 0})
    assert ladder.budget == 7 and ladder.age_fraction == 0.0 and isinstance(ladder.age_fraction, float)
