"""Delivering the alert outbox: plan each alert to its targets once, send, record every outcome.

Guarantee: **at least once, never lost.** An alert row is committed with the version or event
that caused it. Delivery rows (alert × target, with the rendered parts fixed at planning) are
committed before anything is sent; each attempt is committed before the send and its outcome
after it. A crash between a send and its record makes the next run send that part again (the
`X-Beritawatch-Key` header lets webhook and e-mail receivers drop the repeat); nothing planned is
ever skipped. Failed sends are retried on later passes with exponential backoff, up to
`max_attempts`, then marked failed and reported.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import duckdb

from beritawatch.alerts.deliver import DeliveryOutcome, deliver
from beritawatch.alerts.format import Message
from beritawatch.alerts.model import Alert
from beritawatch.alerts.targets import Target, plan_pass
from beritawatch.i18n import DEFAULT_LANGUAGE, Language
from warehouse.db import transaction

Send = Callable[[Target, Sequence[Message]], DeliveryOutcome]
RETRY_BASE = dt.timedelta(minutes=2)
RETRY_MAX = dt.timedelta(hours=6)
PLAN_WINDOW = dt.timedelta(days=3)  # alerts older than this are never planned for a new target


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
    with transaction(con):
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
    con.execute("""INSERT INTO alerts (dedupe_key, kind, created_at, payload) VALUES (?, ?, ?, ?)
                   ON CONFLICT (dedupe_key) DO NOTHING""", [alert.dedupe_key, alert.kind, now, alert.dumps()])
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
    due = con.execute("""SELECT d.alert_id, d.target, d.attempts, d.messages, d.parts_sent, a.dedupe_key
                         FROM deliveries d JOIN alerts a USING (alert_id)
                         WHERE d.status = 'pending' AND (? OR d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)
                         ORDER BY d.alert_id""", [retry_now, now]).fetchall()
    for alert_id, target_id, attempts, messages_json, parts_sent, key in due:
        target = by_id.get(target_id)
        if target is None:
            report.unknown_targets += 1
            continue
        messages = [Message.from_json(m) for m in json.loads(messages_json or "[]")]
        attempts += 1
        with transaction(con):  # the attempt is on record before anything leaves
            con.execute("UPDATE deliveries SET attempts = ? WHERE alert_id = ? AND target = ?",
                        [attempts, alert_id, target_id])
        outcome = send(target, messages[parts_sent:])
        sent_parts = parts_sent + outcome.sent
        with transaction(con):
            if outcome.ok:
                con.execute("""UPDATE deliveries SET status = 'sent', parts_sent = ?, sent_at = ?, last_error = NULL
                               WHERE alert_id = ? AND target = ?""", [sent_parts, now, alert_id, target_id])
                report.sent += 1
                continue
            gave_up = attempts >= max_attempts
            con.execute("""UPDATE deliveries SET status = ?, parts_sent = ?, last_error = ?, next_attempt_at = ?
                           WHERE alert_id = ? AND target = ?""",
                        ["failed" if gave_up else "pending", sent_parts, outcome.error,
                         None if gave_up else now + backoff(attempts), alert_id, target_id])
        report.errors.append((target.name, key, outcome.error or "failed"))
        if gave_up:
            report.failed += 1
        else:
            report.retried_later += 1
    return report


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
