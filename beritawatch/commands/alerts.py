"""`alerts`: what is pending or failed (and retrying it), a test message to each target, and what
was sent."""
from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable

from beritawatch import i18n
from beritawatch.commands.base import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, UserError, load, warehouse
from beritawatch.config import Config

_SPAN = re.compile(r"(\d+)\s*([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """"24h", "7d", "2w", "90m" back from now, or a date/time ("2026-12-01", "2026-12-01T08:00",
    read in Jakarta time when it has no zone)."""
    span = _SPAN.fullmatch(text.strip().lower())
    if span:
        return now - dt.timedelta(**{_UNITS[span.group(2)]: int(span.group(1))})
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"--since {text!r}: use a span such as 24h, 7d or 2w, or a date such as 2026-12-01",
                        EXIT_CONFIG) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=i18n.WIB)


def alerts_pending(args: argparse.Namespace) -> int:
    """List pending and failed deliveries; with --retry, attempt them all now."""
    from warehouse import outbox

    config = load(args)
    lang = config.ui.language
    with warehouse(args, config, read_only=not args.retry) as con:
        if args.retry:
            report = outbox.deliver_outbox(
                con, config.alerts.targets, dt.datetime.now(dt.UTC), pass_id="manual",
                digest_threshold=config.alerts.digest_threshold, max_attempts=config.alerts.max_attempts,
                retry_now=True, lang=lang)
            print(i18n.t("cli.retried", lang, planned=report.planned, sent=report.sent, later=report.retried_later,
                         failed=report.failed, unknown=report.unknown_targets))
            for target, key, error in report.errors:
                print(f"! {target} {key}: {error}")
        rows = outbox.pending(con)
    if not rows:
        print(i18n.t("cli.no_pending", lang))
        return EXIT_OK
    for status, target, kind, key, attempts, next_at, error, title in rows:
        when = i18n.t("cli.next_try", lang, when=i18n.when(next_at, lang)) if next_at and status == "pending" else ""
        tries = i18n.t("cli.attempts", lang, n=attempts)
        print(f"{_label('cli.delivery', status, lang):8} {_label('cli.pending', kind, lang):8} {target}  "
              f"{tries}{when}  {title or key}")
        if error:
            print(f"         {i18n.t('cli.last_error', lang, error=error)}")
    return EXIT_OK


def _label(prefix: str, value: str, lang: i18n.Language) -> str:
    """The catalogue's word for a stored value ("pending" -> "tertunda"); the value itself when it has none."""
    key = f"{prefix}.{value}"
    return i18n.t(key, lang) if key in i18n.MESSAGES else value


def alerts_test(args: argparse.Namespace) -> int:
    """Send one test message to each target (or the one named) and report each outcome."""
    from beritawatch.alerts.deliver import deliver
    from beritawatch.alerts.format import BODY_FORMATS, Message

    config = load(args)
    targets = [t for t in config.alerts.targets if args.target in (None, t.name, t.id)]
    if not config.alerts.targets:
        raise UserError("no alert target configured: set [alerts] targets or BERITAWATCH_NOTIFY", EXIT_CONFIG)
    if not targets:
        names = ", ".join(t.name for t in config.alerts.targets)
        raise UserError(f"no target named {args.target!r} (targets: {names})", EXIT_CONFIG)
    lang = config.ui.language
    title = i18n.t("alert.test_title", lang)
    stamp = i18n.when(dt.datetime.now(dt.UTC), lang)
    failed = 0
    for target in targets:
        body = f"{i18n.t('alert.test_body', lang)} ({stamp})"
        message = Message(title=title if target.kind in ("webhook", "email") else "",
                          body=body if target.kind in ("webhook", "email") else f"{title}\n{body}",
                          body_format=BODY_FORMATS[target.dialect], key=f"test:{int(dt.datetime.now().timestamp())}")
        outcome = deliver(target, [message])
        failed += not outcome.ok
        verdict = "ok" if outcome.ok else f"FAILED: {outcome.error}"
        print(f"{target.name}: {verdict} ({outcome.duration:.1f} s)")
    return EXIT_FAILED if failed else EXIT_OK


def _history(config: Config, args: argparse.Namespace, since: dt.datetime) -> list[tuple[object, ...]]:
    with warehouse(args, config, read_only=True) as con:
        return con.execute("""
            SELECT d.sent_at, d.target, a.kind, coalesce(json_extract_string(a.payload, '$.portal'), ''),
                   coalesce(json_extract_string(a.payload, '$.title'), a.dedupe_key), d.parts_sent
            FROM deliveries d JOIN alerts a USING (alert_id)
            WHERE d.status = 'sent' AND d.sent_at >= ?
            ORDER BY d.sent_at DESC, d.alert_id DESC LIMIT ?""", [since, args.limit]).fetchall()


def alerts_history(args: argparse.Namespace) -> int:
    """What was sent, newest first."""
    from beritawatch.alerts.format import kind_label

    config = load(args)
    since = parse_since(args.since, dt.datetime.now(dt.UTC))
    rows = _history(config, args, since)
    lang = config.ui.language
    if not rows:
        print(i18n.t("cli.nothing_sent", lang, since=i18n.when(since, lang)))
        return EXIT_OK
    for sent_at, target, kind, portal, title, parts in rows:
        label = kind_label(kind, lang) if kind in ("new", "edit", "removed", "restored", "health", "digest") else kind
        where = f" {portal}:" if portal else ""
        more = f" ({parts} parts)" if isinstance(parts, int) and parts > 1 else ""
        sent = sent_at if isinstance(sent_at, dt.datetime) else None  # DuckDB gives a datetime; else "–"
        print(f"{i18n.when(sent, lang)}  {target}  [{label}]{where} {title}{more}")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             common: Callable[[argparse.ArgumentParser], None]) -> None:
    """The `alerts` command and its `test` and `history` actions."""
    alerts = sub.add_parser("alerts", help="pending and failed deliveries; `test` and `history`")
    common(alerts)
    alerts.add_argument("--retry", action="store_true", help="attempt every pending delivery now")
    alerts.set_defaults(func=alerts_pending)
    actions = alerts.add_subparsers(dest="action")
    test = actions.add_parser("test", help="send a test message to each target and report each outcome")
    common(test)
    test.add_argument("--target", help="only the target with this name (as `doctor` shows it)")
    test.set_defaults(func=alerts_test)
    history = actions.add_parser("history", help="the alerts that were sent, newest first")
    common(history)
    history.add_argument("--since", default="7d", help="24h, 7d, 2w ... or a date (default 7d)")
    history.add_argument("--limit", type=int, default=200)
    history.set_defaults(func=alerts_history)
