"""Indonesian sentence splitting and the extractors for numbers, quotes and speakers."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beritawatch.sentences import (
    extract_numbers,
    extract_quotes,
    extract_speakers,
    negation_count,
    split_sentences,
)

# (paragraph, expected sentences)
SPLIT_CASES: list[tuple[str, list[str]]] = [
    # plain
    ("Hujan turun sejak pagi. Jalanan banjir.", ["Hujan turun sejak pagi.", "Jalanan banjir."]),
    ("Apakah sekolah libur? Belum ada kepastian!", ["Apakah sekolah libur?", "Belum ada kepastian!"]),
    ("Satu kalimat tanpa titik", ["Satu kalimat tanpa titik"]),
    ("", []),
    ("   \n  ", []),
    # titles and ranks
    ("Pasien ditangani dr. Rina Wulandari. Kondisinya membaik.",
     ["Pasien ditangani dr. Rina Wulandari.", "Kondisinya membaik."]),
    ("Dr. Hendra Gunawan memimpin tim peneliti.", ["Dr. Hendra Gunawan memimpin tim peneliti."]),
    ("Seminar dibuka Prof. Dr. Ir. Siti Aminah. Acara berlangsung dua jam.",
     ["Seminar dibuka Prof. Dr. Ir. Siti Aminah.", "Acara berlangsung dua jam."]),
    ("Rombongan dipimpin H. Ahmad Fauzi dan Hj. Nurlela.",
     ["Rombongan dipimpin H. Ahmad Fauzi dan Hj. Nurlela."]),
    ("Upacara dipimpin Kol. Inf. Bambang Sutrisno. Semua prajurit hadir.",
     ["Upacara dipimpin Kol. Inf. Bambang Sutrisno.", "Semua prajurit hadir."]),
    ("Panglima Jend. TNI Andika menghadiri acara itu.",
     ["Panglima Jend. TNI Andika menghadiri acara itu."]),
    ("Pangdam Letjen. Arif Rahman dan Mayjen. Budi Irawan tiba bersama Brigjen. Sutopo.",
     ["Pangdam Letjen. Arif Rahman dan Mayjen. Budi Irawan tiba bersama Brigjen. Sutopo."]),
    ("Kapolda Irjen Pol. Teddy Minahasa memberi keterangan. Ia didampingi AKBP. Rudi.",
     ["Kapolda Irjen Pol. Teddy Minahasa memberi keterangan.", "Ia didampingi AKBP. Rudi."]),
    ("Surat itu ditandatangani a.n. Menteri Dalam Negeri.",
     ["Surat itu ditandatangani a.n. Menteri Dalam Negeri."]),
    ("Laporan diterima Sdr. Yanto pada Senin.", ["Laporan diterima Sdr. Yanto pada Senin."]),
    ("Kepada Yth. Bapak Gubernur di tempat.", ["Kepada Yth. Bapak Gubernur di tempat."]),
    ("Gereja St. Yosef ramai dikunjungi.", ["Gereja St. Yosef ramai dikunjungi."]),
    # addresses
    ("Kantornya di Jl. Gatot Subroto No. 12, Jakarta. Gedungnya baru.",
     ["Kantornya di Jl. Gatot Subroto No. 12, Jakarta.", "Gedungnya baru."]),
    ("Kecelakaan terjadi di Jl. Tol Cipularang Km. 92. Dua mobil terbakar.",
     ["Kecelakaan terjadi di Jl. Tol Cipularang Km. 92.", "Dua mobil terbakar."]),
    # degrees and closing abbreviations
    ("Kuasa hukumnya, Andi Saputra, S.H., M.H., membantah tuduhan itu.",
     ["Kuasa hukumnya, Andi Saputra, S.H., M.H., membantah tuduhan itu."]),
    ("Acara dibuka oleh Ratna Sari, M.Si. Ia lalu memberi sambutan.",
     ["Acara dibuka oleh Ratna Sari, M.Si.", "Ia lalu memberi sambutan."]),
    ("Pedagang menjual sayur, buah, dll. Harganya naik.",
     ["Pedagang menjual sayur, buah, dll.", "Harganya naik."]),
    ("Ia membeli beras, gula, minyak, dsb. untuk dibagikan.",
     ["Ia membeli beras, gula, minyak, dsb. untuk dibagikan."]),
    ("Rumah tsb. sudah kosong sejak lama.", ["Rumah tsb. sudah kosong sejak lama."]),
    ("Penelitian Budi dkk. diterbitkan tahun lalu.", ["Penelitian Budi dkk. diterbitkan tahun lalu."]),
    ("Jaraknya sekitar 40 km. Perjalanan butuh satu jam.",
     ["Jaraknya sekitar 40 km.", "Perjalanan butuh satu jam."]),
    ("PT Maju Jaya Tbk. mencatat laba bersih naik.", ["PT Maju Jaya Tbk. mencatat laba bersih naik."]),
    # money, decimals, times
    ("Harganya Rp. 25.000 per kilogram.", ["Harganya Rp. 25.000 per kilogram."]),
    ("Total bantuan mencapai Rp 1.500.000. Dana itu dibagi rata.",
     ["Total bantuan mencapai Rp 1.500.000.", "Dana itu dibagi rata."]),
    ("Inflasi tercatat 3,8 persen. Angka itu turun dari 4,1 persen.",
     ["Inflasi tercatat 3,8 persen.", "Angka itu turun dari 4,1 persen."]),
    ("Sebanyak 1.200 warga mengungsi. Mereka tidur di masjid.",
     ["Sebanyak 1.200 warga mengungsi.", "Mereka tidur di masjid."]),
    ("Rapat dimulai pukul 09.30 WIB. Semua menteri hadir.",
     ["Rapat dimulai pukul 09.30 WIB.", "Semua menteri hadir."]),
    ("Suhu mencapai 38.5 derajat di Surabaya.", ["Suhu mencapai 38.5 derajat di Surabaya."]),
    # initials
    ("Presiden Joko S. Widodo meninjau lokasi.", ["Presiden Joko S. Widodo meninjau lokasi."]),
    ("A. Rahman terpilih sebagai ketua.", ["A. Rahman terpilih sebagai ketua."]),
    ("Menhan AS Lloyd J. Austin III tiba di Jakarta. Ia bertemu Prabowo.",
     ["Menhan AS Lloyd J. Austin III tiba di Jakarta.", "Ia bertemu Prabowo."]),
    ("Penulisnya adalah R.A. Kartini.", ["Penulisnya adalah R.A. Kartini."]),
    ("Indonesia berada di Grup A. Lawan pertamanya Irak.",
     ["Indonesia berada di Grup A.", "Lawan pertamanya Irak."]),
    # ellipses and quotes
    ("Ia terdiam... lalu menangis.", ["Ia terdiam... lalu menangis."]),
    ("Ia terdiam... Kemudian ia pergi.", ["Ia terdiam...", "Kemudian ia pergi."]),
    ("Ia terdiam… Kemudian ia pergi.", ["Ia terdiam…", "Kemudian ia pergi."]),
    ('"Kami belum bisa memastikan..." kata dia.', ['"Kami belum bisa memastikan..." kata dia.']),
    ('"Kami akan datang," kata Budi. "Semua sudah siap."',
     ['"Kami akan datang," kata Budi.', '"Semua sudah siap."']),
    ('"Apakah ini adil?" tanya Sinta. Tidak ada yang menjawab.',
     ['"Apakah ini adil?" tanya Sinta.', "Tidak ada yang menjawab."]),
    ("“Kami menolak.” Ia lalu meninggalkan ruangan.",
     ["“Kami menolak.”", "Ia lalu meninggalkan ruangan."]),
    ("Sidang ditunda (sampai pekan depan). Hakim sakit.",
     ["Sidang ditunda (sampai pekan depan).", "Hakim sakit."]),
    # URLs, emails, datelines
    ("Info lengkap di www.bmkg.go.id. Warga diminta waspada.",
     ["Info lengkap di www.bmkg.go.id.", "Warga diminta waspada."]),
    ("Laporan dikirim ke pengaduan@kemkes.go.id. Petugas akan membalas.",
     ["Laporan dikirim ke pengaduan@kemkes.go.id.", "Petugas akan membalas."]),
    ("Daftar di https://contoh.go.id/daftar?id=3 sebelum Jumat.",
     ["Daftar di https://contoh.go.id/daftar?id=3 sebelum Jumat."]),
    ("Jakarta - Banjir merendam lima kelurahan. Warga mengungsi.",
     ["Jakarta - Banjir merendam lima kelurahan.", "Warga mengungsi."]),
    ("TRIBUNNEWS.COM - Pemerintah menaikkan harga BBM. Antrean terjadi di SPBU.",
     ["TRIBUNNEWS.COM - Pemerintah menaikkan harga BBM.", "Antrean terjadi di SPBU."]),
    ("REPUBLIKA.CO.ID, JAKARTA -- Sidang digelar hari ini.",
     ["REPUBLIKA.CO.ID, JAKARTA -- Sidang digelar hari ini."]),
    # lowercase-led terms
    ("Warga wajib membawa KTP elektronik. e-KTP bisa dicetak di kecamatan.",
     ["Warga wajib membawa KTP elektronik.", "e-KTP bisa dicetak di kecamatan."]),
    ("Apple merilis ponsel baru. iPhone itu dijual mulai Jumat.",
     ["Apple merilis ponsel baru.", "iPhone itu dijual mulai Jumat."]),
    ("Sebagai imbalannya, Kim meminta teknologi satelit.’’Kim juga berharap bantuan pangan.",
     ["Sebagai imbalannya, Kim meminta teknologi satelit.’’", "Kim juga berharap bantuan pangan."]),
    # no space: the quote cannot be told opening from closing, so it stays with the first piece
    ('Ia menolak."Kami tidak akan datang," katanya.',
     ['Ia menolak."', 'Kami tidak akan datang," katanya.']),
    ("Kim bertemu Putin di Vladivostok (dok. Reuters). Pertemuan itu tertutup.",
     ["Kim bertemu Putin di Vladivostok (dok. Reuters).", "Pertemuan itu tertutup."]),
    # numbered paragraph, odd spacing
    ("1. Warga wajib membawa KTP.", ["1. Warga wajib membawa KTP."]),
    ("Hujan turun.\u00a0Jalanan licin.", ["Hujan turun.", "Jalanan licin."]),
    ("Hujan turun.   \n Jalanan licin.", ["Hujan turun.", "Jalanan licin."]),
]


@pytest.mark.parametrize(("paragraph", "expected"), SPLIT_CASES)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_enough_split_cases() -> None:
    assert len(SPLIT_CASES) >= 30


def _squeeze(s: str) -> str:
    return "".join(s.split())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aB .!?…,\"'“”()0123456789\u00a0\nJl.dr")), max_size=80))
def test_split_loses_only_whitespace(paragraph: str) -> None:
    pieces = split_sentences(paragraph)
    assert _squeeze("".join(pieces)) == _squeeze(paragraph)
    assert all(p and p == p.strip() for p in pieces)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_split_loses_only_whitespace_any_text(paragraph: str) -> None:
    assert _squeeze("".join(split_sentences(paragraph))) == _squeeze(paragraph)


# (normalized text, expected numbers)
NUMBER_CASES: list[tuple[str, list[str]]] = [
    ("Pengungsi bertambah dari 3,8 juta menjadi 4,1 juta orang.", ["3,8 juta", "4,1 juta"]),
    ("Harganya Rp 1.500.000 atau Rp. 2 juta.", ["Rp 1.500.000", "Rp 2 juta"]),
    ("Suku bunga naik 25 persen, lalu 5%.", ["25 persen", "5%"]),
    ("Sidang digelar Senin (12/6/2023) pukul 10.30 WIB.", ["Senin", "12/6/2023", "10.30"]),
    ("Tiga orang tewas dan puluhan luka.", ["Tiga", "puluhan"]),
    ("Salah satu saksi hadir.", []),
    ("Pada 17 Agustus 1945 Indonesia merdeka.", ["17", "Agustus", "1945"]),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_CASES)
def test_extract_numbers(text: str, expected: list[str]) -> None:
    assert extract_numbers(text) == expected


QUOTE_CASES: list[tuple[str, list[str]]] = [
    ('"Kami siap berangkat besok," kata dia.', ["Kami siap berangkat besok"]),
    ('Ia disebut "tersangka" oleh polisi.', []),  # a term, not speech
    ('"Kami tidak akan mundur dari sini', ["Kami tidak akan mundur dari sini"]),  # continues
    ('"Satu dua tiga." Lalu "empat lima enam," ujarnya.', ["Satu dua tiga", "empat lima enam"]),
]


@pytest.mark.parametrize(("paragraph", "expected"), QUOTE_CASES)
def test_extract_quotes(paragraph: str, expected: list[str]) -> None:
    assert extract_quotes(paragraph) == expected


SPEAKER_CASES: list[tuple[str, list[str]]] = [
    ('"Kami siap," kata Menlu Retno Marsudi kepada wartawan.', ["Menlu Retno Marsudi"]),
    ('"Kami siap," ujarnya.', ["dia"]),
    ('"Kami siap," ujar dia di Jakarta.', ["dia"]),
    ("Menurut data BPS, inflasi turun.", ["data BPS"]),
    ("Dilansir dari Reuters, Rusia menolak tuduhan itu.", ["Reuters"]),
    ("Juru bicara Pentagon John Kirby juga mengatakan hal itu.", ["Juru bicara Pentagon John Kirby"]),
    ("Sementara itu, Kirby menegaskan tidak ada perubahan.", ["Kirby"]),
    ('"Tak ada yang bisa saya katakan," kata Peskov menegaskan.', ["Peskov"]),
    ('"Kami pulih," kata Donna dikutip Mirror.', ["Donna", "Mirror"]),
    # the denial is Pyongyang's; "itu" ends a speaker phrase, so "Jubir itu" is not one
    ("Jubir itu mengatakan bahwa meski Pyongyang membantah, pasokan berlanjut.", ["Pyongyang"]),
    ("Hujan turun sejak pagi.", []),
    # a speaker before the verb is at most six words, read back from the verb
    ("Wakil Menteri Luar Negeri Federasi Rusia Sergei Ryabkov menegaskan hal itu.",
     ["Luar Negeri Federasi Rusia Sergei Ryabkov"]),
    ("Di Moskow, Lavrov menyatakan kesiapan.", ["Lavrov"]),  # a comma ends it
    ('"Kami siap," tutur Shoigu, lalu Lavrov juga menyatakan hal serupa.', ["Shoigu", "Lavrov"]),
]


@pytest.mark.parametrize(("sentence", "expected"), SPEAKER_CASES)
def test_extract_speakers(sentence: str, expected: list[str]) -> None:
    assert extract_speakers(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [("Ia tidak hadir dan belum memberi kabar.", 2), ("Ia hadir.", 0), ("Itu bukan miliknya.", 1)],
)
def test_negation_count(sentence: str, expected: int) -> None:
    assert negation_count(sentence) == expected
