"""Token-F1 of the generic fallback vs plain trafilatura on real Indonesian news pages from public corpora.

The pages are not in this repository: check out the repositories listed in `bench/fallback_manifest.json`
(at the commits given there) and pass their directories:

    python bench/fallback_eval.py --ins PATH/indonesian-news-scraper --fundus PATH/fundus [--portals]

`--ins` is anpandu/indonesian-news-scraper (MIT): captured 2015-16 pages of Indonesian portals in
test/fixtures/websites/, with the text its tests expect (test/websites/*.test.js) as ground truth.
`--fundus` is flairNLP/fundus (MIT): a 2026 Media Indonesia page with its reviewed JSON extraction.
Only pages of portals without a beritawatch parser are scored for the fallback; `--portals` also scores
the new kompas/antaranews parsers on their (old-template) pages.
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import pathlib
import re
import statistics
import sys
from collections.abc import Iterator
from typing import NamedTuple

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from parsers import parse  # noqa: E402
from parsers.common import Page  # noqa: E402
from parsers.generic import parse as generic_parse  # noqa: E402

MANIFEST = pathlib.Path(__file__).with_name("fallback_manifest.json")
# portals of the indonesian-news-scraper fixtures that beritawatch has no parser for (Tempo English is English)
FALLBACK_SITES = ("antara", "kompas", "kapanlagi", "liputan6", "okezone", "viva")
_CASE = re.compile(
    r"getContent\('(?P<path>test/fixtures/websites/[\w-]+/[\w-]+singlepage\d*\.html)'\)"
    r".*?_\.isEqual\(result\['url'\], '(?P<url>[^']+)'\)"
    r".*?_\.isEqual\(result\['content'\], '(?P<content>(?:[^'\\]|\\.)*)'\)",
    re.S,
)


class Case(NamedTuple):
    """One real page with the text a reader should get from it."""

    source: str
    site: str
    url: str
    html: bytes
    gold: str


def _js_string(body: str) -> str:
    """The value of a single-quoted JavaScript string literal's body."""
    escaped = body.replace('"', '\\"').replace("\\'", "'")
    value: str = json.loads(f'"{escaped}"', strict=False)
    return value


def ins_cases(root: pathlib.Path) -> Iterator[Case]:
    """Pages and expected texts of anpandu/indonesian-news-scraper."""
    for test in sorted((root / "test" / "websites").glob("*.test.js")):
        for m in _CASE.finditer(test.read_text(encoding="utf-8")):
            path = root / m.group("path")
            site = path.parent.name
            gold = _js_string(m.group("content"))
            yield Case("indonesian-news-scraper", site, m.group("url"), path.read_bytes(), gold)


def fundus_cases(root: pathlib.Path) -> Iterator[Case]:
    """The Indonesian pages of flairNLP/fundus's parser tests."""
    folder = root / "tests" / "resources" / "parser" / "test_data" / "id"
    meta = json.loads((folder / "meta.info").read_text(encoding="utf-8"))
    for name, info in sorted(meta.items()):
        publisher = name.split("_")[0]
        expected = json.loads((folder / f"{publisher}.json").read_text(encoding="utf-8"))
        version = expected[sorted(expected)[-1]]
        body = version["body"]
        lines = [*body.get("summary", [])]
        for section in body.get("sections", []):
            lines += [*section.get("headline", []), *section.get("paragraphs", [])]
        html = gzip.decompress((folder / name).read_bytes())
        yield Case("fundus", publisher.lower(), info["url"], html, "\n".join(lines))


def shared_cases(root: pathlib.Path) -> Iterator[Case]:
    """The project's hand-checked real pages (../shared/corpus/real): portals with their own parser."""
    for gold in json.loads((root / "gold.json").read_text(encoding="utf-8")):
        html = (root / gold["file"]).read_bytes()
        yield Case("shared", gold["portal"], gold["url"], html, "\n".join(gold["body"]))


def tokens(text: str) -> collections.Counter[str]:
    return collections.Counter(re.findall(r"\w+", text.lower()))


def f1(pred: str, gold: str) -> float:
    p, g = tokens(pred), tokens(gold)
    tp = sum((p & g).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def trafilatura_text(html: bytes, url: str) -> str:
    """Plain trafilatura with its defaults (comments off), as a user would call it."""
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def fallback_text(html: bytes, url: str) -> str:
    from parsers.decode import to_text

    return "\n".join(generic_parse(Page(to_text(html), url)).body)


def _row(case: Case, ours: str, theirs: str) -> tuple[float, float]:
    a, b = f1(ours, case.gold), f1(theirs, case.gold)
    print(f"{case.site:16} {a:6.3f} {b:12.3f}  {case.url[:90]}")
    return a, b


def _summary(label: str, pairs: list[tuple[float, float]]) -> None:
    if not pairs:
        return
    ours, theirs = [p[0] for p in pairs], [p[1] for p in pairs]
    print(f"{label}: {len(pairs)} pages; mean token-F1 ours {statistics.mean(ours):.3f} "
          f"(min {min(ours):.3f}), trafilatura {statistics.mean(theirs):.3f} (min {min(theirs):.3f}); "
          f"ours better on {sum(a > b + 1e-9 for a, b in pairs)}, worse on {sum(a < b - 1e-9 for a, b in pairs)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ins", type=pathlib.Path, help="checkout of anpandu/indonesian-news-scraper")
    ap.add_argument("--fundus", type=pathlib.Path, help="checkout of flairNLP/fundus")
    ap.add_argument("--shared", type=pathlib.Path, help="../shared/corpus/real: also run the fallback on detik/Tribun")
    ap.add_argument("--portals", action="store_true", help="also score the kompas/antaranews parsers")
    ap.add_argument("-v", "--verbose", action="store_true", help="print the texts of pages scoring < 0.95")
    args = ap.parse_args(argv)
    if args.ins is None and args.fundus is None and args.shared is None:
        ap.error("give --ins and/or --fundus (see bench/fallback_manifest.json)")
    cases: list[Case] = []
    if args.ins is not None:
        cases += ins_cases(args.ins)
    if args.fundus is not None:
        cases += fundus_cases(args.fundus)
    fallback = [c for c in cases if c.site in FALLBACK_SITES or c.source == "fundus"]
    print(f"{'site':16} {'fallback':>6} {'trafilatura':>12}  url")
    pairs = []
    for case in fallback:
        ours, theirs = fallback_text(case.html, case.url), trafilatura_text(case.html, case.url)
        pairs.append(_row(case, ours, theirs))
        if args.verbose and pairs[-1][0] < 0.95:
            print("  OURS:", ours[:3000].replace("\n", "\n  | "), "\n  GOLD:", case.gold[:3000].replace("\n", "\n  | "))
    _summary("fallback vs trafilatura", pairs)
    if args.shared is not None:
        print(f"\n{'site':16} {'fallback':>6} {'trafilatura':>12}  url  (pages of portals with a parser)")
        shared = [_row(c, fallback_text(c.html, c.url), trafilatura_text(c.html, c.url))
                  for c in shared_cases(args.shared)]
        _summary("fallback vs trafilatura on ../shared pages", shared)
    if args.portals:
        print(f"\n{'site':16} {'parser':>6} {'trafilatura':>12}  url")
        portal_pairs = []
        for case in cases:
            if case.site not in ("kompas", "antara"):
                continue
            article = parse(case.html, case.url)
            portal_pairs.append(_row(case, "\n".join(article.body), trafilatura_text(case.html, case.url)))
            if article.fallback:
                print("  (parsed by the fallback: the portal parser did not claim the page)")
        _summary("portal parsers vs trafilatura", portal_pairs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
