"""Speed of the generic fallback (`parsers.generic.parse`, page build included) vs trafilatura on real pages.

    .venv/bin/python bench/generic_speed.py [--repeat 5] [--limit N] [--mirror DIR] [--ins CHECKOUT]

Pages: the generic fixture pages, ../shared/corpus/real forced through the fallback, the HTML pages of
scrapinghub/article-extraction-benchmark (read from its local mirror,
DIR/scrapinghub+article-extraction-benchmark/repo, with its ground truth) and, with --ins, the pages of the
Indonesian sites without a parser in a checkout of anpandu/indonesian-news-scraper (as bench/fallback_eval.py
reads them). Prints CPU ms/page (best of --repeat runs of each group), x vs trafilatura, mean token-F1 where a
ground truth exists, and a digest of every article the fallback made: two code versions with the same digest
gave the same output on every page. Not a test: it prints numbers.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import time
from collections.abc import Callable

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import Article, generic  # noqa: E402
from parsers.common import Page  # noqa: E402
from parsers.decode import to_text  # noqa: E402

MIRROR = pathlib.Path(os.environ.get("BERITAWATCH_MIRROR", "/work/.mirror"))
BENCHMARK = "scrapinghub+article-extraction-benchmark"
FIXTURES = ROOT / "tests" / "fixtures" / "parsers" / "generic"
REAL = ROOT.parent / "shared" / "corpus" / "real"

Item = tuple[str, str, str, str | None]  # (group, url, decoded html, ground-truth text)


def _git(git_dir: pathlib.Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, check=True).stdout


def pages(mirror: pathlib.Path, limit: int | None) -> list[Item]:
    """Every page found, decoded once (decoding is not what is measured)."""
    items: list[Item] = []
    for html in sorted(FIXTURES.glob("*.html")):
        golden = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
        items.append(("fixtures", golden["fetched_url"], to_text(html.read_bytes()), None))
    if (REAL / "gold.json").exists():
        for gold in json.loads((REAL / "gold.json").read_text(encoding="utf-8")):
            items.append(("shared real", gold["url"], to_text((REAL / gold["file"]).read_bytes()), None))
    git_dir = mirror / BENCHMARK / "repo"
    if git_dir.is_dir():
        truth = json.loads(_git(git_dir, "show", "HEAD:ground-truth.json"))
        for name in sorted(truth)[:limit]:
            raw = gzip.decompress(_git(git_dir, "show", f"HEAD:html/{name}.html.gz"))
            items.append(("scrapinghub", truth[name]["url"], to_text(raw), truth[name]["articleBody"]))
    return items


def _ours(items: list[Item]) -> list[Article]:
    return [generic.parse(Page(html, url)) for _, url, html, _ in items]


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        fn()
        best = min(best, time.thread_time() - start)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of the whole set (best counts)")
    ap.add_argument("--limit", type=int, default=None, help="benchmark pages to use (default: all)")
    ap.add_argument("--mirror", type=pathlib.Path, default=MIRROR)
    ap.add_argument("--no-trafilatura", action="store_true", help="time the fallback only")
    ap.add_argument("--ins", type=pathlib.Path, help="a checkout of anpandu/indonesian-news-scraper")
    args = ap.parse_args()
    import trafilatura

    from bench.fallback_eval import FALLBACK_SITES, f1, ins_cases

    items = pages(args.mirror, args.limit)
    if args.ins is not None:
        items += [("indonesian", c.url, to_text(c.html), c.gold)
                  for c in ins_cases(args.ins) if c.site in FALLBACK_SITES]
    articles = _ours(items)
    digest = hashlib.sha256("\n".join(json.dumps(a.to_json(), sort_keys=True)
                                      for a in articles).encode()).hexdigest()[:16]
    print(f"generic fallback on {len(items)} real pages, CPU time, best of {args.repeat} runs of each group; "
          f"output digest {digest}")
    for group in dict.fromkeys(g for g, *_ in items):
        chosen = [i for i in items if i[0] == group]
        ours = _best(lambda c=chosen: _ours(c), args.repeat) / len(chosen)
        line = f"  {group:12s} {len(chosen):4d} pages  generic {ours * 1000:6.2f} ms/page"
        if not args.no_trafilatura:
            theirs = _best(lambda c=chosen: [trafilatura.extract(h, url=u, include_comments=False)
                                             for _, u, h, _ in c], max(1, args.repeat // 2)) / len(chosen)
            line += f"  trafilatura {theirs * 1000:6.2f} ms/page  {theirs / ours:5.1f}x"
        scored = [(a, i[3]) for a, i in zip(articles, items, strict=True) if i[0] == group and i[3]]
        if scored:
            mean = sum(f1("\n".join(a.body), gold) for a, gold in scored) / len(scored)
            line += f"  mean token-F1 {mean:.3f}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
