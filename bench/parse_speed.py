"""Parse time per page (mean, p99, max) for the portal parsers, the worst-case inputs, and docs/s vs trafilatura.

    .venv/bin/python bench/parse_speed.py               # fixtures + shared real pages + worst cases
    .venv/bin/python bench/parse_speed.py --repeat 50   # more timing runs per page
    .venv/bin/python bench/parse_speed.py --portals     # per portal (both Tempo templates) on the
                                                        # benchmark's 158 KB synthetic pages vs trafilatura

Not a test: it prints numbers. The real pages in ../shared/corpus/real are used when present.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import pathlib
import statistics
import sys
import time
from collections.abc import Callable

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers import Article, ParseError, parse  # noqa: E402
from parsers.common import Page  # noqa: E402
from parsers.decode import to_text  # noqa: E402
from parsers.registry import lookup  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "parsers"
PACKS = ROOT / "parsers" / "portals"  # each pack's golden pages sit in its fixtures/
REAL = ROOT.parent / "shared" / "corpus" / "real"


def _normal_pages() -> list[tuple[str, bytes, str]]:
    """(name, html, url) of every fixture page and shared real page."""
    pages = []
    for html in sorted([*FIXTURES.glob("*/*.html"), *PACKS.glob("*/fixtures/*.html")]):
        golden = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
        owner = html.parent.parent.name if html.parent.name == "fixtures" else html.parent.name
        pages.append((f"{owner}/{html.stem}", html.read_bytes(), golden["fetched_url"]))
    if (REAL / "gold.json").exists():
        for gold in json.loads((REAL / "gold.json").read_text(encoding="utf-8")):
            pages.append((f"real/{gold['file']}", (REAL / gold["file"]).read_bytes(), gold["url"]))
    return pages


def _worst_pages() -> list[tuple[str, bytes, str]]:
    """Pathological inputs: 5 MB pages, deep nesting, huge elements."""
    url = "https://news.detik.com/internasional/d-1/x"
    para = "<p>" + "Kiriman amunisi dari Rajin terus dipantau citra satelit komersial. " * 12 + "</p>\n"
    article = ('<html><head><meta charset="utf-8"><title>Besar</title></head><body><article class="detail">'
               '<h1 class="detail__title">Besar</h1><div class="detail__author">Rani - detikNews</div>'
               '<div class="detail__body-text">')
    filler = '<div class="list"><ul>' + '<li><a href="/x">Berita lain</a></li>' * 40 + "</ul></div>\n"
    big_body = article + para * (5_000_000 // len(para)) + "</div></article></body></html>"
    big_page = article + para * 20 + "</div></article>" + filler * (5_000_000 // len(filler)) + "</body></html>"
    cases = {
        "5MB article body": big_body,
        "5MB page, small article": big_page,
        "100k nested divs": "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000,
        "5MB unclosed divs (1M deep)": "<div>" * 1_000_000,
        "nested lists 150k": "<ul><li>" * 150_000,
        "100k attributes": "<div " + " ".join(f'a{i}="{i}"' for i in range(100_000)) + ">x</div>",
        "5MB of '<'": "<" * 5_000_000,
    }
    return [(name, html.encode("utf-8"), url) for name, html in cases.items()]


def _time(fn: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    out = []
    for _ in range(repeat):
        start = clock()
        fn()
        out.append(clock() - start)
    return out


def _safe_parse(html: bytes, url: str) -> None:
    with contextlib.suppress(ParseError):
        parse(html, url)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def _portal_pages(per_portal: int) -> dict[str, list[tuple[str, bytes]]]:
    """(url, html) of the benchmark's wrapped synthetic pages: `per_portal` per portal and Tempo template."""
    from bench.corpus import make_specs, wrap
    from beritawatch.testing.replica.render import render

    groups: dict[str, list[tuple[str, bytes]]] = {}
    for number, spec in enumerate(make_specs(per_portal * 4)):
        variants = [(spec.portal, spec)]
        if spec.portal == "tempo":  # the 2024+ Nuxt template lives on www.tempo.co/{rubrik}/{slug}-{id}
            slug = spec.url.rstrip("/").rsplit("/", 1)[-1]
            nuxt = dataclasses.replace(spec, url=f"https://www.tempo.co/internasional/{slug}-{number + 9_000_000}")
            variants = [("tempo-old", spec), ("tempo-nuxt", nuxt)]
        for name, one in variants:
            html = render(one, one.url)
            assert html is not None
            groups.setdefault(name, []).append((one.url, wrap(html.encode("utf-8"), one.url, spec.portal)))
    return groups


