"""Cost of grouping one new article into stories against a warehouse of N stored articles.

Builds a DuckDB warehouse (the real migrations) holding N fingerprinted articles over 30 days:
synthetic Indonesian-like texts (a Zipf vocabulary, numbers, names, quotes), a third of them
copies or rewrites of another one so stories exist. Then times, for new articles (half copies of
stored ones, half fresh): fingerprinting, storing the fingerprint and index keys, the candidate
lookup in the index, loading and comparing the candidates, and, for comparison, comparing with
every stored fingerprint (what the index avoids). Also times the drift of one story member.

Run: python bench/stories_speed.py [--articles 50000] [--new 200]   (prints numbers; no targets)
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import pathlib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beritawatch.stories.drift import StoryText, drift  # noqa: E402
from beritawatch.stories.features import Fingerprint, fingerprint, index_keys  # noqa: E402
from beritawatch.stories.matching import best_match, compare  # noqa: E402
from beritawatch.stories.settings import StorySettings  # noqa: E402
from warehouse import stories  # noqa: E402
from warehouse.db import connect  # noqa: E402

T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
UNITS = ["kontainer", "persen", "orang", "unit", "ton", "kilometer", "rudal", "kapal", "miliar", "hari"]


class Writer:
    """Synthetic articles: a Zipf vocabulary so common words are shared like real ones."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.vocab = [f"{self.rng.choice('bdgkmprst')}{self.rng.choice('aiueo')}{self.rng.choice('lnrst')}"
                      f"{self.rng.choice('aiueo')}{i}" for i in range(20000)]
        self.cumulative = list(itertools.accumulate(1 / (i + 1) for i in range(len(self.vocab))))
        self.names = [f"{self.rng.choice(['Budi', 'Siti', 'Andi', 'Kim', 'Lee', 'Ivan'])} Nama{i}" for i in range(3000)]

    def sentence(self) -> str:
        words = self.rng.choices(self.vocab, cum_weights=self.cumulative, k=self.rng.randint(12, 22))
        if self.rng.random() < 0.3:
            words.insert(3, f"{self.rng.randint(2, 900)} {self.rng.choice(UNITS)}")
        if self.rng.random() < 0.4:
            words.insert(1, self.rng.choice(self.names))
        text = " ".join(words).capitalize() + "."
        if self.rng.random() < 0.1:
            text = f'"{text}" kata {self.rng.choice(self.names)}.'
        return text

    def article(self) -> tuple[str, tuple[str, ...]]:
        return self.sentence()[:60], tuple(self.sentence() for _ in range(self.rng.randint(8, 16)))

    def rewrite(self, body: tuple[str, ...], keep: float) -> tuple[str, ...]:
        out = [s if self.rng.random() < keep else self.sentence() for s in body]
        if self.rng.random() < 0.5:
            out.append(self.sentence())
        return tuple(out)


