"""The `beritawatch` command line."""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
from collections.abc import Sequence
from typing import Any

from beritawatch.config import ConfigError, load_config
from beritawatch.i18n import DEFAULT_LANGUAGE, Language, t

EXIT_CONFIG = 2
EXIT_LOCKED = 3
EXIT_FAILED = 1


def _fail(message: str, code: int) -> int:
    print(f"beritawatch: {message}", file=sys.stderr)
    return code


def cmd_run(args: argparse.Namespace) -> int:
    """One monitoring pass through the Prefect flow."""
    from warehouse.db import WarehouseError, connect

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    db_path = args.db or config.database
    try:  # fail fast, before Prefect starts, when the file is held or unusable
        connect(db_path, wait_s=args.lock_wait).close()
    except WarehouseError as exc:
        return _fail(str(exc), EXIT_LOCKED)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING" if args.quiet else "INFO")
    from flows.monitor import monitor_pass

    try:
        summary = monitor_pass(config_path=str(args.config) if args.config else None, db_path=str(db_path))
    except WarehouseError as exc:
        return _fail(str(exc), EXIT_LOCKED)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    if not args.quiet:
        print(format_summary(summary, config.ui.language))
    else:  # cron: silent unless something failed
        for url, outcome, error in summary.get("failures", []):
            print(f"! {outcome}: {url}" + (f" ({error})" if error else ""))
    return 0


def format_summary(summary: dict[str, Any], lang: Language = DEFAULT_LANGUAGE) -> str:
    """The per-portal table printed after a pass, then each failure by name."""
    header = tuple(t(f"cli.{key}", lang) for key in ("portal", "checked", "fetched", "unchanged", "new", "edited",
                                                      "errors"))
    rows: list[tuple[object, ...]] = [header]
    for portal, c in summary["portals"].items():
        rows.append((portal, c["checked"], c["fetched"], c["unchanged"], c["new_articles"],
                     c["new_versions"], c["errors"]))
    if len(rows) == 1:
        rows.append((t("cli.nothing_due", lang), 0, 0, 0, 0, 0, 0))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths)))
             for row in rows]
    for url, outcome, error in summary.get("failures", []):
        lines.append(f"! {outcome}: {url}" + (f" ({error})" if error else ""))
    return "\n".join(lines)


def cmd_parse(args: argparse.Namespace) -> int:
    """Print the article extracted from a saved page as JSON."""
    import parsers

    try:
        html = args.file.read_bytes()
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror}", EXIT_FAILED)
    try:
        article = parsers.parse(html, args.url)
    except parsers.ParseError as exc:
        return _fail(f"cannot parse {args.file}: {exc}", EXIT_FAILED)
    print(json.dumps(article.to_json(), ensure_ascii=False, indent=2))
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """Run a read-only query on the warehouse and print the table."""
    import duckdb

    from warehouse.db import WarehouseError, connect

    try:
        db_path = args.db or load_config(args.config).database
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    try:
        con = connect(db_path, read_only=True, wait_s=args.lock_wait)
    except WarehouseError as exc:
        return _fail(str(exc), EXIT_LOCKED)
    try:
        relation = con.sql(args.query)
        if relation is None:
            print("(statement ran; nothing to show)")
        else:
            print(relation.show(max_width=args.width, max_rows=args.max_rows) or "", end="")
    except duckdb.Error as exc:
        return _fail(f"query failed: {str(exc).splitlines()[0]}", EXIT_FAILED)
    finally:
        con.close()
    return 0


