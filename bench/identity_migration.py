"""Time migration 005 (keys, aliases, merging duplicates) on a synthetic warehouse of the 001-004
schema: N articles with a version, F fetches and an event each, D of them stored twice (a Tempo
article under its old and its 2024+ address).

    python bench/identity_migration.py [N] [F] [D]      # default 100000 10 5000
"""
from __future__ import annotations

import pathlib
import sys
import tempfile
import time

import duckdb

from warehouse.db import connect, migration_files, transaction


def build(path: pathlib.Path, articles: int, fetches: int, duplicates: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL)")
    for number, name, step in migration_files():
        if number <= 4 and isinstance(step, str):
            with transaction(con):
                con.execute(step)
                con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
    # i < duplicates: also stored under the 2024+ address (same id), discovered a day later
    con.execute(f"""
        CREATE TEMP TABLE urls AS
        SELECT i, 'https://dunia.tempo.co/read/' || (1000000 + i) || '/judul-artikel-' || i AS url,
               TIMESTAMPTZ '2025-01-01 00:00:00+00' + i * INTERVAL 1 MINUTE AS seen
        FROM range({articles}) t(i)
        UNION ALL
        SELECT i, 'https://www.tempo.co/internasional/judul-artikel-' || i || '-' || (1000000 + i),
               TIMESTAMPTZ '2025-01-02 00:00:00+00' + i * INTERVAL 1 MINUTE
        FROM range({duplicates}) t(i)""")
    con.execute("""INSERT INTO articles (url, portal, source, first_seen, status, current_hash, last_checked)
                   SELECT url, 'tempo', 'discover', seen, 'ok', 'h' || i, seen FROM urls""")
    con.execute("""INSERT INTO versions (article_url, run_id, seen_at, content_hash, title, body)
                   SELECT url, 'r', seen, 'h' || i, 'Judul ' || i, repeat('Isi berita. ', 200) FROM urls""")
    con.execute(f"""INSERT INTO fetches (run_id, article_url, url, requested_at, status_code, outcome)
                    SELECT 'r', url, url, seen, 200, 'ok' FROM urls, range({fetches})""")
    con.execute("""INSERT INTO events (run_id, happened_at, kind, portal, article_url, detail)
                   SELECT 'r', seen, 'meta_change', 'tempo', url, '{}' FROM urls""")
    con.close()


def main(argv: list[str]) -> int:
    articles, fetches, duplicates = (int(a) for a in (argv + ["100000", "10", "5000"][len(argv):]))
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "old.duckdb"
        build(path, articles, fetches, duplicates)
        start = time.perf_counter()
        con = connect(path)  # applies 005 (and any later migration)
        took = time.perf_counter() - start
        [(rows, merged, aliases)] = con.execute("""SELECT (SELECT count(*) FROM articles),
            (SELECT count(*) FROM events WHERE kind = 'merged'), (SELECT count(*) FROM url_aliases)""").fetchall()
        con.close()
    print(f"{articles + duplicates} article rows, {fetches} fetches each, {duplicates} duplicates: "
          f"migrated in {took:.1f} s -> {rows} articles, {merged} merged, {aliases} aliases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