def bulk(con: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]], types: list[str]) -> None:
    selects = ", ".join(f"unnest(${i + 1}::{t}[])" for i, t in enumerate(types))
    for start in range(0, len(rows), 20000):
        chunk = rows[start:start + 20000]
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selects}",
                    [[r[i] for r in chunk] for i in range(len(columns))])


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return (time.perf_counter() - started) * 1000, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=50000)
    parser.add_argument("--new", type=int, default=200)
    args = parser.parse_args()
    writer = Writer(17)
    settings = StorySettings()
    started = time.perf_counter()
    texts: list[tuple[str, tuple[str, ...]]] = []
    prints: list[Fingerprint] = []
    for i in range(args.articles):
        title, body = (writer.article() if i < 10 or writer.rng.random() > 0.33
                       else (texts[writer.rng.randrange(max(0, i - 300), i)][0],
                             writer.rewrite(texts[writer.rng.randrange(max(0, i - 300), i)][1], 0.7)))
        texts.append((title, body))
        at = T0 + dt.timedelta(minutes=i * 30 * 24 * 60 / args.articles)
        prints.append(fingerprint(f"https://x.test/{i}", "x", at, title, body))
    build_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        db = pathlib.Path(tmp) / "bench.duckdb"
        con = connect(db)
        started = time.perf_counter()
        bulk(con, "story_fingerprints", ["article_url", "version_id", "portal", "dated", "title", "shingles",
                                         "words", "facts", "fingerprinted_at"],
             [(fp.url, i, fp.portal, fp.at, fp.title, list(fp.shingles), list(fp.words), json.dumps(fp.to_json()), T0)
              for i, fp in enumerate(prints)],
             ["VARCHAR", "BIGINT", "VARCHAR", "TIMESTAMPTZ", "VARCHAR", "BIGINT[]", "BIGINT[]", "JSON", "TIMESTAMPTZ"])
        index_rows = [(key, kind, fp.url, fp.at) for fp in prints for key, kind in index_keys(fp)]
        bulk(con, "story_index", ["key", "kind", "article_url", "dated"], index_rows,
             ["BIGINT", "VARCHAR", "VARCHAR", "TIMESTAMPTZ"])
        con.execute("CHECKPOINT")
        load_s = time.perf_counter() - started
        size_mb = db.stat().st_size / 1e6
        print(f"warehouse: {args.articles} articles, {len(index_rows)} index rows, {size_mb:.0f} MB "
              f"(fingerprinting them took {build_s:.0f} s, loading {load_s:.0f} s)")

        news = []
        for n in range(args.new):
            if n % 2 == 0:
                source = writer.rng.randrange(args.articles)
                title, body = texts[source][0], writer.rewrite(texts[source][1], 0.8)
                at = prints[source].at + dt.timedelta(hours=2)
            else:
                title, body = writer.article()
                at = T0 + dt.timedelta(days=writer.rng.uniform(1, 29))
            news.append((f"https://new.test/{n}", at, title, body))
        steps: dict[str, list[float]] = {k: [] for k in ("fingerprint", "store", "lookup", "compare", "total",
                                                          "scan_all")}
        found, candidates = 0, []
        for n, (url, at, title, body) in enumerate(news[: args.new // 2]):  # one article per pass
            t_fp, fp = timed(lambda: fingerprint(url, "y", at, title, body))  # noqa: B023
            t_store, _ = timed(lambda: stories.save_fingerprints(con, [(fp, 10**9 + n)], T0))  # noqa: B023
            t_lookup, urls = timed(lambda: stories.find_candidates(con, fp, settings))  # noqa: B023
            t_compare, match = timed(lambda: best_match(  # noqa: B023
                fp, list(stories.load_fingerprints(con, urls).values()), settings.window))  # noqa: B023
            candidates.append(len(urls))
            found += match is not None and n % 2 == 0
            for name, value in (("fingerprint", t_fp), ("store", t_store), ("lookup", t_lookup),
                                ("compare", t_compare), ("total", t_fp + t_store + t_lookup + t_compare)):
                steps[name].append(value)
            if n < 20:
                steps["scan_all"].append(timed(lambda: [compare(fp, o, settings.window) for o in prints])[0])  # noqa: B023
        batch = news[args.new // 2:]
        started = time.perf_counter()
        batch_prints = [fingerprint(url, "y", at, title, body) for url, at, title, body in batch]
        stories.save_fingerprints(con, [(fp, 2 * 10**9 + i) for i, fp in enumerate(batch_prints)], T0)
        many = stories.find_candidates_many(con, batch_prints, settings)
        loaded = stories.load_fingerprints(con, sorted({u for urls in many.values() for u in urls}))
        batch_found = sum(best_match(fp, [loaded[u] for u in many.get(fp.url, []) if u in loaded],
                                     settings.window) is not None for i, fp in enumerate(batch_prints) if i % 2 == 0)
        batch_ms = (time.perf_counter() - started) * 1000
        con.close()
    single = args.new // 2
    print(f"{single} new articles one per pass (half rewrites of stored ones): {found} of {single // 2} rewrites "
          f"joined their source's story; candidates per article median {statistics.median(candidates):.0f}, "
          f"max {max(candidates)}")
    for name, values in steps.items():
        values.sort()
        label = "compare with all (no index)" if name == "scan_all" else name
        p95 = values[max(int(len(values) * 0.95) - 1, 0)]
        print(f"  {label:28} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms")
    print(f"{len(batch)} new articles in one pass (batched): {batch_ms:.0f} ms, {batch_ms / len(batch):.1f} ms per "
          f"article; {batch_found} of {len(batch) // 2} rewrites found their source")
    ref = StoryText("a", "x", texts[0][0], texts[0][1], T0)
    member = StoryText("b", "y", texts[0][0], writer.rewrite(texts[0][1], 0.8), T0)
    t_drift = min(timed(lambda: drift(ref, member))[0] for _ in range(20))
    print(f"  drift of one member against the first: {t_drift:.1f} ms (paid only when an article joins a story)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
