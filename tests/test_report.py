"""The static HTML report, built from a warehouse written by two real passes on the replica:
structure, word-level diffs, hostile text shown as text, rendering in headless Chromium, and
the time it takes on 2,000 synthesized articles."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pathlib
import random
import struct
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from beritawatch.report import (
    Article,
    body_diff,
    diff_html,
    safe_href,
    timeline_svg,
    word_diff,
    write_report,
)
from beritawatch.report import diff as report_diff
from beritawatch.report import pages as report_pages
from beritawatch.report.data import Edit, Event, Version
from beritawatch.report.diff import DiffPara
from beritawatch.testing.replica.server import Replica
from beritawatch.testing.replica.site import (
    DETIK_URL,
    REPUBLIKA_URL,
    TEMPO_URL,
    tracked_articles,
)
from flows.monitor import monitor_pass
from tests.browser import CHROMIUM, Browser
from warehouse.db import connect, insert_rows, transaction
from warehouse.store import url_key

pytestmark = pytest.mark.prefect

HOSTILE = "<script>alert(1)</script> [klik](javascript:alert(2))"
MISSING = "https://news.detik.com/internasional/d-7999999/artikel-yang-tidak-ada"
PORTALS = {"detik", "republika", "tempo", "tribun"}
OUTPUT = pathlib.Path(__file__).resolve().parents[1] / "test-output" / "report"  # screenshots (git-ignored)


@dataclasses.dataclass(frozen=True)
class Built:
    out: pathlib.Path
    index: pathlib.Path
    seconds: float
    old_detik_title: str
    old_republika_title: str

    def page(self, url: str) -> pathlib.Path:
        return self.out / "articles" / f"{url_key(url)}.html"


def parse(path: pathlib.Path) -> LexborHTMLParser:
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


@pytest.fixture
def built(prefect_server: str, replica: Replica, write_config, tmp_path: pathlib.Path) -> Built:
    """Two real passes: between them one paragraph of detik's article is edited and Republika's
    title becomes a hostile string; then the report is written from a read-only connection."""
    config = write_config([spec.url for spec in tracked_articles()] + [MISSING])
    monitor_pass(config_path=str(config))
    detik = replica.article(DETIK_URL)
    paragraphs = [*detik.paragraphs]
    assert "kelompok tentara bayaran" in paragraphs[2]
    paragraphs[2] = paragraphs[2].replace("kelompok tentara bayaran", "grup paramiliter Wagner")
    replica.edit(DETIK_URL, paragraphs=paragraphs)
    old_republika = replica.article(REPUBLIKA_URL).title
    replica.edit(REPUBLIKA_URL, title=HOSTILE)
    monitor_pass(config_path=str(config))

    con = connect(tmp_path / "warehouse.duckdb", read_only=True)
    try:
        started = time.perf_counter()
        index = write_report(con, tmp_path / "report")
        seconds = time.perf_counter() - started
    finally:
        con.close()
    return Built(tmp_path / "report", index, seconds, detik.title, old_republika)


def all_pages(built: Built) -> list[pathlib.Path]:
    return [built.index, *sorted((built.out / "articles").glob("*.html"))]


# -- structure -----------------------------------------------------------------------------------

def test_index_has_timeline_table_and_health(built: Built, tmp_path: pathlib.Path) -> None:
    tree = parse(built.index)
    csp = tree.css_first('meta[http-equiv="Content-Security-Policy"]')
    assert csp is not None and "script-src 'none'" in (csp.attributes["content"] or "")
    assert "default-src 'none'" in (csp.attributes["content"] or "")

    [svg] = tree.css("svg.timeline")
    rows = {g.attributes["data-portal"]: g for g in svg.css("g.portal-row")}
    assert set(rows) == PORTALS and len(svg.css("g.portal-row")) == 4
    for row in rows.values():
        assert row.css("rect.bar-seen") and row.css("rect.bar-published")
    assert len(rows["detik"].css(".mark-edit")) == 1 and len(rows["detik"].css(".mark-removal")) == 1
    assert len(rows["republika"].css(".mark-edit")) == 1 and not rows["republika"].css(".mark-removal")
    assert not rows["tempo"].css(".mark-edit, .mark-removal")

    table = tree.css_first("table.articles")
    body_rows = table.css("tbody tr")
    assert len(body_rows) == 6
    headers = [th.text(strip=True) for th in table.css("thead th")]
    assert headers == ["Portal", "Judul", "Terbit", "Pertama terlihat", "Versi", "Suntingan", "Status"]
    by_key = {tr.attributes["data-key"]: tr for tr in body_rows}
    for spec in tracked_articles():
        row = by_key[url_key(spec.url)]
        original = row.css_first("td.title a.original")
        assert original is not None and original.attributes["href"] == spec.url
        title = row.css_first("td.title a.title")  # the title opens the local history
        assert title is not None and title.attributes["href"] == f"articles/{url_key(spec.url)}.html"
        history = row.css("td.num a")[0].attributes["href"] or ""
        assert (built.out / history).is_file()
    detik = [td.text(strip=True) for td in by_key[url_key(DETIK_URL)].css("td")]
    assert detik[0] == "detik" and detik[4] == "2" and detik[5].startswith("1") and detik[6] == "ok"
    assert [td.text(strip=True) for td in by_key[url_key(MISSING)].css("td")][6] == "dihapus"
    assert by_key[url_key(REPUBLIKA_URL)].css_first("td.title a.title").text() == HOSTILE

    health = tree.css_first("section#health")
    assert "http_error" in health.text() and MISSING in health.text()
    assert len(tree.css("section#changes tbody tr")) == 3  # two edits, one removal

    # Written again into the same folder: pages no longer produced go, other files stay.
    print(f"report written in {built.seconds:.1f} s")
    stale = built.out / "articles" / ("0" * 16 + ".html")
    stale.write_text("old", encoding="utf-8")
    keep = built.out / "articles" / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    con = connect(tmp_path / "warehouse.duckdb", read_only=True)
    try:
        write_report(con, built.out)
    finally:
        con.close()
    assert not stale.exists() and keep.exists()
    assert len(list((built.out / "articles").glob("*.html"))) == 6


def test_article_pages_mark_exactly_the_changed_words_and_keep_hostile_text_inert(built: Built) -> None:
    tree = parse(built.page(DETIK_URL))
    assert tree.css_first("h1").text(strip=True) == built.old_detik_title
    assert [n.text() for n in tree.css("del")] == ["kelompok tentara bayaran"]
    assert [n.text() for n in tree.css("ins")] == ["grup paramiliter Wagner"]
    [diff] = tree.css("article.diff")
    assert (diff.attributes["data-from"], diff.attributes["data-to"]) == ("1", "2")
    assert "substantif" in diff.css_first(".edit-summary").text()
    assert "1 kalimat diubah" in diff.css_first(".edit-summary").text()
    changed = diff.css_first("del").parent
    assert "Pyongyang telah mengirim roket dan rudal infanteri kepada" in changed.text()
    assert len(tree.css("table.versions tbody tr")) == 2

    unchanged = parse(built.page(TEMPO_URL))
    assert not unchanged.css("ins, del, article.diff")
    assert len(unchanged.css("details.fulltext p")) == len(next(
        s for s in tracked_articles() if s.url == TEMPO_URL).paragraphs)

    # The hostile title: text in the heading and in the title diff, never markup or a link.
    tree = parse(built.page(REPUBLIKA_URL))
    assert tree.css_first("h1").text() == HOSTILE
    title_diff = tree.css_first("p.title-diff")
    assert [n.text() for n in title_diff.css("del")] == [built.old_republika_title]
    assert [n.text() for n in title_diff.css("ins")] == [HOSTILE]
    assert "tidak berubah" in tree.css_first(".body-diff").text()
    for path in all_pages(built):
        text = path.read_text(encoding="utf-8")
        page = LexborHTMLParser(text)
        assert page.css("script, iframe, object, embed, img") == [], path
        assert "<script>alert" not in text
        for node in page.css("*"):
            assert not any(name.lower().startswith("on") for name in node.attributes), (path, node.tag)
        for link in page.css("a[href]"):
            href = link.attributes["href"] or ""
            assert href.startswith(("https://", "http://", "#", "articles/", "stories/", "../index.html")), href
        if path.name in ("index.html", f"{url_key(REPUBLIKA_URL)}.html"):
            assert "&lt;script&gt;alert(1)&lt;/script&gt; [klik](javascript:alert(2))" in text


# -- the other language --------------------------------------------------------------------------

def test_the_report_in_english(built: Built, tmp_path: pathlib.Path) -> None:
    con = connect(tmp_path / "warehouse.duckdb", read_only=True)
    try:
        index = write_report(con, tmp_path / "report-en", lang="en")
    finally:
        con.close()
    tree = parse(index)
    assert tree.css_first("html").attributes["lang"] == "en"
    headers = [th.text(strip=True) for th in tree.css("table.articles thead th")]
    assert headers == ["Portal", "Title", "Published", "First seen", "Versions", "Edits", "Status"]
    assert "Coverage timeline" in tree.css_first("section#timeline h2").text()
    article = parse(tmp_path / "report-en" / "articles" / f"{url_key(DETIK_URL)}.html")
    summary = article.css_first(".edit-summary").text()
    assert "substantive" in summary and "1 sentence changed" in summary
    for word in ("Judul", "Terbit", "kalimat", "Suntingan"):
        assert word not in index.read_text(encoding="utf-8")


# -- Chromium ------------------------------------------------------------------------------------

def _png_size(path: pathlib.Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


# A skip mark, not a fixture: it skips before the session's Prefect server would start.
@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason=f"{CHROMIUM} not installed (Debian: apt-get install -y chromium)")
def test_report_renders_in_headless_chromium_at_1400_and_400_px(built: Built, tmp_path: pathlib.Path) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    browser = Browser(tmp_path / "chromium-profile")
    try:
        for width in (1400, 400):
            browser.open(built.index.as_uri(), width)
            assert browser.eval("window.innerWidth") == width
            page_width = browser.eval("document.documentElement.scrollWidth")
            assert page_width <= width, f"index scrolls sideways at {width}px: {page_width}"
            assert browser.eval("document.querySelectorAll('svg.timeline g.portal-row').length") == 4
            assert browser.eval("document.querySelectorAll('table.articles tbody tr').length") == 6
            assert browser.eval("document.scripts.length") == 0
            hostile = f"document.querySelector('tr[data-key=\"{url_key(REPUBLIKA_URL)}\"] a.title').textContent"
            assert browser.eval(hostile) == HOSTILE
            # Titles read as lines, not a word per line: the title cell is wider than 12 em.
            title_width = browser.eval(
                "document.querySelector('table.articles td.title').getBoundingClientRect().width")
            assert title_width >= min(width - 60, 12 * 15), title_width
            # Every axis label of the timeline lies inside the drawing.
            inside = browser.eval("""(() => {
                const svg = document.querySelector('svg.timeline').getBoundingClientRect();
                return [...document.querySelectorAll('svg.timeline text.tick')].every(t => {
                  const r = t.getBoundingClientRect();
                  return r.left >= svg.left - 0.5 && r.right <= svg.right + 0.5; });
              })()""")
            assert inside
            shot = OUTPUT / f"index-{width}.png"
            browser.screenshot(shot)
            assert _png_size(shot)[0] == width and shot.stat().st_size > 20_000
            browser.screenshot(OUTPUT / f"index-{width}-top.png", full_page=False)

            browser.open(built.page(DETIK_URL).as_uri(), width)
            page_width = browser.eval("document.documentElement.scrollWidth")
            assert page_width <= width, f"article page scrolls sideways at {width}px: {page_width}"
            assert browser.eval("[...document.querySelectorAll('article.diff ins')].map(n => n.textContent)") == [
                "grup paramiliter Wagner"]
            assert browser.eval("[...document.querySelectorAll('article.diff del')].map(n => n.textContent)") == [
                "kelompok tentara bayaran"]
            browser.screenshot(OUTPUT / f"article-{width}.png")
            browser.screenshot(OUTPUT / f"article-{width}-top.png", full_page=False)
        assert not [line for line in browser.log if "Content Security Policy" in line or "Refused" in line], browser.log
    finally:
        browser.close()
    for shot in OUTPUT.glob("*.png"):  # copies beside the report for a person to look at
        (built.out / f"screenshot-{shot.name}").write_bytes(shot.read_bytes())


# -- pieces, without a warehouse -----------------------------------------------------------------

def test_word_diff_marks_words_and_keeps_spacing() -> None:
    old = ["Rusia membeli roket dan rudal infanteri kepada Wagner."]
    new = ["Rusia membeli roket, rudal infanteri, dan peluru artileri kepada Wagner."]
    [para] = word_diff(old, new)
    assert [t for op, t in para if op == "-"] == ["dan "]
    assert [t.strip() for op, t in para if op == "+"] == [",", ", dan peluru artileri"]
    assert "".join(t for op, t in para if op != "-").replace(" ,", ",") == new[0]


def test_word_diff_aligns_sentences_first_and_rebuilds_both_texts() -> None:
    old = [" ".join(f"Kapal {i} membawa amunisi ke pelabuhan Rajin." for i in range(40))]
    new = [old[0].replace("Kapal 7 ", "Kapal 70 ").replace("Kapal 30 membawa", "Kapal 30 tidak membawa")]
    [para] = word_diff(old, new)
    assert [t.strip() for op, t in para if op == "-"] == ["7"]
    assert [t.strip() for op, t in para if op == "+"] == ["70", "tidak"]

    def squeezed(texts: list[str]) -> str:
        return "".join("".join(texts).split())

    rng = random.Random(16)
    words = "Rusia Korea senjata rudal kapal Rajin amunisi dan yang . , ! ?".split()
    for _ in range(300):
        old = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 40))) for _ in range(rng.randint(1, 4))]
        new = [p.replace("rudal", "peluru kendali", 1) if rng.random() < 0.5 else
               " ".join(rng.choice(words) for _ in range(rng.randint(0, 40))) for p in old]
        paragraphs = word_diff(old, new)
        assert squeezed([t for p in paragraphs for op, t in p if op != "-"]) == squeezed(new)
        assert squeezed([t for p in paragraphs for op, t in p if op != "+"]) == squeezed(old)
        marked = [p.segments for p in body_diff(old, new)[0]]
        assert squeezed([t for p in marked for op, t in p if op != "-"]) == squeezed(new)
        assert squeezed([t for p in marked for op, t in p if op != "+"]) == squeezed(old)


# Letters, digits, "_", sentence ends, other punctuation, whitespace (ASCII and not), control and non-ASCII characters.
_TEXT = st.text(alphabet=st.sampled_from(list("aZ9_.!?,-'\" \t\n\x0b\x1c\x1f\x00\xa0é“”–\u3000")), max_size=40)


@given(_TEXT)
def test_word_counts_and_sentence_keys_are_what_their_regexes_find(text: str) -> None:
    # The report counts words and cuts sentences without regexes where it can; same results.
    report_diff._word_count.cache_clear()
    report_diff._sentence_keys.cache_clear()
    assert report_diff._word_count(text) == len(report_diff._WORD.findall(text))
    squeezed = "".join(text.split())
    assert report_diff._sentence_keys(text) == tuple(s for s in report_diff._SENTENCE_CUT.split(squeezed) if s)


def test_an_article_page_escapes_every_text_once() -> None:
    hostile = 'A & B <i>"x"</i>'
    seen = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    article = Article(url="https://news.detik.com/berita/d-1/x", portal="detik", source="track", status="ok",
                      title=hostile, published=None, first_seen=seen, relevant=True, relevance=1.0,
                      last_checked=seen, versions=2, edits=1, last_edit_kind="substantive")
    versions = [Version(1, seen, hostile, ("Paragraf satu.", hostile), (hostile,), None, None),
                Version(2, seen + dt.timedelta(hours=1), hostile + " 2", ("Paragraf satu.", hostile + " baru"),
                        (hostile,), None, None)]
    edit = Edit(article.url, versions[1].seen_at, 1, 2, "substantive", f"substantive: {hostile}", {})
    events = [Event("restored", "detik", article.url, seen, {"note": hostile}),
              Event("merged", "detik", article.url, seen, {})]  # no reason, note or error: the page still renders
    html = report_pages._article_page(article, versions, [edit], events, report_pages.Words("id"))
    tree = LexborHTMLParser(html)
    assert [n.text() for n in tree.css("ul.events li")] == [
        f"1 Des 2026 10:00 WIB dipulihkan {hostile}", "1 Des 2026 10:00 WIB merged "]
    assert "<i>" not in html and not tree.css("i")
    assert [n.text() for n in tree.css("table.versions td.title")] == [hostile, hostile + " 2"]
    assert tree.css_first(".edit-summary").text() == f"substantif {hostile}"
    assert [n.text() for n in tree.css("details.fulltext summary")] == [
        f"Versi 2 (1 Des 2026 11:00 WIB) · oleh {hostile}", f"Versi 1 (1 Des 2026 10:00 WIB) · oleh {hostile}"]
    assert [n.text() for n in tree.css("article.diff ins")] == ["2", "baru"]


def test_a_rewrite_marks_whole_sentences_a_smaller_edit_marks_words() -> None:
    sentences = [f"Kapal {i} membawa amunisi ke pelabuhan Rajin." for i in range(6)]

    def edited(count: int) -> list[DiffPara]:
        new = [s.replace("amunisi", "roket") if i < count else s for i, s in enumerate(sentences)]
        paragraphs, whole = body_diff([" ".join(sentences)], [" ".join(new)])
        assert not whole
        return paragraphs

    def marked(paragraphs: list[DiffPara], op: str) -> list[str]:
        return [t.strip() for p in paragraphs for o, t in p.segments if o == op]

    # 3 of 6 sentences changed (6 of 12, old and new counted): not more than half, words marked.
    assert marked(edited(3), "-") == ["amunisi"] * 3 and marked(edited(3), "+") == ["roket"] * 3
    # 4 of 6: a rewrite, the changed sentences marked whole (one run each side), the rest unmarked.
    paragraphs = edited(4)
    assert marked(paragraphs, "-") == [" ".join(sentences[:4])]
    assert marked(paragraphs, "+") == [" ".join(sentences[:4]).replace("amunisi", "roket")]
    assert marked(paragraphs, "=") == [" ".join(sentences[4:])]
    # All changed: each text marked whole, in its paragraph.
    paragraphs = edited(6)
    assert marked(paragraphs, "-") == [" ".join(sentences)] and len(paragraphs) == 1
    assert marked(paragraphs, "+") == [" ".join(sentences).replace("amunisi", "roket")]
    # Too few sentences to be a rewrite (a title, a one-sentence paragraph): words marked.
    [title] = word_diff([sentences[0]], [sentences[0].replace("amunisi", "roket")])
    assert [t.strip() for op, t in title if op != "="] == ["amunisi", "roket"]


def test_body_diff_folds_unchanged_paragraphs_and_cuts_long_diffs() -> None:
    old = [f"Paragraf nomor {i} tentang senjata." for i in range(10)]
    new = [*old[:5], "Paragraf nomor 5 tentang amunisi.", *old[6:], "Paragraf tambahan."]
    paragraphs, whole = body_diff(old, new)
    assert not whole
    html = diff_html(paragraphs, lang="en")
    tree = LexborHTMLParser(html)
    assert [n.text() for n in tree.css("del")] == ["senjata"]
    assert [n.text() for n in tree.css("ins")] == ["amunisi", "Paragraf tambahan."]
    assert [p.text() for p in tree.css("p.skip")] == ["⋯ 4 unchanged paragraphs ⋯",
                                                     "⋯ 2 unchanged paragraphs ⋯"]
    long_old = [f"kalimat {i} " * 50 for i in range(15)]
    long_new = [p.replace("kalimat", "frasa") for p in long_old]
    paragraphs, whole = body_diff(long_old, long_new)
    cut = diff_html(paragraphs, max_words=500, lang="en")
    assert not whole and "Diff cut at 450 words" in cut and cut.count("<p>") == 3
    rewrite, whole = body_diff(long_old * 3, long_new * 3)  # 4,500 × 4,500 words: not aligned
    assert whole and all(p.segments[0][0] in "+-" for p in rewrite)


@pytest.mark.parametrize(("url", "safe"), [
    ("https://news.detik.com/a?b=1&c=2", "https://news.detik.com/a?b=1&amp;c=2"),
    ("http://example.com/x", "http://example.com/x"),
    ("javascript:alert(1)", None), ("JaVaScRiPt:alert(1)", None), ("data:text/html,x", None),
    ("//evil.example/x", None), ("https://a.b/\"onmouseover=\"x", None), ("https:///nohost", None),
    ("https://a.b/ x", None), ("vbscript:x", None), ("", None), (None, None),
])
def test_safe_href(url: str | None, safe: str | None) -> None:
    assert safe_href(url) == safe


def test_timeline_shows_recent_days_in_detail_and_sums_up_older_coverage() -> None:
    def article(portal: str, seen: dt.datetime, published: dt.datetime | None) -> Article:
        return Article(f"https://{portal}.example/{seen.timestamp()}", portal, "track", "ok", "t",
                       published, seen, True, 1.0, None, 1, 0, None)

    now = dt.datetime(2026, 11, 22, 5, tzinfo=dt.UTC)
    short = [article("detik", now - dt.timedelta(days=d), now - dt.timedelta(days=d)) for d in range(30)]
    tree = LexborHTMLParser(timeline_svg(short, [], [], ["detik", "tempo"], lang="en"))
    assert len(tree.css("g.portal-row")) == 2 and len(tree.css("rect.bar-seen")) == 30
    labels = [t.text() for t in tree.css("text.tick")]
    assert labels[0] == "22 Nov" and "before" not in " ".join(labels)  # the last day, labelled first
    assert tree.css("text.tick")[0].attributes["text-anchor"] == "end"  # so it is never clipped

    spread = [*short, article("tempo", now, now - dt.timedelta(days=900))]
    tree = LexborHTMLParser(timeline_svg(spread, [], [], ["detik", "tempo"], lang="id"))
    [before] = [t for t in tree.css("text.tick") if t.text().startswith("sebelum")]
    assert before.text() == "sebelum 24 Okt" and before.attributes["text-anchor"] == "start"
    tempo = tree.css_first('g.portal-row[data-portal="tempo"]')
    assert len(tempo.css("rect.bar-published")) == 1 and len(tempo.css("rect.bar-seen")) == 1
    assert len(tree.css('g.portal-row[data-portal="detik"] rect.bar-seen')) == 30  # from the first recent day
    assert LexborHTMLParser(timeline_svg([], [], [], ["tempo"])).css("g.portal-row")


# -- 2,000 articles ------------------------------------------------------------------------------

def synthesize(path: pathlib.Path, articles: int = 2_000, edited: int = 300, relevant: int = 600,
               versions_each: int = 3, paragraphs: int = 12) -> None:
    """A warehouse shaped like months of discovery: every article has a version, a share is
    relevant, some were edited `versions_each - 1` times, a few removed, ten passes of fetches."""
    con = connect(path)
    base = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    portals = ["detik", "tribun", "republika", "tempo"]
    words = ("Korea Utara Rusia senjata peluru artileri rudal Pyongyang Moskow kerja sama militer "
             "pejabat mengatakan pasokan pekan lalu menurut laporan").split()
    article_rows, version_rows, edit_rows, event_rows, fetch_rows = [], [], [], [], []
    version_id = 0
    runs = [f"run-{i}" for i in range(10)]
    for i in range(articles):
        portal = portals[i % 4]
        url = f"https://{portal}.example/berita/{i}/judul-artikel-{i}"
        seen = base + dt.timedelta(hours=i * 0.7)
        body = [" ".join(words[(i + p + k) % len(words)] for k in range(60)) + "." for p in range(paragraphs)]
        n_versions = versions_each if i < edited else 1
        is_relevant = i < relevant
        status = "removed" if i % 97 == 0 else "ok"
        article_rows.append((url, portal, "discover", seen, is_relevant, status, f"Judul artikel {i}",
                             seen - dt.timedelta(hours=1), is_relevant, 5.0 if is_relevant else 0.5))
        previous = None
        for v in range(n_versions):
            version_id += 1
            text = [*body]
            if v:
                text[v % paragraphs] = text[v % paragraphs].replace("senjata", f"amunisi {v}", 1)
            at = seen + dt.timedelta(hours=6 * v)
            title = f"Judul artikel {i}" + (" (diperbarui)" if v else "")
            version_rows.append((version_id, url, runs[v], at, f"h{version_id}", title,
                                 "\n\n".join(text), len(text), sum(map(len, text))))
            if previous is not None:
                edit_rows.append((url, runs[v], at, previous, version_id, "substantive", True, False,
                                  False, 0.05, "substantive: title changed; ~1 sentences"))
            previous = version_id
        if status == "removed":
            event_rows.append((runs[5], seen + dt.timedelta(days=2), "removed", portal, url,
                               json.dumps({"reason": "HTTP 404"})))
        for r, run in enumerate(runs):
            outcome = "http_error" if status == "removed" and r >= 5 else "ok" if r == 0 else "not_modified"
            error = "HTTP 404" if outcome == "http_error" else None
            fetch_rows.append((run, url, url, seen + dt.timedelta(hours=r), 200, outcome, error))
    with transaction(con):
        insert_rows(con, "runs", (("run_id", "VARCHAR"), ("started_at", "TIMESTAMPTZ"), ("status", "VARCHAR")),
                    [(run, base + dt.timedelta(days=i), "completed") for i, run in enumerate(runs)])
        insert_rows(con, "articles", (
            ("url", "VARCHAR"), ("portal", "VARCHAR"), ("source", "VARCHAR"), ("first_seen", "TIMESTAMPTZ"),
            ("active", "BOOLEAN"), ("status", "VARCHAR"), ("title", "VARCHAR"), ("published", "TIMESTAMPTZ"),
            ("relevant", "BOOLEAN"), ("relevance", "DOUBLE")), article_rows)
        insert_rows(con, "versions", (
            ("version_id", "BIGINT"), ("article_url", "VARCHAR"), ("run_id", "VARCHAR"),
            ("seen_at", "TIMESTAMPTZ"), ("content_hash", "VARCHAR"), ("title", "VARCHAR"), ("body", "VARCHAR"),
            ("paragraphs", "INTEGER"), ("body_chars", "INTEGER")), version_rows)
        insert_rows(con, "edit_records", (
            ("article_url", "VARCHAR"), ("run_id", "VARCHAR"), ("detected_at", "TIMESTAMPTZ"),
            ("old_version_id", "BIGINT"), ("new_version_id", "BIGINT"), ("kind", "VARCHAR"),
            ("title_changed", "BOOLEAN"), ("lede_changed", "BOOLEAN"), ("numbers_changed", "BOOLEAN"),
            ("change_ratio", "DOUBLE"), ("summary", "VARCHAR")), edit_rows)
        insert_rows(con, "events", (("run_id", "VARCHAR"), ("happened_at", "TIMESTAMPTZ"), ("kind", "VARCHAR"),
                                    ("portal", "VARCHAR"), ("article_url", "VARCHAR"), ("detail", "JSON")), event_rows)
        insert_rows(con, "fetches", (("run_id", "VARCHAR"), ("article_url", "VARCHAR"), ("url", "VARCHAR"),
                                     ("requested_at", "TIMESTAMPTZ"), ("status_code", "INTEGER"),
                                     ("outcome", "VARCHAR"), ("error", "VARCHAR")), fetch_rows)
    con.close()


def test_two_thousand_articles_stay_fast(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "big.duckdb"
    synthesize(db)
    con = connect(db)  # a story: its pages are written by a helper process too
    con.execute("INSERT INTO story_groups (story_id, created_at) VALUES (1, now())")
    con.execute("INSERT INTO story_links (article_url, story_id, role, similarity, joined_at) "
                "VALUES ('https://detik.example/berita/0/judul-artikel-0', 1, 'first', 1.0, now())")
    con.close()
    monkeypatch.setattr(report_pages, "PARALLEL_FROM", 1_000)  # 1,200 versions: rendered by helper processes
    con = connect(db, read_only=True)
    try:
        started = time.perf_counter()
        index = write_report(con, tmp_path / "report")
        seconds = time.perf_counter() - started
    finally:
        con.close()
    pages = list((tmp_path / "report" / "articles").glob("*.html"))
    assert len(pages) == 600  # relevant ones; the edited 300 are among them
    assert "story-1.html" in (tmp_path / "report" / "stories" / "index.html").read_text(encoding="utf-8")
    assert "Judul artikel 0" in (tmp_path / "report" / "stories" / "story-1.html").read_text(encoding="utf-8")
    tree = parse(index)
    assert len(tree.css("g.portal-row")) == 4
    print(f"2,000 articles: report in {seconds:.1f} s")  # a speed target lives in bench history
    edited = parse(tmp_path / "report" / "articles" / f"{url_key('https://detik.example/berita/0/judul-artikel-0')}.html")
    assert len(edited.css("article.diff")) == 2 and edited.css("ins") and edited.css("del")

    # The list is paged: 250 rows on the index, the rest on articles-2.html and articles-3.html.
    assert len(tree.css("table.articles tbody tr")) == 250
    assert [a.attributes["href"] for a in tree.css("#articles nav.pager a")][:2] == [
        "articles-2.html#articles", "articles-3.html#articles"]
    keys = [tr.attributes["data-key"] for tr in tree.css("table.articles tbody tr")]
    for number, rows in ((2, 250), (3, 100)):
        page = parse(tmp_path / "report" / f"articles-{number}.html")
        found = page.css("table.articles tbody tr")
        assert len(found) == rows and page.css("nav.pager b")[0].text() == str(number)
        keys += [tr.attributes["data-key"] for tr in found]
        assert all((tmp_path / "report" / (a.attributes["href"] or "")).is_file() for a in page.css("a.history"))
    assert len(set(keys)) == 600 == len(keys)

    # 300 articles stop being relevant: their pages and the third list page go.
    con = connect(db)
    con.execute("UPDATE articles SET relevant = false WHERE relevant AND url NOT IN "
                "(SELECT article_url FROM versions GROUP BY 1 HAVING count(*) > 1)")
    con.close()
    con = connect(db, read_only=True)
    try:
        tree = parse(write_report(con, tmp_path / "report"))
    finally:
        con.close()
    assert len(list((tmp_path / "report" / "articles").glob("*.html"))) == 300
    assert (tmp_path / "report" / "articles-2.html").exists()
    assert not (tmp_path / "report" / "articles-3.html").exists()
    assert [a.text() for a in tree.css("#articles nav.pager a")][:1] == ["2"]


def _report(db: pathlib.Path, out: pathlib.Path, lang: str = "id") -> None:
    con = connect(db, read_only=True)
    try:
        write_report(con, out, lang=lang)  # type: ignore[arg-type]
    finally:
        con.close()


def test_article_pages_are_written_again_only_when_what_they_show_changed(tmp_path: pathlib.Path) -> None:
    db, out = tmp_path / "w.duckdb", tmp_path / "report"
    synthesize(db, articles=40, edited=4, relevant=12, paragraphs=4)
    _report(db, out)
    url = "https://{}.example/berita/{}/judul-artikel-{}".format
    quiet, edited, dropped = url("detik", 8, 8), url("detik", 0, 0), url("tempo", 11, 11)
    pages = {u: out / "articles" / f"{url_key(u)}.html" for u in (quiet, edited, dropped)}
    assert all(p.is_file() for p in pages.values())
    assert (out / "articles" / ".manifest.json").is_file()

    # Nothing changed: no page is rendered again (a page replaced by a marker keeps the marker).
    stories = out / "stories" / "index.html"
    for page in [*pages.values(), stories]:
        page.write_text("MARKER", encoding="utf-8")
    _report(db, out)
    assert all(p.read_text(encoding="utf-8") == "MARKER" for p in pages.values())
    assert stories.read_text(encoding="utf-8") == "MARKER"

    # One article gets a new version and an edit; another stops being relevant.
    con = connect(db)
    with transaction(con):
        [(last,)] = con.execute("SELECT max(version_id) FROM versions WHERE article_url = ?", [edited]).fetchall()
        con.execute("""INSERT INTO versions (version_id, article_url, run_id, seen_at, content_hash, title, body,
                                             paragraphs, body_chars)
                       SELECT 100000, article_url, 'run-9', seen_at + INTERVAL 1 DAY, 'h-new', 'Judul yang diganti',
                              body || '\n\nParagraf baru tentang kapal kargo.', paragraphs + 1, body_chars + 30
                       FROM versions WHERE version_id = ?""", [last])
        con.execute("""INSERT INTO edit_records (article_url, run_id, detected_at, old_version_id, new_version_id,
                                                 kind, title_changed, lede_changed, numbers_changed, change_ratio,
                                                 summary)
                       VALUES (?, 'run-9', now(), ?, 100000, 'substantive', true, false, false, 0.1,
                               'substantive: ~1 sentences')""",
                    [edited, last])
        con.execute("UPDATE articles SET relevant = false WHERE url = ?", [dropped])
    con.close()
    _report(db, out)
    assert pages[quiet].read_text(encoding="utf-8") == "MARKER"
    assert stories.read_text(encoding="utf-8") == "MARKER"  # no story changed
    page = parse(pages[edited])
    assert page.css_first("h1") is not None and len(page.css("article.diff")) == 3
    assert "kapal kargo" in " ".join(n.text() for n in page.css("ins"))
    assert not pages[dropped].exists()
    assert url_key(dropped) not in (out / "index.html").read_text(encoding="utf-8")

    # A page whose file went missing is written again, the others are left alone.
    pages[edited].unlink()
    _report(db, out)
    assert pages[edited].is_file() and pages[quiet].read_text(encoding="utf-8") == "MARKER"

    # A story forms: the story pages are written again, the article pages are not.
    con = connect(db)
    con.execute("INSERT INTO story_groups (story_id, created_at) VALUES (1, now())")
    con.execute("INSERT INTO story_links (article_url, story_id, role, similarity, joined_at) "
                "VALUES (?, 1, 'first', 1.0, now())", [quiet])
    con.close()
    _report(db, out)
    assert "story-1.html" in stories.read_text(encoding="utf-8")
    assert pages[quiet].read_text(encoding="utf-8") == "MARKER"

    # Another language: every page is written again.
    _report(db, out, lang="en")
    page = parse(pages[quiet])
    assert page.css_first("html").attributes["lang"] == "en"
    assert "Versions" in page.css_first("section#versions h2").text()