def cmd_reparse(args: argparse.Namespace) -> int:
    """Re-run the current parsers over the stored raw HTML."""
    from warehouse.db import WarehouseError, connect
    from warehouse.reparse import reparse

    try:
        db_path = args.db or load_config(args.config).database
        con = connect(db_path, wait_s=args.lock_wait)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    except WarehouseError as exc:
        return _fail(str(exc), EXIT_LOCKED)
    try:
        stats = reparse(con)
    finally:
        con.close()
    print(f"re-parsed {stats.versions} versions: {stats.changed} read differently now, "
          f"{stats.failed} no longer parse (kept as they were); "
          f"edit records {stats.edits_before} -> {stats.edits_after}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Score an article (a saved page, or a URL from the warehouse or the network) and say why."""
    import parsers
    from beritawatch.relevance import default_topics, score_article

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    topics = config.topics or default_topics()
    target = args.target
    path = pathlib.Path(target)
    if path.exists():
        if not args.url:
            return _fail("explaining a file needs --url (it selects the portal parser)", EXIT_CONFIG)
        try:
            article = parsers.parse(path.read_bytes(), args.url)
        except parsers.ParseError as exc:
            return _fail(f"cannot parse {path}: {exc}", EXIT_FAILED)
        title, body = article.title, article.body
    else:
        found = _stored_text(args.db or config.database, target, args.lock_wait)
        if found is None:
            found = _fetched_text(config, target)
        if isinstance(found, str):
            return _fail(found, EXIT_FAILED)
        title, body = found
    score = score_article(title, body, topics)
    print(f"{title}\n{score.explain()}")
    return 0


def _stored_text(db_path: pathlib.Path, url: str, lock_wait: float) -> tuple[str, tuple[str, ...]] | None:
    from beritawatch.urls import canonical_url
    from warehouse.db import WarehouseError, connect

    if not pathlib.Path(db_path).exists():
        return None
    try:
        con = connect(db_path, read_only=True, wait_s=lock_wait)
    except WarehouseError:
        return None
    try:
        row = con.execute("""SELECT v.title, v.body FROM articles a JOIN versions v
                             ON v.article_url = a.url AND v.content_hash = a.current_hash
                             WHERE a.url = ? ORDER BY v.version_id DESC LIMIT 1""",
                          [canonical_url(url)]).fetchone()
    finally:
        con.close()
    return (row[0], tuple(row[1].split("\n\n"))) if row else None


def _fetched_text(config: Any, url: str) -> tuple[str, tuple[str, ...]] | str:
    import asyncio

    from beritawatch.check import PARSED, DueArticle, check_article
    from beritawatch.fetch import Fetcher

    async def fetch() -> Any:
        async with Fetcher(config.http) as fetcher:
            return await check_article(fetcher, DueArticle(url, None))

    result = asyncio.run(fetch())
    if result.outcome != PARSED or result.article is None:
        return f"could not read {url}: {result.error or result.outcome}"
    return result.article.title, result.article.body


def cmd_alerts(args: argparse.Namespace) -> int:
    """List pending and failed deliveries; with --retry, attempt them all now."""
    import datetime as dt

    from warehouse import outbox
    from warehouse.db import WarehouseError, connect

    try:
        config = load_config(args.config)
        con = connect(args.db or config.database, wait_s=args.lock_wait)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    except WarehouseError as exc:
        return _fail(str(exc), EXIT_LOCKED)
    try:
        if args.retry:
            report = outbox.deliver_outbox(
                con, config.alerts.targets, dt.datetime.now(dt.timezone.utc), pass_id="manual",
                digest_threshold=config.alerts.digest_threshold, max_attempts=config.alerts.max_attempts,
                retry_now=True)
            print(f"planned {report.planned}, sent {report.sent}, will retry {report.retried_later}, "
                  f"gave up {report.failed}, unknown targets {report.unknown_targets}")
            for target, key, error in report.errors:
                print(f"! {target} {key}: {error}")
        rows = outbox.pending(con)
    finally:
        con.close()
    if not rows:
        print("no pending or failed deliveries")
        return 0
    for status, target, kind, key, attempts, next_at, error, title in rows:
        when = f", next try {next_at:%Y-%m-%d %H:%M}" if next_at and status == "pending" else ""
        print(f"{status:8} {kind:8} {target}  attempts={attempts}{when}  {title or key}")
        if error:
            print(f"         last error: {error}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the pass as a scheduled deployment from this process (needs a Prefect server)."""
    try:
        load_config(args.config)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    if not os.environ.get("PREFECT_API_URL"):
        return _fail("schedules need a Prefect server: run `prefect server start` and set "
                     "PREFECT_API_URL=http://127.0.0.1:4200/api (the ephemeral API schedules nothing)",
                     EXIT_CONFIG)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.monitor import monitor_pass

    parameters: dict[str, Any] = {"mode": args.mode}
    if args.config:
        parameters["config_path"] = str(args.config.resolve())
    if args.db:
        parameters["db_path"] = str(args.db.resolve())
    # limit=1: this process never runs two passes at once (one writer per warehouse).
    monitor_pass.serve(name=args.name, interval=args.every, parameters=parameters, limit=1,
                       pause_on_shutdown=False)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the static HTML report from the warehouse."""
    from beritawatch.report import write_report
    from warehouse.db import WarehouseError, connect

    try:
        db_path = args.db or load_config(args.config).database
        con = connect(db_path, read_only=True, wait_s=args.lock_wait)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    except WarehouseError as exc:
        return _fail(str(exc), EXIT_LOCKED)
    try:
        index = write_report(con, args.out)
    finally:
        con.close()
    print(f"report written: {index}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """An offline tour on the replica: new coverage, an edit, a takedown, alerts and the report."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from beritawatch.demo import run_demo

    return run_demo(args.out)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the config, alert targets, database and every source; say what is wrong and how to fix it."""
    from beritawatch.doctor import run_doctor

    return run_doctor(args.config, args.db)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="beritawatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", type=pathlib.Path, default=None,
                       help="TOML config (default: ./beritawatch.toml)")
        p.add_argument("--db", type=pathlib.Path, default=None, help="DuckDB file (default from config)")
        p.add_argument("--lock-wait", type=float, default=30.0,
                       help="seconds to wait while another process holds the database")

    run = sub.add_parser("run", help="one monitoring pass")
    common(run)
    run.add_argument("--quiet", action="store_true", help="print nothing unless something fails (for cron)")
    run.set_defaults(func=cmd_run)

    parse = sub.add_parser("parse", help="print the article extracted from a saved page as JSON")
    parse.add_argument("file", type=pathlib.Path)
    parse.add_argument("--url", required=True, help="the page's URL (selects the portal parser)")
    parse.set_defaults(func=cmd_parse)

    sql = sub.add_parser("sql", help="run a read-only SQL query on the warehouse")
    common(sql)
    sql.add_argument("query")
    sql.add_argument("--width", type=int, default=160)
    sql.add_argument("--max-rows", type=int, default=60)
    sql.set_defaults(func=cmd_sql)
    reparse = sub.add_parser("reparse", help="re-run the parsers over stored raw HTML (after a parser fix)")
    common(reparse)
    reparse.set_defaults(func=cmd_reparse)

    serve = sub.add_parser("serve", help="run passes on a schedule from this process (needs a Prefect server)")
    common(serve)
    serve.add_argument("--every", type=float, default=600.0, help="seconds between passes (default 600)")
    serve.add_argument("--mode", choices=("all", "discover", "revisit"), default="all")
    serve.add_argument("--name", default="beritawatch-serve", help="deployment name")
    serve.set_defaults(func=cmd_serve)

    report = sub.add_parser("report", help="write the static HTML report")
    common(report)
    report.add_argument("--out", type=pathlib.Path, default=pathlib.Path("report"), help="output folder")
    report.set_defaults(func=cmd_report)

    doctor = sub.add_parser("doctor", help="check config, targets, database and reachability")
    common(doctor)
    doctor.set_defaults(func=cmd_doctor)

    demo = sub.add_parser("demo", help="an offline tour on the local replica")
    demo.add_argument("--out", type=pathlib.Path, default=pathlib.Path("data/demo"))
    demo.set_defaults(func=cmd_demo)

    alerts = sub.add_parser("alerts", help="list pending and failed alert deliveries")
    common(alerts)
    alerts.add_argument("--retry", action="store_true", help="attempt every pending delivery now")
    alerts.set_defaults(func=cmd_alerts)

    explain = sub.add_parser("explain", help="topic relevance of an article, with the evidence")
    common(explain)
    explain.add_argument("target", help="a URL (warehouse first, else fetched) or a saved HTML file")
    explain.add_argument("--url", help="the page's URL when TARGET is a file")
    explain.set_defaults(func=cmd_explain)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
