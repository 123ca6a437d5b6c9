"""Parse time per page (mean, p99, max) for the portal parsers, the worst-case inputs, and docs/s vs trafilatura.

    .venv/bin/python bench/parse_speed.py               # fixtures + shared real pages + worst cases
    .venv/bin/python bench/parse_speed.py --repeat 50   # more timing runs per page
    .venv/bin/python bench/parse_speed.py --portals     # per portal (both Tempo templates) on the
                                                        # benchmark's 158 KB synthetic pages vs trafilatura
    .venv/bin/python bench/parse_speed.py --real [--mirror DIR]   # real Republika/Tempo/detik pages listed in
                                                        # bench/parse_real_manifest.json, read from a mirror,
                                                        # and ../shared/corpus/real's pages when present
    .venv/bin/python bench/parse_speed.py --mutations   # the fast path against a whole-page parse on the
                                                        # synthetic pages with parser-visible markup inserted

Not a test: it prints numbers. The real pages in ../shared/corpus/real are used when present.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import pathlib
import statistics
import subprocess
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
REAL_MANIFEST = pathlib.Path(__file__).with_name("parse_real_manifest.json")
MIRROR = pathlib.Path(os.environ.get("BERITAWATCH_MIRROR", "/work/.mirror"))  # <owner>+<name>/repo git dirs


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


# markup a portal parser reads wherever it sits (a body container, a byline, page links, JSON-LD, a title), as
# another template or a widget could carry it outside the article region
_INSERTS = (
    '<div class="txt-article"><p>Sisipan di luar wilayah.</p></div>', '<div id="penulis"><a>Orang Lain</a></div>',
    '<div id="editor"><a>Penyunting Lain</a></div>', '<h1 id="arttitle">Judul kedua</h1>',
    '<div class="detail__body-text"><p>Teks lain.</p></div>', '<h1 class="detail__title">Judul lain</h1>',
    '<div class="paging"><a href="?page=2">2</a></div>', '<div class="pagination"><a href="?page=3">3</a></div>',
    '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Lain","author":{"name":"X"}}</script>',
    '<span class="reporter"><a>Reporter Lain</a></span>', '<time datetime="2021-01-01T00:00:00+07:00">1 Jan</time>',
    '<input type="password">',
    # spelled as HTML allows: the type's value and tag and attribute names in any case, other quotes
    '<script type="Application/LD+JSON">{"@type":"NewsArticle","headline":"Lain","author":{"name":"Y"}}</script>',
    '<div ID="penulis"><a>Orang Ketiga</a></div>', "<div class='paging'><a href='?page=4'>4</a></div>",
    '<TIME datetime="2021-02-02T00:00:00+07:00">2 Feb</TIME>',
    # tag names in mixed case, names written as character references, other quotings, names inside longer ones
    '<Article><h1>Sorotan</h1><p class="text-neutral-900">3 Mar 2021</p></Article>', "<H1>Judul ketiga</H1>",
    '<div class="pag&#105;ng"><a href="?page=6">6</a></div>', '<div id="pen&#x75;lis"><a>Orang Kelima</a></div>',
    '<div class="x&#32;detail__author">Orang Keenam</div>', '<div class="txt&#x2D;article"><p>Teks.</p></div>',
    '<div class="by&Tab;byline">Rep: Orang Lain</div>', "<div id=isi><p>Isi lama.</p></div>",
    "<div class='red kecil'>Red: Penyunting Lain</div>", "<div class=date-detail>Senin, 01 Februari 2016</div>",
    '<div class="amp-byline">Rep: Orang Ketujuh</div>', '<span class="title-reporter"><a>Reporter Lain</a></span>',
    "<ARTICLE><p>Kutipan lain.</p></article>",  # (in the region: the first </article> would end it early)
)
# on a page without its doctype (quirks mode) class and id names match in any case
_QUIRKS_INSERTS = (
    '<div class="PAGING"><a href="?page=5">5</a></div>', '<div id="PENULIS"><a>Orang Keempat</a></div>',
    '<div class="DETAIL__BODY-TEXT"><p>Teks lain.</p></div>', '<span class="REPORTER"><a>Lain</a></span>',
)


def mutations_main(per_portal: int, rounds: int) -> int:
    """How often the fast path differs from a whole-page parse once markup the parsers read sits outside the
    region (one insert at a random tag boundary of a synthetic page, `rounds` per page). Prints, tests nothing:
    the region markers are template knowledge, and this shows where it stops."""
    import random

    from parsers import cut, parse_cut

    rng = random.Random(16)
    print(f"synthetic pages with one parser-visible insert at a random tag boundary ({rounds} per page; a fifth "
          "of them without the doctype, the insert's names in capitals)")
    for name, pages in _portal_pages(per_portal).items():
        fast = differ = 0
        fields: dict[str, int] = {}
        for url, html in pages:
            text = html.decode("utf-8")
            for _ in range(rounds):
                page = text
                if rng.random() < 0.2 and page.lower().startswith("<!doctype"):
                    page = page[page.index(">") + 1:]  # quirks mode, and a name in capitals
                    insert = rng.choice(_QUIRKS_INSERTS)
                else:
                    insert = rng.choice(_INSERTS)
                at = page.find("<", rng.randrange(len(page)))
                varied = page[:at] + insert + page[at:] if at >= 0 else page
                article, alone = parse_cut(cut(varied, url))
                if not alone:
                    continue
                fast += 1
                whole = _whole_page(varied.encode("utf-8"), url)
                if article != whole:
                    differ += 1
                    for field in dataclasses.fields(article):
                        if getattr(article, field.name) != getattr(whole, field.name):
                            fields[field.name] = fields.get(field.name, 0) + 1
        print(f"  {name:11s} fast path on {fast}/{len(pages) * rounds}, differs from a whole-page parse on {differ}"
              + (f" ({', '.join(f'{k} {v}' for k, v in sorted(fields.items()))})" if fields else ""))
    return 0


@dataclasses.dataclass(frozen=True)
class RealPage:
    """A real page named in the manifest, read from its repository's mirror."""

    portal: str
    captured: str
    url: str
    html: bytes
    gold: str | None  # the text the source repository's tests expect, when they give it


