"""Precision and recall of story grouping on labelled pairs of REAL Indonesian news articles.

The texts are not in this repository (their licences do not allow it); this script rebuilds
them from their public sources and reads the labels from bench/data/story_pairs.jsonl:

- "wn": the Indonesian top-news clusters (20 articles from okezone, jpnn, beritasatu,
  mediaindonesia, 6 March 2025) kept in github.com/odit-bit/telefs at commit bd8f112, file
  news/wn_data.go. Get it with the project's `fetch` tool or
  `git clone https://github.com/odit-bit/telefs` and pass --telefs PATH (a git directory).
- "seed": the five real North Korea–Russia articles in ../shared/seeds (skipped when absent).

Labels are ours: same story (1) or a different story (0); pairs we could not decide are
listed with label null and left out. Run: python bench/stories_eval.py [--telefs PATH]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beritawatch.stories.features import Fingerprint, fingerprint  # noqa: E402
from beritawatch.stories.matching import compare  # noqa: E402

PAIRS = ROOT / "bench" / "data" / "story_pairs.jsonl"
TELEFS_COMMIT = "bd8f1128e9d9d81585601bff9cd19e124ac5f2e0"
DEFAULT_TELEFS = pathlib.Path("/work/.mirror/odit-bit+telefs/repo")
SEEDS = ROOT.parent / "shared" / "seeds"
WIB = dt.timezone(dt.timedelta(hours=7))
WINDOW = dt.timedelta(hours=72)
# Where each seed's headline sits (1-based line); the body is every line after it.
SEED_TITLE_LINE = {"detik-2023-06-13-korut-kirim-senjata": 1, "republika-2023-09-05-korut-suplai-senjata": 1,
                   "tempo-2023-09-05-putin-kim-jual-beli-senjata": 21,
                   "tribun-kaltim-2023-09-05-korut-opsi-kirim-senjata": 3,
                   "tribunnews-2023-07-29-menhan-rusia-borong-senjata": 4}


def worldnews(git_dir: pathlib.Path) -> dict[str, Fingerprint]:
    source = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{TELEFS_COMMIT}:news/wn_data.go"],
                            capture_output=True, text=True, check=True).stdout
    data = json.loads(source[source.index("`") + 1: source.rindex("`")])
    out = {}
    for group in data["top_news"]:
        for news in group["news"]:
            at = dt.datetime.fromisoformat(news["publish_date"]).replace(tzinfo=dt.UTC)
            body = [p for p in news["text"].split("\n") if p.strip()]
            out["wn:" + news["url"]] = fingerprint(news["url"], "wn", at, news["title"], body)
    return out


def seeds() -> dict[str, Fingerprint]:
    out = {}
    for name, line in SEED_TITLE_LINE.items():
        lines = (SEEDS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        day = dt.date.fromisoformat("-".join(name.split("-")[1:4]) if not name.startswith("tribun-")
                                    else "-".join(name.split("-")[2:5]))
        at = dt.datetime.combine(day, dt.time(12), WIB)
        out["seed:" + name] = fingerprint(name, "seed", at, lines[line - 1],
                                          [x for x in lines[line:] if x.strip()])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--telefs", type=pathlib.Path, default=DEFAULT_TELEFS)
    parser.add_argument("--show", action="store_true", help="print every pair's evidence")
    args = parser.parse_args()
    items: dict[str, Fingerprint] = {}
    if args.telefs.exists():
        items.update(worldnews(args.telefs))
    else:
        print(f"telefs repository not found at {args.telefs}: its pairs are skipped")
    if SEEDS.exists():
        items.update(seeds())
    else:
        print(f"{SEEDS} not present: the North Korea–Russia pairs are skipped")
    tally: dict[str, list[int]] = {}
    started = time.perf_counter()
    compared = 0
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        a, b = items.get(pair["a"]), items.get(pair["b"])
        if a is None or b is None or pair["label"] is None:
            continue
        match = compare(a, b, WINDOW)
        compared += 1
        counts = tally.setdefault(pair["set"], [0, 0, 0, 0])  # tp fp fn tn
        counts[(0 if match.same else 2) if pair["label"] else (1 if match.same else 3)] += 1
        if args.show or match.same != bool(pair["label"]):
            flag = "  " if match.same == bool(pair["label"]) else "XX"
            print(flag, pair["label"], match.to_json(), a.title[:50], "|", b.title[:50])
    elapsed = time.perf_counter() - started
    total = [sum(c[i] for c in tally.values()) for i in range(4)]
    for name, (tp, fp, fn, tn) in [*sorted(tally.items()), ("all", total)]:
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        print(f"{name:6} pairs={tp + fp + fn + tn:4} same={tp + fn:3} precision={precision:.3f} "
              f"recall={recall:.3f} (tp={tp} fp={fp} fn={fn} tn={tn})")
    print(f"{compared} comparisons in {elapsed * 1000:.1f} ms (fingerprints precomputed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
