"""The pass's Prefect markdown artifact: counts, sections, hostile text made inert, and a real
artifact on the session's Prefect server."""
from __future__ import annotations

import copy
import logging
import re
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from beritawatch import artifact
from beritawatch.artifact import ARTIFACT_KEY, md_text, md_url, pass_markdown, publish_pass_artifact

DETIK = "https://news.detik.com/internasional/d-6769960/as-khawatir-korut-akan-kirim-lebih-banyak-senjata-ke-rusia"
TEMPO = "https://dunia.tempo.co/read/1768245/klaim-putin-dan-kim-jong-un-akan-bertemu-as-untuk-jual-beli-senjata"
MISSING = "https://news.detik.com/internasional/d-7999999/artikel-yang-tidak-ada"
SLOW = "https://www.tribunnews.com/internasional/2023/07/29/lambat"
HOSTILE = "<script>alert(1)</script> [klik](javascript:alert(2))"


def portal(**counts: Any) -> dict[str, Any]:
    row = {"checked": 0, "fetched": 0, "unchanged": 0, "new_articles": 0, "new_versions": 0,
           "reverts": 0, "held": 0, "removed": 0, "errors": 0, "outcomes": {}}
    return {**row, **counts}


SUMMARY: dict[str, Any] = {
    "run_id": "b350065f-e3c6-4cd8-b218-ce62ae2ecb01",
    "portals": {
        "detik": portal(checked=3, fetched=2, new_articles=1, new_versions=1, removed=1, errors=1,
                        outcomes={"parsed": 2, "fetch_failed": 1}),
        "tempo": portal(checked=1, unchanged=1, outcomes={"not_modified": 1}),
        "tribun": portal(checked=2, fetched=1, unchanged=1, errors=1,
                         outcomes={"parsed": 1, "fetch_failed": 1}),
    },
    "failures": [[MISSING, "http_error", "HTTP 404"], [SLOW, "timeout", "read timed out after 5 s"]],
    "new_articles": [["https://news.detik.com/berita/d-1/harga-cabai", "Harga Cabai Turun", False],
                     [TEMPO, "Putin dan Kim Bertemu Bahas Senjata", True]],
    "edits": [[DETIK, "substantive", "substantive: ~1 sentences; numbers 2 → 3"]],
    "events": [["removed", MISSING, "HTTP 404"],
               ["portal_health", "tribun", "3 of 3 articles changed: the template probably changed."]],
    "alerts": 3,
    "delivery": {"planned": 3, "sent": 2, "retried_later": 1, "failed": 0, "unknown_targets": 0,
                 "errors": [["json://localhost:9/…#a1b2c3", "edit:0011", "connection refused"]]},
}