def _whole_page(html: bytes, url: str) -> Article:
    domain, site = lookup(url)
    return site.parse(Page(to_text(html), url, domain))


def portals_main(per_portal: int, repeat: int) -> int:
    """Per portal: ms/page for parsers.parse and trafilatura, and whether the fast path equals a whole-page parse."""
    import trafilatura

    groups = _portal_pages(per_portal)
    print(f"synthetic benchmark pages ({per_portal} per portal and Tempo template, ~158 KB each), "
          f"CPU time, best of {repeat} runs each")
    worst = float("inf")
    for name, pages in groups.items():
        same = sum(parse(h, u) == _whole_page(h, u) for u, h in pages)
        # CPU time of this thread: other engineers' processes on the shared cores do not count
        ours = min(_time(lambda ps=pages: [parse(h, u) for u, h in ps], repeat, time.thread_time)) / len(pages)
        theirs = min(_time(lambda ps=pages: [trafilatura.extract(h, url=u, include_comments=False)
                                             for u, h in ps], repeat, time.thread_time)) / len(pages)
        worst = min(worst, theirs / ours)
        print(f"  {name:11s} parsers.parse {ours * 1000:6.2f} ms  trafilatura {theirs * 1000:6.2f} ms  "
              f"{theirs / ours:5.1f}x  equal to a whole-page parse: {same}/{len(pages)}")
    print(f"  slowest portal: {worst:.1f}x trafilatura (target >= 25x: {'PASS' if worst >= 25 else 'MISS'})")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="timed parses per normal page")
    ap.add_argument("--portals", action="store_true", help="per portal on the benchmark's synthetic pages")
    ap.add_argument("--per-portal", type=int, default=25, help="synthetic pages per portal (with --portals)")
    args = ap.parse_args()
    if args.portals:
        return portals_main(args.per_portal, max(3, args.repeat // 5))

    pages = _normal_pages()
    for _, html, url in pages:  # warm up imports and caches
        _safe_parse(html, url)
    times: list[float] = []
    per_page: list[tuple[str, float, int]] = []
    for name, html, url in pages:
        runs = _time(lambda h=html, u=url: _safe_parse(h, u), args.repeat)
        times.extend(runs)
        per_page.append((name, statistics.mean(runs), len(html)))
    print(f"normal pages: {len(pages)} ({args.repeat} parses each)")
    for name, mean, size in per_page:
        print(f"  {name:42s} {size / 1024:8.1f} KB  {mean * 1000:7.3f} ms")
    print(f"  per-page parse time: mean={statistics.mean(times) * 1000:.3f} ms  p99={_p99(times) * 1000:.3f} ms  "
          f"max={max(times) * 1000:.3f} ms")

    print("worst-case inputs (1 parse each):")
    worst_max = 0.0
    for name, html, url in _worst_pages():
        (took,) = _time(lambda h=html, u=url: _safe_parse(h, u), 1)
        worst_max = max(worst_max, took)
        print(f"  {name:42s} {len(html) / 1e6:8.2f} MB  {took * 1000:9.1f} ms")
    print(f"  max including worst cases: {max(max(times), worst_max) * 1000:.1f} ms")

    real = [p for p in pages if p[0].startswith("real/")] or pages
    try:
        import trafilatura
    except ImportError:
        print("trafilatura not installed: no comparison")
        return 0
    label = "shared real pages" if real is not pages else "fixture pages"
    ours = sum(_time(lambda: [_safe_parse(h, u) for _, h, u in real], args.repeat))
    theirs = sum(_time(lambda: [trafilatura.extract(h, url=u, include_comments=False) for _, h, u in real],
                       args.repeat))
    docs = len(real) * args.repeat
    print(f"throughput on {label} ({len(real)} pages x {args.repeat}): parsers={docs / ours:.0f} docs/s  "
          f"trafilatura={docs / theirs:.0f} docs/s  speedup={theirs / ours:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
