"""One story across portals, end to end: real flow passes over the replica, judged in the warehouse.

A wire story about North Korean ammunition containers appears on detik, then on tribunnews (which
adds a sentence with new facts) and republika (which turns "300 kontainer" into "ribuan
kontainer"); a different North Korea–Russia story appears on tempo the same day. Expected: one
story with three members and exactly those differences, the tempo article in no story, and the
alerts as specified (one [Baru] for the first member, none for the later ones: a "juga di"
follow-up for the plain copy and an alert saying what tribunnews adds).
"""
from __future__ import annotations

import datetime as dt
import pathlib

import duckdb
import pytest

from beritawatch.alerts.format import render_for
from beritawatch.alerts.model import Alert
from beritawatch.testing.replica.render import ArticleSpec
from beritawatch.testing.replica.server import Replica
from flows.monitor import monitor_pass

pytestmark = pytest.mark.prefect
WIB = dt.timezone(dt.timedelta(hours=7))
DAY = dt.datetime(2026, 11, 30, tzinfo=WIB)

DETIK = "https://news.detik.com/internasional/d-7712345/korut-kirim-300-kontainer-amunisi-ke-rusia"
TRIBUN = "https://www.tribunnews.com/internasional/2026/11/30/korut-kirim-kontainer-amunisi-ke-rusia"
REPUBLIKA = "https://internasional.republika.co.id/berita/t2kxyz481/korut-kirim-ribuan-kontainer-amunisi-ke-rusia"
TEMPO = "https://dunia.tempo.co/read/1900123/putin-terima-menlu-korut-bahas-satelit-militer"

LEDE = ("Korea Utara telah mengirim sekitar 300 kontainer berisi amunisi dan peluru artileri ke Rusia "
        "sejak awal bulan, menurut Kepala Staf Gabungan Korea Selatan.")
WIRE = [
    "Pengiriman senjata itu diangkut kapal kargo dari pelabuhan Rajin menuju Vladivostok, lalu diteruskan "
    "dengan kereta ke garis depan di Ukraina.",
    '"Kami memantau setiap kapal yang meninggalkan pelabuhan Rajin dan jumlahnya terus bertambah," kata juru '
    "bicara Kepala Staf Gabungan Lee Sung-jun di Seoul.",
    "Pyongyang dan Moskow sebelumnya membantah adanya transaksi senjata di antara kedua negara.",
    "Amerika Serikat dan sekutunya menilai pasokan amunisi itu melanggar resolusi Dewan Keamanan PBB.",
]
ADDED = ("Badan Intelijen Nasional Korea Selatan menambahkan bahwa 12 kereta barang terlihat melintasi "
         "jembatan perbatasan di Tumangang pekan ini.")
CHANGED_LEDE = LEDE.replace("sekitar 300 kontainer", "ribuan kontainer")


def wire_specs() -> list[ArticleSpec]:
    return [
        ArticleSpec(url=DETIK, portal="detik", title="Seoul: Korut Kirim 300 Kontainer Amunisi ke Rusia",
                    author="Dimas Ardiansyah", published=DAY.replace(hour=9), paragraphs=[f"Jakarta - {LEDE}", *WIRE]),
        ArticleSpec(url=TRIBUN, portal="tribun", title="Korea Selatan Sebut Korut Kirim Kontainer Amunisi ke Rusia",
                    author="Rina Kusumawati", published=DAY.replace(hour=10, minute=30),
                    paragraphs=[f"TRIBUNNEWS.COM - {LEDE}", WIRE[0], ADDED, *WIRE[1:]]),
        ArticleSpec(url=REPUBLIKA, portal="republika", title="Korut Kirim Ribuan Kontainer Amunisi ke Rusia",
                    author="Siti Marlina", published=DAY.replace(hour=11, minute=15),
                    paragraphs=[f"REPUBLIKA.CO.ID, SEOUL -- {CHANGED_LEDE}", *WIRE]),
    ]


