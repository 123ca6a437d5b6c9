"""Delivering the alert outbox: plan each alert to its targets once, send, record every outcome.

Guarantee: **at least once, never lost.** An alert row is committed with the version or event
that caused it. Delivery rows (alert × target, with the rendered parts fixed at planning) are
committed before anything is sent; each attempt is committed before the send and its outcome
after it. A crash between a send and its record makes the next run send that part again (the
`X-Beritawatch-Key` header lets webhook and e-mail receivers drop the repeat); nothing planned is
ever skipped. Failed sends are retried on later passes with exponential backoff, up to
`max_attempts`, then marked failed and reported.

Many workers (a DuckLake warehouse): each attempt starts with a claim of the delivery row
(`claimed_by`, `claimed_until`, migration 009) in a serialised transaction, so one worker sends it;
a claim whose worker died lapses (at once on its host, else after `CLAIM_LEASE`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import pathlib
import socket
from collections.abc import Callable, Sequence
from typing import Any

import duckdb

from beritawatch.alerts.deliver import DeliveryOutcome, deliver
from beritawatch.alerts.format import Message
from beritawatch.alerts.model import Alert
from beritawatch.alerts.targets import Target, plan_pass
from beritawatch.i18n import DEFAULT_LANGUAGE, Language
from warehouse.db import insert_select, write

Send = Callable[[Target, Sequence[Message]], DeliveryOutcome]
RETRY_BASE = dt.timedelta(minutes=2)
RETRY_MAX = dt.timedelta(hours=6)
PLAN_WINDOW = dt.timedelta(days=3)  # alerts older than this are never planned for a new target
CLAIM_LEASE = dt.timedelta(minutes=5)  # a claimed delivery another host may take over after this


@dataclasses.dataclass
class DeliveryReport:
    planned: int = 0
    sent: int = 0
    retried_later: int = 0
    failed: int = 0  # gave up after max_attempts
    unknown_targets: int = 0  # pending rows for targets no longer configured
    errors: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # target, key, error

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the n-th failed attempt: 2 min, 4, 8 ... capped at 6 h."""
    return min(RETRY_BASE * (1 << max(attempts - 1, 0)), RETRY_MAX)


def plan(con: duckdb.DuckDBPyConnection, targets: Sequence[Target], now: dt.datetime, *,
         pass_id: str, digest_threshold: int, lang: Language = DEFAULT_LANGUAGE) -> int:
    """Give every never-planned alert its delivery rows (digests included), rendered in `lang`;
    return rows created."""
    if not targets:
        return 0
    # Read and written in one transaction, serialised on a lake: two workers never plan one alert twice.
    return write(con, lambda: _plan(con, targets, now, pass_id=pass_id, digest_threshold=digest_threshold,
                                    lang=lang))


def _plan(con: duckdb.DuckDBPyConnection, targets: Sequence[Target], now: dt.datetime, *,
          pass_id: str, digest_threshold: int, lang: Language) -> int:
    rows = con.execute("""SELECT alert_id, payload FROM alerts a
                          WHERE kind <> 'digest' AND created_at >= ?
                            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.alert_id)
                          ORDER BY alert_id""", [now - PLAN_WINDOW]).fetchall()
    if not rows:
        return 0
    by_key = {}
    for alert_id, payload in rows:
        alert = Alert.from_json(payload)
        by_key[alert.dedupe_key] = (alert_id, alert)
    planned = plan_pass([a for _, a in by_key.values()], targets, pass_id=pass_id,
                        max_items=digest_threshold)
    created = 0
    for item in planned:
        alert = item.alert
        if alert.kind == "digest":
            alert_id = _insert_alert(con, alert, now)
            for covered in alert.items:
                _insert_delivery(con, by_key[covered.dedupe_key][0], item.target, "digested", None, now)
        else:
            alert_id = by_key[alert.dedupe_key][0]
        messages = [m.to_json() for m in item.target.render(alert, lang)]
        created += _insert_delivery(con, alert_id, item.target, "pending", messages, now)
    # Alerts no target takes (e.g. health with only an e-mail digest target) are settled too.
    for alert_id, _ in by_key.values():
        con.execute("""INSERT INTO deliveries (alert_id, target, status, planned_at)
                       SELECT ?, '-', 'unrouted', ? WHERE NOT EXISTS
                       (SELECT 1 FROM deliveries WHERE alert_id = ?)""", [alert_id, now, alert_id])
    return created


def _insert_alert(con: duckdb.DuckDBPyConnection, alert: Alert, now: dt.datetime) -> int:
    insert_select(con, "alerts", "dedupe_key, kind, created_at, payload",
                  "SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM alerts WHERE dedupe_key = ?)",
                  [alert.dedupe_key, alert.kind, now, alert.dumps(), alert.dedupe_key])
    row = con.execute("SELECT alert_id FROM alerts WHERE dedupe_key = ?", [alert.dedupe_key]).fetchone()
    if row is None:  # the insert above either added the row or found it there
        raise RuntimeError(f"alert {alert.dedupe_key!r} is missing right after it was written")
    return int(row[0])


def _insert_delivery(con: duckdb.DuckDBPyConnection, alert_id: int, target: Target, status: str,
                     messages: list[dict[str, Any]] | None, now: dt.datetime) -> int:
    row = con.execute("SELECT count(*) FROM deliveries WHERE alert_id = ? AND target = ?",
                      [alert_id, target.id]).fetchone()
    if row is None:  # count(*) always answers one row
        raise RuntimeError(f"counting deliveries of alert {alert_id} to {target.id} returned no row")
    if row[0]:
        return 0
    con.execute("""INSERT INTO deliveries (alert_id, target, status, messages, planned_at)
                   VALUES (?, ?, ?, ?, ?)""",
                [alert_id, target.id, status, json.dumps(messages, ensure_ascii=False) if messages else None, now])
    return 1


