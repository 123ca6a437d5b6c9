"""`beritawatch explain`: the article found by any of its addresses (display URL, alias, canonical
form, identity key), named in the output, and the evidence in the configured language."""
from __future__ import annotations

import pathlib

import pytest

from beritawatch.cli import main
from beritawatch.testing.replica.site import DETIK_URL
from tests.conftest import TrackConfig
from tests.test_identity import DETIK, DETIK_MOVED, T0, TRIBUN, TRIBUN_AMP, checked, record
from warehouse import store
from warehouse.db import connect
from warehouse.lookup import ALIAS, CANONICAL_FORM, DISPLAY, KEY, Resolved, resolve_article


@pytest.fixture
def warehouse_file(tmp_path: pathlib.Path) -> pathlib.Path:
    """detik tracked at DETIK, redirected to DETIK_MOVED; Tribun tracked at its www address."""
    path = tmp_path / "w.duckdb"
    con = connect(path)
    try:
        store.track(con, [(DETIK, "detik"), (TRIBUN, "tribun")], "track", T0)
        record(con, [checked(DETIK, final=DETIK_MOVED, redirects=(DETIK_MOVED,)), checked(TRIBUN)], 0)
    finally:
        con.close()
    return path


def config(tmp_path: pathlib.Path, db: pathlib.Path, lang: str) -> str:
    path = tmp_path / f"{lang}.toml"
    path.write_text(f'database = "{db}"\n\n[ui]\nlanguage = "{lang}"\n', encoding="utf-8")
    return str(path)


def explain(capsys: pytest.CaptureFixture[str], url: str, cfg: str) -> list[str]:
    capsys.readouterr()
    assert main(["explain", url, "--config", cfg]) == 0
    return capsys.readouterr().out.splitlines()


def test_every_address_of_an_article_resolves_to_it(warehouse_file: pathlib.Path) -> None:
    con = connect(warehouse_file, read_only=True)
    try:
        assert resolve_article(con, DETIK) == Resolved(DETIK, DISPLAY)
        moved = resolve_article(con, DETIK_MOVED + "?utm_source=twitter")  # as seen, minus tracking
        assert moved is not None and (moved.url, moved.via, moved.alias, moved.kind) == (
            DETIK, ALIAS, DETIK_MOVED, "redirect")
        amp = resolve_article(con, TRIBUN_AMP)  # never seen, but its canonical form is the display URL
        assert amp is not None and (amp.url, amp.via) == (TRIBUN, CANONICAL_FORM)
        other_path = resolve_article(con, "https://news.detik.com/berita/d-7100999/judul-lain")  # the same id
        assert other_path is not None and (other_path.url, other_path.via, other_path.key) == (
            DETIK, KEY, "detik:d-7100999")
        assert resolve_article(con, "https://news.detik.com/internasional/d-7555555/lain") is None
        assert resolve_article(con, "http://[::1") is None
    finally:
        con.close()


def test_explain_by_an_alias_names_the_article_in_english(warehouse_file: pathlib.Path, tmp_path: pathlib.Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain(capsys, DETIK_MOVED, config(tmp_path, warehouse_file, "en"))
    assert lines[:3] == [f"Article: {DETIK}", f"  found through its address {DETIK_MOVED} (a redirect)",
                         "Korut Kirim Peluru ke Rusia"]
    assert lines[3].startswith("RELEVANT: North Korea–Russia arms dealings — score ")
    assert any(line.startswith("  [title s0] +") and "linked" in line for line in lines)
    by_key = explain(capsys, "https://news.detik.com/berita/d-7100999/judul-lain", config(tmp_path, warehouse_file,
                                                                                          "en"))
    assert by_key[:2] == [f"Article: {DETIK}", "  found through its identity detik:d-7100999"]
    direct = explain(capsys, DETIK, config(tmp_path, warehouse_file, "en"))
    assert direct[:2] == [f"Article: {DETIK}", "Korut Kirim Peluru ke Rusia"]


def test_explain_speaks_indonesian(warehouse_file: pathlib.Path, tmp_path: pathlib.Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    lines = explain(capsys, TRIBUN_AMP, config(tmp_path, warehouse_file, "id"))
    assert lines[:2] == [f"Artikel: {TRIBUN}", f"  ditemukan lewat bentuk kanonis {TRIBUN}"]
    assert lines[3].startswith("RELEVAN: North Korea–Russia arms dealings — skor ")
    assert "(ambang 2)" in lines[3]
    assert any(line.startswith("  [judul s0] +") and "ada kata transaksi; jendela s0" in line for line in lines)
    text = "\n".join(lines)
    for english in ("RELEVANT", "score", "threshold", "linked", "window", "co-occurrence", "Article"):
        assert english not in text, english


def test_explain_a_miss_in_both_languages(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Rusia Gempur Kharkiv dengan Rudal</title></head><body><article>"
                    "<h1>Rusia Gempur Kharkiv dengan Rudal</h1><p>Serangan itu menewaskan delapan orang di kota "
                    "tersebut pada Sabtu malam waktu setempat.</p></article></body></html>", encoding="utf-8")
    url = ["--url", "https://warta.contoh.id/berita/2025/06/10/rusia-gempur-kharkiv"]
    for lang, expected in (("en", ["not relevant:", "  no window holds north_korea + russia + arms (±",
                                   "  seen: russia: Rusia @s0", "  never seen: north_korea"]),
                           ("id", ["tidak relevan:", "  tidak ada jendela yang memuat north_korea + russia + arms (±",
                                   "  terlihat: russia: Rusia @s0", "  tidak pernah terlihat: north_korea"])):
        cfg = config(tmp_path, tmp_path / "none.duckdb", lang)
        capsys.readouterr()
        assert main(["explain", str(page), *url, "--config", cfg]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out[0] == "Rusia Gempur Kharkiv dengan Rudal"
        for start in expected:
            assert any(line.startswith(start) for line in out), (start, out)


def test_explain_fetches_an_article_the_warehouse_does_not_hold(write_config: TrackConfig,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    cfg = write_config([], extra='[ui]\nlanguage = "en"\n')
    capsys.readouterr()
    assert main(["explain", DETIK_URL, "--config", str(cfg)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Not in the warehouse; fetched now: {DETIK_URL}"
    assert lines[2].startswith("RELEVANT: ")
