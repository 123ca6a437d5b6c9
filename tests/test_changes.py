"""Version identity, the sentence-level edit record, and the not-an-edit detectors."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beritawatch.changes import (
    EditRecord,
    VersionText,
    classify_version,
    content_hash,
    diff_versions,
    is_extraction_collapse,
    is_portal_breakage,
    meta_hash,
    normalize_text,
)
from parsers.article import Article

TITLE = "Banjir Bandang Landa Garut, Ribuan Warga Mengungsi"
P0 = ("Garut - Banjir bandang melanda tiga kecamatan di Kabupaten Garut, Jawa Barat, pada Minggu "
      "malam. Hingga Senin pagi, sebanyak 3,8 ribu warga mengungsi ke tempat yang lebih tinggi.")
P1 = ("Kepala BPBD Garut Satria Nugraha mengatakan tim gabungan masih mencari dua warga yang "
      'dilaporkan hilang. "Kami kerahkan semua personel ke lokasi sejak dini hari," kata Satria '
      "kepada wartawan.")
P2 = ("Banjir dipicu hujan deras yang mengguyur kawasan hulu Sungai Cimanuk sejak Minggu sore. "
      "Air mulai surut pada Senin siang, tetapi lumpur masih menutup sejumlah ruas jalan.")
P3 = ("Warga di Kecamatan Tarogong Kidul mengaku tidak sempat menyelamatkan barang-barang mereka. "
      "Sebagian besar rumah di bantaran sungai terendam hingga atap.")
P4 = ("Pemerintah daerah menyiapkan dapur umum di halaman kantor kecamatan. Bantuan logistik dari "
      "provinsi dijadwalkan tiba pada Selasa.")
BASE = VersionText(TITLE, (P0, P1, P2, P3, P4))


def edited(title: str | None = None, **paragraphs: str) -> VersionText:
    """BASE with some paragraphs (p0..p4) replaced; an empty string drops the paragraph."""
    body = [paragraphs.get(f"p{n}", p) for n, p in enumerate(BASE.body)]
    return VersionText(TITLE if title is None else title, tuple(p for p in body if p))


# --- not an edit ----------------------------------------------------------------------------

SPLIT_P3 = P3.split(". ")
NO_EDIT_CASES: list[tuple[str, VersionText, VersionText]] = [
    ("identical", BASE, BASE),
    ("curly quotes", BASE, edited(p1=P1.replace('"Kami', "“Kami").replace('hari,"', "hari,”"))),
    ("low-high quotes", BASE, edited(p1=P1.replace('"Kami', "„Kami").replace('hari,"', "hari,‟"))),
    ("en dash dateline", BASE, edited(p0=P0.replace("Garut - ", "Garut – "))),
    ("em dash dateline", BASE, edited(p0=P0.replace("Garut - ", "Garut — "))),
    ("nbsp", BASE, edited(p2=P2.replace(" ", "\u00a0", 5))),
    ("zero-width space", BASE, edited(p3=P3.replace("Tarogong", "Taro\u200bgong"))),
    ("zero-width joiner and BOM", BASE, edited(p4="\ufeff" + P4.replace("dapur", "da\u200dpur"))),
    ("soft hyphen", BASE, edited(p3=P3.replace("menyelamatkan", "menye\u00adlamatkan"))),
    ("doubled spaces and newlines", BASE, edited(p2=P2.replace(" ", "  \n ", 3))),
    ("padding", BASE, edited(p4=f"  {P4}\t", title=f" {TITLE} ")),
    ("empty paragraphs", BASE, VersionText(TITLE, (P0, "", P1, "  ", P2, P3, P4))),
    ("paragraph split", BASE, VersionText(TITLE, (P0, P1, P2, SPLIT_P3[0] + ".", SPLIT_P3[1], P4))),
    ("paragraphs merged", BASE, VersionText(TITLE, (P0, P1, P2, P3 + " " + P4))),
    ("fullwidth comma", BASE, edited(title=TITLE.replace(",", "，"))),
    ("typographic apostrophe", edited(p4=P4 + " Jum’at."), edited(p4=P4 + " Jum'at.")),
]


@pytest.mark.parametrize(("label", "old", "new"), NO_EDIT_CASES, ids=[c[0] for c in NO_EDIT_CASES])
def test_no_edit(label: str, old: VersionText, new: VersionText) -> None:
    assert diff_versions(old, new) is None
    assert content_hash(old.title, old.body) == content_hash(new.title, new.body)


# --- edits ----------------------------------------------------------------------------------

ADDED = "Dinas PUPR mengerahkan alat berat untuk membersihkan jalan."
QUOTE = '"Kami hanya sempat membawa pakaian di badan," ujar Rina, salah seorang warga.'
REWRITE = VersionText(
    "Ribuan Warga Garut Tinggalkan Rumah Akibat Banjir",
    (
        "Ribuan penduduk Garut terpaksa meninggalkan rumah setelah sungai meluap pada akhir pekan.",
        "Petugas gabungan bekerja sepanjang malam untuk mengevakuasi lansia dan anak-anak.",
        "Hujan yang turun tanpa henti membuat tanggul di beberapa desa jebol.",
        "Pemkab Garut menetapkan status tanggap darurat selama dua pekan.",
    ),
)

# (label, old, new, expected fields of the EditRecord)
EDIT_CASES: list[tuple[str, VersionText, VersionText, dict[str, Any]]] = [
    (
        "edited paragraph: one sentence touched up, one added",
        BASE,
        edited(p2=P2.replace("lumpur masih", "lumpur tebal masih").replace("ruas jalan.", "ruas jalan utama.")
               + " " + ADDED),
        {
            "kind": "substantive",
            "reasons": ("added",),
            "added": (ADDED,),
            "removed": (),
            "changed": (("Air mulai surut pada Senin siang, tetapi lumpur masih menutup sejumlah ruas jalan.",
                         ("Air mulai surut pada Senin siang, tetapi lumpur tebal masih menutup sejumlah ruas jalan "
                          "utama.")),),
            "lede_changed": False,
            "title_changed": None,
        },
    ),
    (
        "number change",
        BASE,
        edited(p0=P0.replace("3,8 ribu", "4,1 ribu")),
        {
            "kind": "substantive",
            "reasons": ("numbers",),
            "numbers_removed": ("3,8 ribu",),
            "numbers_added": ("4,1 ribu",),
            "lede_changed": True,
            "added": (),
            "removed": (),
        },
    ),
    (
        "day name change",
        BASE,
        edited(p4=P4.replace("Selasa", "Rabu")),
        {"kind": "substantive", "numbers_removed": ("Selasa",), "numbers_added": ("Rabu",)},
    ),
    (
        "typo fix",
        edited(p3=P3.replace("menyelamatkan", "menyelamatkn"), p4=P4.replace("dijadwalkan", "dijadwalakn")),
        BASE,
        {"kind": "minor", "reasons": (), "added": (), "removed": (), "lede_changed": False},
    ),
    (
        "synonym",
        BASE,
        edited(p4=P4.replace("menyiapkan", "menyediakan")),
        {"kind": "minor", "reasons": ()},
    ),
    (
        "typo fixed inside a quote",
        edited(p1=P1.replace("personel", "personil")),
        BASE,
        {"kind": "minor", "reasons": (), "quotes_added": (), "quotes_removed": ()},
    ),
    (
        "attribution verb swapped, same speaker",
        BASE,
        edited(p1=P1.replace("kata Satria", "ujar Satria")),
        {"kind": "minor", "reasons": (), "attributions_added": (), "attributions_removed": ()},
    ),
    (
        "title typo",
        edited(title=TITLE.replace("Mengungsi", "Mengungsii")),
        BASE,
        {"kind": "minor", "title_changed": (TITLE.replace("Mengungsi", "Mengungsii"), TITLE)},
    ),
    (
        "title reworded",
        BASE,
        edited(title="Tiga Kecamatan di Garut Terendam Banjir Bandang"),
        {"kind": "substantive", "reasons": ("title", "numbers"),  # "Tiga" in, "Ribuan" out
         "numbers_removed": ("Ribuan",), "numbers_added": ("Tiga",)},
    ),
    (
        "new quote",
        BASE,
        edited(p3=P3 + " " + QUOTE),
        {
            "kind": "substantive",
            "added": (QUOTE,),
            "quotes_added": ("Kami hanya sempat membawa pakaian di badan",),
            "quotes_removed": (),
            "attributions_added": ("Rina",),
        },
    ),
    (
        "quote removed",
        edited(p3=P3 + " " + QUOTE),
        BASE,
        {"kind": "substantive", "removed": (QUOTE,),
         "quotes_removed": ("Kami hanya sempat membawa pakaian di badan",)},
    ),
    (
        "attribution changed",
        BASE,
        edited(p1=P1.replace("kata Satria", "kata Bupati Garut Rudy Hartono")),
        {"kind": "substantive", "attributions_removed": ("Satria",),
         "attributions_added": ("Bupati Garut Rudy Hartono",)},
    ),
    (
        "negation dropped",
        BASE,
        edited(p3=P3.replace("tidak sempat", "sempat")),
        {"kind": "substantive", "reasons": ("negation",)},
    ),
    (
        "name swapped",
        BASE,
        edited(p3=P3.replace("Tarogong Kidul", "Banyuresmi")),
        {"kind": "substantive", "reasons": ("names",)},
    ),
    (
        "sentence removed",
        BASE,
        edited(p2=P2.split(". ")[0] + "."),
        {"kind": "substantive", "reasons": ("removed", "numbers"), "numbers_removed": ("Senin",),
         "removed": ("Air mulai surut pada Senin siang, tetapi lumpur masih menutup sejumlah ruas jalan.",)},
    ),
    (
        "paragraphs swapped",
        BASE,
        VersionText(TITLE, (P0, P1, P2, P4, P3)),
        {"kind": "minor", "added": (), "removed": (), "changed": ()},
    ),
    (
        "sentence split in two",
        BASE,
        edited(p2=P2.replace("siang, tetapi lumpur", "siang. Namun, lumpur")),
        {"kind": "minor", "added": (), "removed": ()},
    ),
    (
        "rewrite",
        BASE,
        REWRITE,
        {"kind": "rewrite", "title_changed": (TITLE, REWRITE.title), "lede_changed": True},
    ),
    (
        "stub expanded",
        VersionText(TITLE, (P0,)),
        BASE,
        {"kind": "substantive", "reasons": ("added", "numbers", "quotes", "attributions"),
         "removed": (), "changed": (), "survival": 1.0},
    ),
]


def _check(record: EditRecord, expected: dict[str, Any]) -> None:
    for name, want in expected.items():
        got = getattr(record, name)
        if name == "changed":
            got = tuple((c.old, c.new) for c in got)
        assert got == want, f"{name}: {got!r} != {want!r}"


@pytest.mark.parametrize(("label", "old", "new", "expected"), EDIT_CASES, ids=[c[0] for c in EDIT_CASES])
def test_edit_record(label: str, old: VersionText, new: VersionText, expected: dict[str, Any]) -> None:
    record = diff_versions(old, new)
    assert record is not None
    _check(record, expected)
    assert content_hash(old.title, old.body) != content_hash(new.title, new.body)
    as_json = json.loads(json.dumps(record.to_json(), ensure_ascii=False))
    assert as_json["kind"] == record.kind
    assert 0.0 <= record.change_ratio <= 1.0
    assert (record.change_ratio == 0.0) == (label == "paragraphs swapped")  # moves touch nothing
    assert record.summary().startswith(record.kind + ":")
    assert len(record.summary()) <= 200


def test_paragraphs_swapped_are_moves() -> None:
    record = diff_versions(BASE, VersionText(TITLE, (P0, P1, P2, P4, P3)))
    assert record is not None
    assert len(record.moved) == 2
    assert record.survival == 1.0


def test_edit_record_json_and_summary() -> None:
    record = diff_versions(BASE, edited(p0=P0.replace("3,8 ribu", "4,1 ribu")))
    assert record is not None
    data = record.to_json()
    assert data["numbers_changed"] is True
    assert data["changed"][0]["reasons"] == ["numbers"]
    assert data["changed"][0]["minor"] is False
    assert record.summary() == "substantive: lede changed; ~1 sentences; numbers 3,8 ribu → 4,1 ribu"


def test_minor_edit_is_small() -> None:
    record = diff_versions(BASE, edited(p4=P4.replace("menyiapkan", "menyediakan")))
    assert record is not None
    assert record.change_ratio < 0.02
    assert record.changed[0].minor


# --- identity -------------------------------------------------------------------------------

NORMALIZE_CASES: list[tuple[str, str]] = [
    ("  a \t b\n\nc ", "a b c"),
    ("a\u00a0b\u2009c\u3000d", "a b c d"),
    ("ka\u200bta\u200c\u200d\ufeff", "kata"),
    ("peme\u00adrintah", "pemerintah"),
    ("“kutip” „kutip‟ «kutip»", '"kutip" "kutip" "kutip"'),
    ("‘a’ ‚b‛ Jum´at", "'a' 'b' Jum'at"),
    ("Jakarta – Bandung — Bogor", "Jakarta - Bandung - Bogor"),
    ("Ｒｐ１００", "Rp100"),
    ("ﬁnal…", "final..."),
    ("‘’Tidak, saya tak bisa.’’", '"Tidak, saya tak bisa."'),
    ("Tetap Huruf Besar", "Tetap Huruf Besar"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZE_CASES)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_content_hash_shape_and_sensitivity() -> None:
    h = content_hash(TITLE, BASE.body)
    assert len(h) == 32 and int(h, 16) >= 0
    assert h == BASE.content_hash
    assert content_hash(TITLE + "!", BASE.body) != h
    # Title and body are kept apart: moving a word across the boundary is a change.
    assert content_hash("a b", ["c"]) != content_hash("a", ["b c"])


def _article(**changes: Any) -> Article:
    base = Article(
        url="https://news.detik.com/berita/d-1/banjir-garut",
        portal="detik",
        title=TITLE,
        authors=("Siti Rahma", "Andi Pratama"),
        published=dt.datetime(2024, 3, 4, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=7))),
        body=BASE.body,
    )
    return dataclasses.replace(base, **changes)


def test_byline_and_date_change_only_meta() -> None:
    old = _article()
    new = _article(authors=("Siti Rahma",),
                   updated=dt.datetime(2024, 3, 4, 11, 0, tzinfo=dt.UTC))
    assert VersionText.from_article(old).content_hash == VersionText.from_article(new).content_hash
    assert diff_versions(VersionText.from_article(old), VersionText.from_article(new)) is None
    assert meta_hash(old.authors, old.published, old.updated) != meta_hash(new.authors, new.published, new.updated)


def test_meta_hash_ignores_order_case_and_timezone_spelling() -> None:
    wib = dt.datetime(2024, 3, 4, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    utc = wib.astimezone(dt.UTC)
    assert meta_hash(["Siti Rahma", "Andi Pratama"], wib, None) == meta_hash(["andi  pratama", "SITI RAHMA"], utc, None)
    assert meta_hash(["Siti"], wib, None) != meta_hash(["Siti"], wib + dt.timedelta(minutes=1), None)
    assert meta_hash(["Siti"], wib, None) != meta_hash(["Siti"], wib, None, editors=["Budi"])


# --- not-edit detectors ---------------------------------------------------------------------

LONG = ["Kalimat berita yang cukup panjang untuk mengisi satu paragraf utuh di halaman. " * 5] * 5
LONG_TEXT = " ".join(p.strip() for p in LONG)  # 1,974 characters
RETRACTION = ["Redaksi mencabut berita ini karena informasi di dalamnya belum terverifikasi. Mohon maaf."]
SOFT_404 = ["Mohon maaf, halaman yang Anda cari telah dihapus atau dipindahkan."]

COLLAPSE_CASES: list[tuple[str, list[str], list[str], bool]] = [
    ("empty", LONG, [], True),
    ("whitespace only", LONG, ["  ", "\u00a0"], True),
    ("35% left", LONG, [LONG_TEXT[: int(0.35 * len(LONG_TEXT))]], True),
    ("45% left", LONG, [LONG_TEXT[: int(0.45 * len(LONG_TEXT))]], False),
    ("a paragraph trimmed", LONG, LONG[:4], False),
    ("retraction notice", LONG, RETRACTION, False),
    ("error page text", LONG, SOFT_404, True),
    ("short article, under floor", ["x" * 300], ["x" * 150], True),
    ("short article, over floor", ["x" * 300], ["x" * 250], False),
    ("tiny article shrinks a bit", ["x" * 150], ["x" * 100], False),
    ("tiny article emptied", ["x" * 150], [], True),
    ("nothing before", [], ["x" * 10], False),
    ("grew", ["x" * 100], ["x" * 5000], False),
]


@pytest.mark.parametrize(("label", "old", "new", "expected"), COLLAPSE_CASES,
                         ids=[c[0] for c in COLLAPSE_CASES])
def test_is_extraction_collapse(label: str, old: list[str], new: list[str], expected: bool) -> None:
    assert is_extraction_collapse(old, new) is expected


# (new hash, history oldest first, expected)
CLASSIFY_CASES: list[tuple[str, list[str], str]] = [
    ("a", [], "new"),
    ("a", ["a"], "unchanged"),
    ("b", ["a"], "new"),
    ("a", ["a", "b"], "revert"),  # flip-flop back to the first version
    ("b", ["a", "b"], "unchanged"),
    ("c", ["a", "b"], "new"),
    ("a", ["a", "b", "a"], "unchanged"),  # the revert itself was stored; seen again = nothing
    ("b", ["a", "b", "a"], "revert"),
]


@pytest.mark.parametrize(("new_hash", "history", "expected"), CLASSIFY_CASES)
def test_classify_version(new_hash: str, history: list[str], expected: str) -> None:
    assert classify_version(new_hash, history) == expected


def test_flip_flop_gives_revert_not_a_second_edit() -> None:
    v1, v2 = BASE, edited(p0=P0.replace("3,8 ribu", "4,1 ribu"))
    history = [v1.content_hash, v2.content_hash]
    assert classify_version(v1.content_hash, history) == "revert"


# (changed, failed, checked, expected)
BREAKAGE_CASES: list[tuple[int, int, int, bool]] = [
    (5, 0, 10, True),
    (0, 5, 10, True),
    (3, 2, 10, True),
    (5, 0, 11, False),  # 45%
    (4, 0, 4, False),  # every article, but too few to tell from real edits
    (10, 0, 100, False),
    (50, 10, 100, True),
    (0, 0, 0, False),
    (1, 0, 1, False),
]


@pytest.mark.parametrize(("changed", "failed", "checked", "expected"), BREAKAGE_CASES)
def test_is_portal_breakage(changed: int, failed: int, checked: int, expected: bool) -> None:
    assert is_portal_breakage(changed, failed, checked) is expected


@pytest.mark.parametrize(("changed", "failed", "checked"), [(-1, 0, 5), (3, 3, 5), (0, 0, -1)])
def test_is_portal_breakage_rejects_bad_counts(changed: int, failed: int, checked: int) -> None:
    with pytest.raises(ValueError):
        is_portal_breakage(changed, failed, checked)


# --- properties -----------------------------------------------------------------------------

_words = st.sampled_from(
    ["Banjir", "warga", "3,8", "juta", "kata", "dia", "Jl.", "dr.", "Rp", "1.200", '"', "“", "”",
     "tidak", "Satria", ".", ",", "?", "\u00a0", "\u200b", "–", "Garut", "mengatakan", "Senin"]
)
_paragraph = st.lists(_words, max_size=25).map(" ".join)
_version = st.builds(VersionText, _paragraph, st.lists(_paragraph, max_size=6).map(tuple))


@settings(max_examples=150, deadline=None)
@given(_version)
def test_same_version_is_no_edit(version: VersionText) -> None:
    assert diff_versions(version, version) is None
    noisy = VersionText(" " + version.title.replace(" ", "  "),
                        tuple(p.replace(" ", "\u00a0\u200b ") for p in version.body))
    assert diff_versions(version, noisy) is None


@settings(max_examples=150, deadline=None)
@given(_version, _version)
def test_diff_agrees_with_hash(old: VersionText, new: VersionText) -> None:
    record = diff_versions(old, new)
    assert (record is None) == (old.content_hash == new.content_hash)
    if record is not None:
        assert record.kind in ("minor", "substantive", "rewrite")
        assert 0.0 <= record.change_ratio <= 1.0
        json.dumps(record.to_json())