def other_story() -> ArticleSpec:
    return ArticleSpec(
        url=TEMPO, portal="tempo", title="Putin Terima Menlu Korut, Bahas Satelit Militer dan Senjata",
        author="Lestari Wulandari", published=DAY.replace(hour=12),
        paragraphs=[
            "TEMPO.CO, Jakarta - Presiden Rusia Vladimir Putin menerima Menteri Luar Negeri Korea Utara Choe Son "
            "Hui di Kremlin untuk membahas kerja sama pertahanan kedua negara.",
            "Kedua pihak membicarakan rencana Moskow memasok teknologi satelit militer kepada Pyongyang sebagai "
            "imbalan atas bantuan senjata untuk perang di Ukraina.",
            '"Hubungan kami dengan Korea Utara berkembang di semua bidang, termasuk militer," ujar juru bicara '
            "Kremlin Dmitry Peskov kepada wartawan.",
            "Choe dijadwalkan bertemu Menteri Pertahanan Rusia Andrei Belousov sebelum kembali ke Pyongyang akhir "
            "pekan ini.",
            "Korea Selatan menyatakan akan memantau ketat setiap transfer teknologi militer dari Rusia ke Korea Utara.",
        ])


def rows(db: pathlib.Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_one_wire_story_on_three_portals(prefect_server: str, replica: Replica, write_config) -> None:
    detik, tribun, republika = wire_specs()
    for spec in (detik, tribun, republika, other_story()):
        replica.add_article(spec)
    db = pathlib.Path(write_config([DETIK, TEMPO]).parent / "warehouse.duckdb")

    # pass 1: the first outlet and the other story; both are relevant and alert as before
    monitor_pass(config_path=str(write_config([DETIK, TEMPO])))
    assert rows(db, "SELECT article_url FROM alerts WHERE kind = 'new' ORDER BY 1") == sorted([(DETIK,), (TEMPO,)])
    assert rows(db, "SELECT count(*) FROM story_links") == [(0,)]

    assert rows(db, "SELECT count(*) FROM events WHERE kind = 'stories_error'") == [(0,)]

    # pass 2: two more outlets carry the wire story
    monitor_pass(config_path=str(write_config([DETIK, TEMPO, TRIBUN, REPUBLIKA])))
    [(story, members, portals, first_url)] = rows(db, "SELECT story_id, members, portals, first_url FROM stories")
    assert (members, portals, first_url) == (3, "detik, republika, tribun", DETIK)
    assert dict(rows(db, f"SELECT url, role FROM story_members WHERE story_id = {story}")) == {
        DETIK: "first", TRIBUN: "follow-up", REPUBLIKA: "copy"}
    assert rows(db, f"SELECT count(*) FROM story_links WHERE article_url = '{TEMPO}'") == [(0,)]

    differences = rows(db, """SELECT url, kind, text, other_text, reasons, new_facts FROM story_differences
                               ORDER BY url, kind""")
    assert [(d[0], d[1]) for d in differences] == [(REPUBLIKA, "changed"), (TRIBUN, "added")]
    changed, added = differences
    assert changed[2:5] == (CHANGED_LEDE, LEDE, ["numbers"])
    assert added[2] == ADDED and "12 kereta" in added[5]

    # alerts: no [Baru] for the later members; one follow-up naming republika; tribun says what it adds
    assert rows(db, "SELECT article_url FROM alerts WHERE kind = 'new' ORDER BY 1") == sorted([(DETIK,), (TEMPO,)])
    payloads = [Alert.from_json(p) for (p,) in rows(db, "SELECT payload FROM alerts WHERE kind = 'story' ORDER BY 1")]
    also = [a for a in payloads if a.summary.startswith("Juga di:")]
    facts = [a for a in payloads if not a.summary.startswith("Juga di:")]
    assert len(also) == 1 and len(facts) == 1
    assert also[0].portal == "republika" and REPUBLIKA in also[0].summary and "detik" in also[0].summary
    assert facts[0].url == TRIBUN and facts[0].added == (ADDED,) and "12 kereta" in facts[0].summary
    chat = render_for("webhook", facts[0])[0].body
    assert "Cerita sama\\] tribun:" in chat and "Kalimat dengan fakta baru" in chat and "Tumangang" in chat

    # pass 3: republika corrects its number after the others appeared: an edit after another
    # outlet's version, and its drift against detik is gone
    replica.edit(REPUBLIKA, paragraphs=[f"REPUBLIKA.CO.ID, SEOUL -- {LEDE}", *WIRE])
    monitor_pass(config_path=str(write_config([DETIK, TEMPO, TRIBUN, REPUBLIKA])))
    kinds = rows(db, "SELECT url, kind, reference_portal FROM story_differences ORDER BY url, kind")
    assert kinds == [(REPUBLIKA, "edited_after", "detik, tribun"), (TRIBUN, "added", "detik")]
    assert rows(db, "SELECT count(*) FROM alerts WHERE kind = 'story'") == [(2,)]  # nothing new to say