def send_due(con: duckdb.DuckDBPyConnection, targets: Sequence[Target], now: dt.datetime, *,
             max_attempts: int, send: Send = deliver, retry_now: bool = False) -> DeliveryReport:
    """Attempt every pending delivery that is due (all of them with `retry_now`)."""
    report = DeliveryReport()
    by_id = {t.id: t for t in targets}
    due = con.execute("""SELECT d.alert_id, d.target, d.attempts, a.dedupe_key
                         FROM deliveries d JOIN alerts a USING (alert_id)
                         WHERE d.status = 'pending' AND (? OR d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)
                         ORDER BY d.alert_id""", [retry_now, now]).fetchall()
    for alert_id, target_id, seen_attempts, key in due:
        target = by_id.get(target_id)
        if target is None:
            report.unknown_targets += 1
            continue
        # The claim puts the attempt on record before anything leaves, and makes this worker the
        # only sender: it fails when another worker claimed or settled the row since it was read.
        claim = write(con, functools.partial(_claim, con, alert_id, target_id, seen_attempts))
        if claim is None:
            continue
        attempts, messages_json, parts_sent = claim
        messages = [Message.from_json(m) for m in json.loads(messages_json or "[]")]
        outcome = send(target, messages[parts_sent:])
        sent_parts = parts_sent + outcome.sent
        gave_up = not outcome.ok and attempts >= max_attempts
        write(con, functools.partial(_record_outcome, con, alert_id, target_id, outcome, sent_parts, now,
                                     gave_up, attempts))
        if outcome.ok:
            report.sent += 1
            continue
        report.errors.append((target.name, key, outcome.error or "failed"))
        if gave_up:
            report.failed += 1
        else:
            report.retried_later += 1
    return report


def worker_id() -> str:
    """Who claims a delivery: host and process."""
    return f"{socket.gethostname()}/{os.getpid()}"


def _claim_lapsed(claimed_by: str | None, claimed_until: dt.datetime | None, wall: dt.datetime) -> bool:
    """A claim may be taken over when it expired, or when its process on this host is gone."""
    if claimed_by is None or claimed_until is None or claimed_until <= wall:
        return True
    host, _, pid = claimed_by.rpartition("/")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return not process_alive(int(pid))  # this process included: another thread may be sending it


def process_alive(pid: int) -> bool:
    """Whether process `pid` still runs. A killed process whose parent died too stays a zombie
    until pid 1 reaps it (seconds, in some containers), and `kill(pid, 0)` still finds a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux): kill(pid, 0) is all there is
    return state not in ("Z", "X")


def _claim(con: duckdb.DuckDBPyConnection, alert_id: int, target_id: str,
           seen_attempts: int) -> tuple[int, str | None, int] | None:
    """Claim one pending delivery (inside a serialised transaction); None when it is not ours."""
    row = con.execute("""SELECT attempts, messages, parts_sent, claimed_by, claimed_until FROM deliveries
                         WHERE alert_id = ? AND target = ? AND status = 'pending'""",
                      [alert_id, target_id]).fetchone()
    wall = dt.datetime.now(dt.UTC)
    if row is None or row[0] != seen_attempts or not _claim_lapsed(row[3], row[4], wall):
        return None
    attempts = int(row[0]) + 1
    con.execute("""UPDATE deliveries SET attempts = ?, claimed_by = ?, claimed_until = ?
                   WHERE alert_id = ? AND target = ?""",
                [attempts, worker_id(), wall + CLAIM_LEASE, alert_id, target_id])
    return attempts, row[1], int(row[2])


def _record_outcome(con: duckdb.DuckDBPyConnection, alert_id: int, target_id: str, outcome: DeliveryOutcome,
                    sent_parts: int, now: dt.datetime, gave_up: bool, attempts: int) -> None:
    if outcome.ok:
        con.execute("""UPDATE deliveries SET status = 'sent', parts_sent = ?, sent_at = ?, last_error = NULL,
                              claimed_by = NULL, claimed_until = NULL
                       WHERE alert_id = ? AND target = ?""", [sent_parts, now, alert_id, target_id])
        return
    con.execute("""UPDATE deliveries SET status = ?, parts_sent = ?, last_error = ?, next_attempt_at = ?,
                          claimed_by = NULL, claimed_until = NULL
                   WHERE alert_id = ? AND target = ?""",
                ["failed" if gave_up else "pending", sent_parts, outcome.error,
                 None if gave_up else now + backoff(attempts), alert_id, target_id])


def deliver_outbox(con: duckdb.DuckDBPyConnection, targets: Sequence[Target], now: dt.datetime, *,
                   pass_id: str, digest_threshold: int, max_attempts: int, send: Send = deliver,
                   retry_now: bool = False, lang: Language = DEFAULT_LANGUAGE) -> DeliveryReport:
    """Plan what is new, then send what is due."""
    planned = plan(con, targets, now, pass_id=pass_id, digest_threshold=digest_threshold, lang=lang)
    report = send_due(con, targets, now, max_attempts=max_attempts, send=send, retry_now=retry_now)
    report.planned = planned
    return report


def pending(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Deliveries still to do or given up on, for `beritawatch alerts`."""
    return con.execute("""SELECT d.status, d.target, a.kind, a.dedupe_key, d.attempts, d.next_attempt_at,
                                 d.last_error, json_extract_string(a.payload, '$.title') AS title
                          FROM deliveries d JOIN alerts a USING (alert_id)
                          WHERE d.status IN ('pending', 'failed')
                          ORDER BY d.status, d.alert_id""").fetchall()