def _git_show(git_dir: pathlib.Path, commit: str, path: str) -> bytes | None:
    done = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
                          capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def real_pages(mirror: pathlib.Path, manifest: pathlib.Path = REAL_MANIFEST) -> list[RealPage]:
    """The manifest's pages found in `mirror` (sources whose mirror is absent are skipped)."""
    from bench.fallback_eval import _CASE, _js_string

    pages: list[RealPage] = []
    for source in json.loads(manifest.read_text(encoding="utf-8"))["sources"]:
        git_dir = mirror / source["repository"].replace("/", "+") / "repo"
        if not git_dir.is_dir():
            continue
        gold: dict[str, str] = {}
        for test in source.get("gold_files", ()):
            js = _git_show(git_dir, source["commit"], test)
            for m in _CASE.finditer(js.decode("utf-8") if js else ""):
                gold[m.group("path")] = _js_string(m.group("content"))
        for page in source["pages"]:
            html = _git_show(git_dir, source["commit"], page["path"])
            if html is not None:
                pages.append(RealPage(page["portal"], page["captured"], page["url"], html, gold.get(page["path"])))
    return pages


def shared_real_pages() -> list[RealPage]:
    """The real pages of ../shared/corpus/real with their hand-checked bodies (none when it is absent)."""
    if not (REAL / "gold.json").exists():
        return []
    pages = []
    for gold in json.loads((REAL / "gold.json").read_text(encoding="utf-8")):
        body = gold.get("body")
        paragraphs = body if isinstance(body, list) else None
        pages.append(RealPage(gold["portal"], gold.get("published", "")[:7] or "shared", gold["url"],
                              (REAL / gold["file"]).read_bytes(), "\n".join(paragraphs) if paragraphs else None))
    return pages


def real_main(mirror: pathlib.Path, repeat: int) -> int:
    """Per real page: ms for parsers.parse and trafilatura, fast path or not, equality, body token-F1."""
    import trafilatura

    from bench.fallback_eval import f1
    from parsers.region import trim

    pages = real_pages(mirror) + shared_real_pages()
    if not pages:
        print(f"no real pages: no mirror of the manifest's repositories under {mirror} (see {REAL_MANIFEST.name})")
        return 0
    print(f"real pages ({len(pages)}), CPU time, best of {repeat} runs; token-F1 of the body vs the source's tests")
    totals: dict[str, list[float]] = {}
    for page in pages:
        _, site = lookup(page.url)
        fast = trim(to_text(page.html), site.regions) is not None
        ours_article = parse(page.html, page.url)
        same = ours_article == _whole_page(page.html, page.url) if fast else True
        ours = min(_time(lambda p=page: parse(p.html, p.url), repeat, time.thread_time))
        theirs_text = trafilatura.extract(page.html, url=page.url, include_comments=False) or ""
        theirs = min(_time(lambda p=page: trafilatura.extract(p.html, url=p.url, include_comments=False),
                           repeat, time.thread_time))
        scores = (f"F1 ours {f1(chr(10).join(ours_article.body), page.gold):.3f} "
                  f"trafilatura {f1(theirs_text, page.gold):.3f}") if page.gold is not None else "no ground truth"
        total = totals.setdefault(page.portal, [0.0, 0.0])
        total[0] += ours
        total[1] += theirs
        print(f"  {page.portal:9s} {page.captured}  {len(page.html) / 1024:5.0f} KB  ours {ours * 1000:5.2f} ms  "
              f"trafilatura {theirs * 1000:6.2f} ms  {theirs / ours:5.1f}x  "
              f"{'fast path, equal: ' + str(same) if fast else 'whole page'}  {scores}")
    for portal, (ours, theirs) in totals.items():
        print(f"  {portal}: {theirs / ours:.1f}x trafilatura over its pages")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="timed parses per normal page")
    ap.add_argument("--portals", action="store_true", help="per portal on the benchmark's synthetic pages")
    ap.add_argument("--per-portal", type=int, default=25, help="synthetic pages per portal (with --portals)")
    ap.add_argument("--real", action="store_true", help="real pages of bench/parse_real_manifest.json and ../shared")
    ap.add_argument("--mirror", type=pathlib.Path, default=MIRROR, help="where <owner>+<name>/repo mirrors sit")
    ap.add_argument("--mutations", action="store_true", help="fast path vs whole page with markup inserted outside")
    ap.add_argument("--rounds", type=int, default=8, help="inserts per synthetic page (with --mutations)")
    args = ap.parse_args()
    if args.mutations:
        return mutations_main(args.per_portal, args.rounds)
    if args.portals:
        return portals_main(args.per_portal, max(3, args.repeat // 5))
    if args.real:
        return real_main(args.mirror, max(3, args.repeat // 2))

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
