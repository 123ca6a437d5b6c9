"""The `beritawatch` command line."""
from __future__ import annotations

import argparse
import os
import pathlib
import sys
from collections.abc import Sequence
from typing import Any

from beritawatch.commands import alerts, diff, sql, watchlist
from beritawatch.commands.articles import cmd_explain, cmd_parse, cmd_reparse, cmd_report
from beritawatch.commands.base import EXIT_CONFIG, database_exit_code, guarded
from beritawatch.commands.progress import live_progress
from beritawatch.commands.summary import failure_line, format_summary
from beritawatch.config import Config, ConfigError, load_config, require_config_file

__all__ = ["build_parser", "format_summary", "main"]


def _fail(message: str, code: int) -> int:
    print(f"beritawatch: {message}", file=sys.stderr)
    return code


def cmd_run(args: argparse.Namespace) -> int:
    """One monitoring pass through the Prefect flow."""
    from warehouse.db import WarehouseError, connect

    try:  # a pass on the defaults would monitor nothing: no config file is an error here
        config_file = require_config_file(args.config)
        config = load_config(config_file)
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    db_path = args.db or config.database
    unknown = sorted(set(args.portal or ()) - set(_portal_names()))
    if unknown:
        return _fail(f"--portal: unknown portal {', '.join(unknown)} (known: {', '.join(_portal_names())})",
                     EXIT_CONFIG)
    try:  # fail fast, before Prefect starts, when the warehouse is held or unusable
        connect(db_path, wait_s=args.lock_wait, data_path=config.data_path).close()
    except WarehouseError as exc:
        return _fail(str(exc), database_exit_code(exc))
    live = sys.stderr.isatty() and not args.quiet  # a terminal gets progress bars, not log lines
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING" if args.quiet or live else "INFO")
    from flows.monitor import monitor_pass

    try:
        with live_progress(live):
            summary = monitor_pass(config_path=str(config_file), db_path=str(db_path), now=args.now,
                                   lock_wait_s=args.lock_wait, portals=args.portal or None)
    except WarehouseError as exc:
        return _fail(str(exc), database_exit_code(exc))
    except ConfigError as exc:
        return _fail(f"config error: {exc}", EXIT_CONFIG)
    idle = nothing_monitored(config, summary)
    if idle:  # on stderr, --quiet or not: cron mails it
        print(f"beritawatch: {idle}", file=sys.stderr)
    if not args.quiet:
        print(format_summary(summary, config.ui.language))
    else:  # cron: silent unless something failed
        for failure in summary.get("failures", []):
            print(failure_line(*failure))
    return 0


def _portal_names() -> list[str]:
    from beritawatch.urls import PORTALS

    return [*sorted(PORTALS), "other"]


def nothing_monitored(config: Config, summary: dict[str, Any]) -> str | None:
    """Why a pass checked and polled nothing at all, when that is because nothing is configured."""
    checked = sum(c.get("checked", 0) for c in summary.get("portals", {}).values())
    polled = summary.get("discovery", {}).get("polled", 0)
    if checked or polled or config.track or config.discover:
        return None
    return (f"nothing to monitor: {config.source} has no [[track]] or [[discover]] entry, and no article "
            "in the warehouse was due")


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
                       help="TOML config (default: $BERITAWATCH_CONFIG, else ./beritawatch.toml)")
        p.add_argument("--db", type=pathlib.Path, default=None, help="DuckDB file (default from config)")
        p.add_argument("--lock-wait", type=float, default=30.0,
                       help="seconds to wait while another process holds the database")

    def config_only(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", type=pathlib.Path, default=None,
                       help="TOML config to edit (default: $BERITAWATCH_CONFIG, else ./beritawatch.toml)")

    run = sub.add_parser("run", help="one monitoring pass")
    common(run)
    run.add_argument("--quiet", action="store_true", help="print nothing unless something fails (for cron)")
    run.add_argument("--now", action="store_true",
                     help="check every tracked article and poll every source now, whatever their schedule or backoff")
    run.add_argument("--portal", action="append", metavar="NAME",
                     help="only this portal's sources and articles (repeatable; 'other': sites of no known portal); "
                          "for parallel passes on a DuckLake warehouse")
    run.set_defaults(func=cmd_run)

    parse = sub.add_parser("parse", help="print the article extracted from a saved page as JSON")
    parse.add_argument("file", type=pathlib.Path)
    parse.add_argument("--url", required=True, help="the page's URL (selects the portal parser)")
    parse.set_defaults(func=cmd_parse)

    sql.register(sub, common)
    diff.register(sub, common)
    watchlist.register(sub, config_only)
    alerts.register(sub, common)

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
    report.add_argument("--out", type=pathlib.Path, default=None,
                        help="output folder (default: [report] out, else report/)")
    report.set_defaults(func=cmd_report)

    doctor = sub.add_parser("doctor", help="check config, targets, database and reachability")
    common(doctor)
    doctor.set_defaults(func=cmd_doctor)

    demo = sub.add_parser("demo", help="an offline tour on the local replica")
    demo.add_argument("--out", type=pathlib.Path, default=pathlib.Path("data/demo"))
    demo.set_defaults(func=cmd_demo)

    explain = sub.add_parser("explain", help="topic relevance of an article, with the evidence")
    common(explain)
    explain.add_argument("target", help="a URL (warehouse first, else fetched) or a saved HTML file")
    explain.add_argument("--url", help="the page's URL when TARGET is a file")
    explain.set_defaults(func=cmd_explain)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return guarded(args.func, args)


if __name__ == "__main__":
    raise SystemExit(main())