def table(markdown: str, header: str) -> list[list[str]]:
    """The rows of the Markdown table whose header starts with `header`, split on unescaped pipes."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header} "))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return [rows[0], *rows[2:]]  # without the alignment row


def render(markdown: str) -> LexborHTMLParser:
    """CommonMark + GFM tables with raw HTML on and link validation off: anything not escaped
    would come out as a live tag or link."""
    markdown_it = pytest.importorskip("markdown_it")  # installed with prefect (via rich)
    md = markdown_it.MarkdownIt("commonmark").enable("table")
    md.validateLink = lambda url: True
    return LexborHTMLParser(md.render(markdown))


def test_counts_per_portal_and_totals() -> None:
    markdown = pass_markdown(SUMMARY, "en")
    header, *rows = table(markdown, "Portal")
    assert header == ["Portal", "Checked", "Fetched", "Unchanged", "New", "Edited", "Reverts", "Held",
                      "Removed", "Errors", "Outcomes"]
    by_portal = {row[0]: row for row in rows}
    assert by_portal["detik"][1:10] == ["3", "2", "0", "1", "1", "0", "0", "1", "1"]
    assert by_portal["detik"][10] == "fetch\\_failed 1, parsed 2"
    assert by_portal["tempo"][1:10] == ["1", "0", "1", "0", "0", "0", "0", "0", "0"]
    assert by_portal["**Total**"][1:10] == ["**6**", "**3**", "**2**", "**1**", "**1**", "**0**",
                                            "**0**", "**1**", "**2**"]
    assert all(len(row) == 11 for row in rows)
    first_line = markdown.splitlines()[2]
    assert "**6** checked" in first_line and "**2** new articles (1 relevant)" in first_line
    assert "**1** edits" in first_line and "**1** removals" in first_line and "**3** alerts" in first_line


def test_sections_link_coverage_edits_removals_failures_delivery() -> None:
    markdown = pass_markdown(SUMMARY, "en")
    html = render(markdown)
    headings = [h.text() for h in html.css("h2")]
    assert headings == ["Per portal", "New coverage (2)", "Edits (1)", "Removals (1)",
                        "Other events (1)", "Failures (2)", "Delivery"]
    links = {a.attributes["href"]: a.text() for a in html.css("a")}
    assert links[TEMPO] == "Putin dan Kim Bertemu Bahas Senjata"
    assert DETIK in links and MISSING in links and SLOW in links
    coverage = markdown.split("## New coverage")[1].split("##")[0]
    assert coverage.index("Putin") < coverage.index("Cabai")  # relevant first
    assert "**relevant**" in coverage and "not relevant" in coverage
    assert "- **substantive** [news.detik.com/…/as-khawatir" in markdown
    assert ": ~1 sentences; numbers 2 → 3" in markdown.replace("\\~", "~")
    assert "- **removed** [news.detik.com/…/artikel-yang-tidak-ada]" in markdown
    outcomes = {row[0]: row for row in table(markdown, "Outcome")[1:]}
    assert set(outcomes) == {"http\\_error", "timeout"} and outcomes["timeout"][1] == "1"
    assert "HTTP 404" in outcomes["http\\_error"][2]
    assert "sent **2**" in markdown and "retried later **1**" in markdown
    assert "connection refused" in markdown


def test_the_artifact_speaks_the_configured_language() -> None:
    indonesian, english = pass_markdown(SUMMARY, "id"), pass_markdown(SUMMARY, "en")
    headings = [h.text() for h in render(indonesian).css("h2")]
    assert headings == ["Per portal", "Liputan baru (2)", "Suntingan (1)", "Penghapusan (1)",
                        "Kejadian lain (1)", "Kegagalan (2)", "Pengiriman"]
    assert table(indonesian, "Portal")[0] == ["Portal", "Dicek", "Diunduh", "Tetap", "Baru", "Diedit", "Kembali",
                                              "Ditahan", "Dihapus", "Galat", "Hasil"]
    assert "**6** dicek" in indonesian.splitlines()[2] and "**relevan**" in indonesian
    assert "- **substantif** [news.detik.com/…/as-khawatir" in indonesian  # kinds read as words
    assert "- **dihapus** [news.detik.com/…/artikel-yang-tidak-ada]" in indonesian
    assert "terkirim **2**" in indonesian and "dicoba lagi nanti **1**" in indonesian
    for english_word in ("New coverage", "Failures", "Delivery", "checked", "retried later"):
        assert english_word in english and english_word not in indonesian
    assert artifact.pass_description(SUMMARY, "id") == "6 dicek, 1 baru, 1 diedit, 1 dihapus, 2 kegagalan"
    # the same counts and links whatever the language
    assert sorted(a.attributes["href"] for a in render(indonesian).css("a")) == \
        sorted(a.attributes["href"] for a in render(english).css("a"))


def test_hostile_text_is_inert() -> None:
    summary = copy.deepcopy(SUMMARY)
    summary["new_articles"] = [
        ["https://news.detik.com/a", HOSTILE, True],
        ["javascript:alert(3)", "click me", True],
        ["https://news.detik.com/b", "a | b | c `code` ![img](https://evil.example/x.png)", True],
        ["https://news.detik.com/c", "baris satu\n# Judul palsu\n| x | y |", True],
        ["https://news.detik.com/d)](javascript:alert(4)", "1. daftar", True],
        ["https://news.detik.com/e", "<img src=x onerror=alert(5)> &lt;b&gt;", True],
    ]
    summary["edits"] = [["data:text/html,<script>alert(6)</script>", "minor|x", "<b>bold</b> | [a](b)"]]
    summary["failures"] = [[MISSING, "http_error | injected", "`rm -rf` <script>"]]
    summary["portals"]["te|mpo"] = summary["portals"].pop("tempo")
    markdown = pass_markdown(summary, "en")

    assert "<script" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert not re.search(r"\]\(\s*<?\s*(javascript|data):", markdown, re.I)
    html = render(markdown)
    assert html.css("script, img, iframe") == []
    hrefs = [a.attributes["href"] or "" for a in html.css("a")]
    assert hrefs and all(href.startswith(("https://", "http://")) for href in hrefs), hrefs
    # A URL trying to close the link early stays one https link, its brackets percent-encoded.
    assert "https://news.detik.com/d%29%5D%28javascript:alert%284%29" in hrefs
    assert [h.text() for h in html.css("h1, h2") if "palsu" in h.text()] == []
    assert not html.css("ol")  # "1. daftar" stayed text
    items = [li.text() for li in html.css("li")]
    assert f"{HOSTILE} · relevant" in items
    assert "click me · relevant" in items  # shown, not linked
    assert "a | b | c `code` ![img](https://evil.example/x.png) · relevant" in items
    assert "<img src=x onerror=alert(5)> &lt;b&gt; · relevant" in items
    # Every table row still has its columns: pipes in text did not split cells.
    for tbl in html.css("table"):
        widths = {len(tr.css("th, td")) for tr in tbl.css("tr")}
        assert len(widths) == 1, widths
    [failure] = table(markdown, "Outcome")[1:]
    assert len(failure) == 3
    portals = {row[0] for row in table(markdown, "Portal")[1:]}
    assert "te\\|mpo" in portals


def test_md_helpers() -> None:
    assert md_text("a\nb\tc\x00d  e") == "a b c d e"
    assert md_text("x" * 500, 10) == "x" * 9 + "…"
    assert md_text("1. satu") == "1\\. satu" and md_text("- dua") == "\\- dua"
    assert md_text("a-b.c") == "a-b.c"
    assert md_url("https://a.b/x (1)|y") is None  # a space: not a URL we link
    assert md_url("https://a.b/x(1)|y[2]") == "https://a.b/x%281%29%7Cy%5B2%5D"
    assert md_url("HTTPS://a.b/ü") == "HTTPS://a.b/%C3%BC"
    for bad in ("javascript:alert(1)", "//a.b/x", "ftp://a.b/x", "https:///x", "", None, 42):
        assert md_url(bad) is None, bad


def test_partial_or_empty_summary_still_renders() -> None:
    markdown = pass_markdown({}, "en")
    assert "# beritawatch pass" in markdown and "No delivery report." in markdown
    assert pass_markdown({"portals": {"detik": "broken"}, "failures": "nope", "edits": [["x"]]})


def test_publish_never_raises(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import prefect.artifacts

    def boom(**_: Any) -> None:
        raise RuntimeError("server said no")

    monkeypatch.setattr(prefect.artifacts, "create_markdown_artifact", boom)
    with caplog.at_level(logging.WARNING, logger=artifact.__name__):
        assert publish_pass_artifact(SUMMARY) is None
        assert publish_pass_artifact(None) is None  # type: ignore[arg-type]
    assert "server said no" in caplog.text


@pytest.mark.prefect
def test_publish_from_a_flow_creates_a_readable_artifact(prefect_server: str) -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    summary = copy.deepcopy(SUMMARY)
    summary["new_articles"].append(["https://news.detik.com/a", HOSTILE, True])

    @flow(name="artifact-probe", persist_result=False)
    def probe() -> str | None:
        published = publish_pass_artifact(summary, "en")
        return str(published) if published else None

    artifact_id = probe()
    assert artifact_id is not None
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY])))
    [mine] = [a for a in found if str(a.id) == artifact_id]
    assert mine.type == "markdown" and mine.key == ARTIFACT_KEY and mine.flow_run_id is not None
    assert mine.data == pass_markdown(summary, "en")
    assert mine.description == "6 checked, 1 new, 1 edited, 1 removed, 2 failures"


def test_summary_lists_are_read_by_name_short_or_malformed_rows_padded() -> None:
    lines = artifact.PassLines.of({
        "new_articles": [["https://a.example/1", "Judul", True], ["https://a.example/2"], "not a row"],
        "edits": [["https://a.example/1", "substantive", "substantive: +1 sentences"]],
        "events": [["removed", "https://a.example/3", "HTTP 404"], ["portal_health", "detik", "template"]],
        "failures": [["https://a.example/4", "timeout"]],
    })
    assert [(a.url, a.title, a.relevant) for a in lines.new_articles] == [
        ("https://a.example/1", "Judul", True), ("https://a.example/2", None, None)]
    assert lines.edits[0].kind == "substantive" and lines.edits[0].summary.endswith("sentences")
    assert [e.kind for e in lines.removals] == ["removed"] and [e.target for e in lines.other_events] == ["detik"]
    assert lines.failures[0].outcome == "timeout" and lines.failures[0].error is None
