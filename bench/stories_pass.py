"""The stories step of one cold pass: `warehouse.stories.group_pass` alone, on the benchmark's pages.

Starts the benchmark's replica with N articles, checks them (fetch + parse, no Prefect), stores
them as tracked articles in a fresh warehouse with grouping switched off, then times grouping that
pass's versions: wall and CPU seconds, the process's peak RSS (checks included), the stories made, and a digest of
the links, drift rows and alerts (equal digests at two commits = the same result).

The benchmark's synthetic texts share one small vocabulary, so they fall into a few stories of
hundreds of members: unrealistic, but the worst case for the drift against each story's first member.

Run: python bench/stories_pass.py [--articles 400] [--keep PATH]   (prints numbers; no targets)
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import pathlib
import resource
import shutil
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from bench import stages  # noqa: E402
from bench.pipeline import by_portal  # noqa: E402
from bench.replica import ReplicaProcess  # noqa: E402
from beritawatch.check import DueArticle  # noqa: E402
from beritawatch.stories.settings import StorySettings  # noqa: E402
from warehouse import store, stories  # noqa: E402
from warehouse.db import connect, transaction  # noqa: E402


def stored_pass(path: pathlib.Path, articles: int) -> tuple[str, dt.datetime]:
    """A warehouse holding one cold pass of `articles` tracked articles, not yet grouped."""
    with ReplicaProcess(articles) as replica:
        http = stages.http_settings(replica.routes)
        due = {p: [DueArticle(s.url, s.portal) for s in items] for p, items in by_portal(replica.specs).items()}
        results, _ = stages.per_portal(lambda d: stages.check_all(http, d), due)
    now, run_id = dt.datetime.now(dt.UTC), uuid.uuid4().hex
    con = connect(path)
    try:
        with transaction(con):
            store.track(con, [(r.due.url, r.due.portal) for r in results], "track", now)
            store.start_run(con, run_id, now, None)
        store.record_checks(con, run_id, results, now, stages.policy(now))  # the policy has no stories
    finally:
        con.close()
    return run_id, now


def digest(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    rows = sorted(map(repr, con.execute(sql).fetchall()))
    return f"{hashlib.sha256(chr(10).join(rows).encode()).hexdigest()[:12]} ({len(rows)} rows)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--keep", type=pathlib.Path, help="keep the grouped warehouse here")
    args = parser.parse_args()
    work = pathlib.Path(tempfile.mkdtemp(prefix="beritawatch-stories-"))
    try:
        path = work / "w.duckdb"
        run_id, now = stored_pass(path, args.articles)
        con = connect(path)
        wall, cpu = time.perf_counter(), time.process_time()
        with transaction(con):
            done = stories.group_pass(con, run_id, now, StorySettings())
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sizes = [n for (n,) in con.execute("SELECT count(*) FROM story_links GROUP BY story_id ORDER BY 1 DESC")
                 .fetchall()]
        print(f"group_pass of {done.fingerprinted} new articles: {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({1000 * cpu / max(done.fingerprinted, 1):.1f} ms CPU per article); "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        print(f"stories {len(sizes)} (members: {sizes[:8]}), joined {len(done.joined)}, "
              f"alerts replaced {done.alerts_replaced}, written {done.alerts_written}")
        print("links ", digest(con, "SELECT article_url, role, similarity, evidence FROM story_links"))
        print("drift ", digest(con, """SELECT article_url, reference_url, kind, text, other_text, reasons, new_facts
                                       FROM story_drift"""))
        print("alerts", digest(con, """SELECT kind, article_url, payload->>'portal', payload->>'title',
                                       payload->>'summary', payload->>'added' FROM alerts"""))  # no run ids
        con.close()
        if args.keep:
            shutil.copy(path, args.keep)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
