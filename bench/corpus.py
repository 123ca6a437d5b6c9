"""Benchmark content: 2,000-odd synthetic articles and the page chrome that makes them ~150 KB.

The replica renders an article's own markup (title, byline, body, the in-article noise) at 5–10 KB;
real portal pages are 120–160 KB because of everything around the article: inline scripts and
CSS, menus, "terpopuler" / "terkini" lists with thumbnails, footers, ad slots. `wrap` adds that
around a rendered page, per portal: a template part that is the same on every page of the portal
and a part that differs per article (lists, ad targeting, image hashes), sized and mixed so that
plain zstd packs a wrapped page about as well as it packs the real captured pages (~5-6x).

All text here is generated from our own word lists: nothing is copied from any portal.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
import re
from collections.abc import Iterator, Sequence

from beritawatch.testing.replica.render import ArticleSpec
from beritawatch.urls import canonical_url

WIB = dt.timezone(dt.timedelta(hours=7))
PORTALS = ("detik", "tribun", "republika", "tempo")

# Common Indonesian words, most frequent first (our own list; the order drives a Zipf draw).
_COMMON = """
yang dan di ke dari itu ini dengan untuk dalam tidak akan pada juga ada bahwa oleh sebagai
telah karena saat tersebut para lebih kata mereka kami kita dia ia sudah masih bisa dapat
harus menjadi hingga atau serta namun tetapi agar jika setelah sebelum antara selama sejak
secara terhadap tentang melalui menurut seperti hanya banyak beberapa semua setiap baru lain
pun lagi sangat paling cukup sekitar hampir kembali mulai terus belum pernah segera sedang
""".split()
_NEWS = """
pemerintah presiden menteri warga masyarakat polisi petugas pejabat kepala daerah kota
kabupaten provinsi desa wilayah negara dunia nasional internasional pihak lembaga badan
kementerian dinas rumah sakit sekolah pasar jalan tol bandara pelabuhan stasiun kereta
kapal pesawat mobil motor bus harga beras cabai minyak bahan bakar listrik air bersih
banjir longsor gempa kebakaran cuaca hujan angin panas musim kemarau laporan data angka
persen juta miliar triliun rupiah dolar anggaran program proyek pembangunan jembatan
gedung kantor pusat rapat sidang pertemuan kunjungan acara kegiatan peringatan perayaan
upacara pemilihan umum partai calon suara kursi dewan perwakilan rakyat undang aturan
kebijakan keputusan putusan hakim jaksa pengadilan tersangka korban saksi kasus perkara
penyidikan pemeriksaan bukti keterangan pernyataan penjelasan tanggapan kritik usulan
rencana target hasil capaian kenaikan penurunan pertumbuhan ekonomi investasi ekspor
impor produksi distribusi pasokan stok kebutuhan permintaan layanan fasilitas kesehatan
pendidikan pariwisata olahraga pertandingan tim pemain pelatih liga turnamen juara
mengatakan menyebutkan menjelaskan menyampaikan menegaskan mengungkapkan menambahkan
meminta mendorong mengimbau memastikan menilai memperkirakan mencatat melaporkan
menggelar membahas menetapkan memutuskan menyiapkan menyalurkan membangun memperbaiki
meningkatkan menurunkan menunda membatalkan melanjutkan menghadiri meninjau mengunjungi
pagi siang sore malam hari pekan bulan tahun lalu depan kemarin besok tadi akhir awal
pertama kedua ketiga terakhir utama penting besar kecil tinggi rendah cepat lambat mudah
sulit aman rawan resmi khusus umum langsung terbuka tertutup lengkap sementara tetap
""".split()
_PEOPLE = """
Budi Santoso|Siti Rahmawati|Agus Wijaya|Dewi Lestari|Hendra Gunawan|Rina Kusuma|Andi Pratama|
Yulia Sari|Bambang Sutrisno|Fitri Handayani|Joko Susilo|Maya Anggraini|Rudi Hartono|Nur Aini|
Eko Prasetyo|Ratna Dewi|Fajar Nugroho|Lina Marlina|Dedi Kurniawan|Wulan Safitri|Arif Hidayat|
Intan Permata|Yoga Saputra|Tari Wulandari|Bayu Setiawan|Citra Ayu|Irfan Hakim|Sinta Maharani
""".replace("\n", "").split("|")
_PLACES = """
Jakarta|Surabaya|Bandung|Medan|Semarang|Makassar|Palembang|Denpasar|Yogyakarta|Balikpapan|
Samarinda|Pontianak|Manado|Padang|Pekanbaru|Malang|Solo|Bogor|Bekasi|Tangerang|Depok|Kupang|
Ambon|Jayapura|Mataram|Banjarmasin|Jambi|Bengkulu|Serang|Cirebon
""".replace("\n", "").split("|")
_ORGS = """
DPR|KPK|BMKG|BPBD|Bank Indonesia|OJK|Pertamina|PLN|Kemenkes|Kemendikbud|Polda|Pemprov|Pemkot|
Bawaslu|KPU|BPS|Basarnas|PUPR|Kemenhub|Bulog
""".replace("\n", "").split("|")
# Sentences that put ~10% of the articles on the shipped topic (so alerts and scoring run too).
_TOPIC = (
    "Pejabat intelijen menyebut Korea Utara mengirim peluru artileri dan rudal ke Rusia melalui jalur kereta.",
    "Moskow disebut membeli senjata dari Pyongyang untuk perang di Ukraina, kata juru bicara itu.",
    "Rusia membantah menerima pasokan rudal balistik dari Korea Utara.",
)
_DATELINES = {"detik": "{place} - ", "tribun": "TRIBUNNEWS.COM, {upper} - ",
              "republika": "REPUBLIKA.CO.ID, {upper} -- ", "tempo": "TEMPO.CO, {place} - "}
_HOSTS = {
    "detik": ("news.detik.com", "finance.detik.com", "health.detik.com"),
    "tribun": ("www.tribunnews.com", "kaltim.tribunnews.com", "jateng.tribunnews.com"),
    "republika": ("internasional.republika.co.id", "news.republika.co.id"),
    "tempo": ("dunia.tempo.co", "nasional.tempo.co", "bisnis.tempo.co"),
}
_WORDS = _COMMON + _NEWS
_WEIGHTS = [1.0 / (rank + 8) for rank in range(len(_WORDS))]


class Writer:
    """Deterministic Indonesian-looking news text from a seed (our own vocabulary, Zipf-drawn)."""

    def __init__(self, seed: int | float | str) -> None:
        self.rng = random.Random(seed)

    def words(self, n: int) -> list[str]:
        return self.rng.choices(_WORDS, _WEIGHTS, k=n)

    def sentence(self) -> str:
        rng = self.rng
        words = self.words(rng.randint(9, 22))
        for _ in range(rng.randint(1, 3)):  # names, places, organisations and numbers
            pick = rng.random()
            if pick < 0.3:
                token = rng.choice(_PEOPLE)
            elif pick < 0.55:
                token = rng.choice(_PLACES)
            elif pick < 0.75:
                token = rng.choice(_ORGS)
            else:
                unit = ("", " orang", " persen", " unit", " ton")
                token = f"{rng.randint(2, 980):,}".replace(",", ".") + rng.choice(unit)
            words.insert(rng.randrange(len(words) + 1), token)
        if rng.random() < 0.3:
            words.insert(rng.randrange(2, len(words)), ",")
        text = " ".join(words).replace(" ,", ",")
        if rng.random() < 0.15:
            return f'"{text[0].upper()}{text[1:]}," kata {rng.choice(_PEOPLE)}.'
        return f"{text[0].upper()}{text[1:]}."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 3)))

    def title(self) -> str:
        words = self.words(self.rng.randint(5, 9)) + [self.rng.choice(_PLACES + _ORGS)]
        self.rng.shuffle(words)
        return " ".join(w.capitalize() if w.islower() else w for w in words)

    def body(self, chars: int) -> list[str]:
        """Paragraphs adding up to about `chars` characters."""
        out: list[str] = []
        while sum(map(len, out)) < chars:
            out.append(self.paragraph())
        return out


def slug(text: str, limit: int = 80) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-")


def _url(portal: str, host: str, number: int, title: str, when: dt.datetime) -> str:
    words = slug(title)
    if portal == "detik":
        return f"https://{host}/berita/d-{7_000_000 + number}/{words}"
    if portal == "tribun":
        return f"https://{host}/{when:%Y/%m/%d}/{words}"
    if portal == "republika":
        code = hashlib.blake2b(f"r{number}".encode(), digest_size=5).hexdigest()[:9]
        return f"https://{host}/berita/{code}/{words}"
    return f"https://{host}/read/{1_700_000 + number}/{words}"


def make_specs(count: int, seed: int = 9) -> list[ArticleSpec]:
    """`count` articles spread evenly over the four portals (1 in 8 detik/tribun ones on 2 pages)."""
    specs: list[ArticleSpec] = []
    base = dt.datetime(2026, 10, 1, 6, 0, tzinfo=WIB)
    for number in range(count):
        portal = PORTALS[number % len(PORTALS)]
        w = Writer(f"{seed}:{number}")
        title = w.title()
        when = base + dt.timedelta(minutes=37 * number)
        host = _HOSTS[portal][(number // len(PORTALS)) % len(_HOSTS[portal])]
        url = _url(portal, host, number, f"{title} {number}", when)
        if canonical_url(url) != url:
            raise ValueError(f"generated URL is not canonical: {url} -> {canonical_url(url)}")
        place = w.rng.choice(_PLACES)
        paragraphs = w.body(w.rng.randint(2500, 4500))
        if number % 10 == 3:
            paragraphs[1:1] = list(_TOPIC[: 1 + number % 3])
        paragraphs[0] = _DATELINES[portal].format(place=place, upper=place.upper()) + paragraphs[0]
        pages = 2 if portal in ("detik", "tribun") and number % 8 == 0 else 1
        specs.append(ArticleSpec(
            url=url, portal=portal, title=title, author=w.rng.choice(_PEOPLE), published=when,
            paragraphs=paragraphs, pages=pages, editor=w.rng.choice(_PEOPLE) if portal != "detik" else "",
            desk="abc/xyz" if portal == "detik" else ""))
    return specs


def edited(spec: ArticleSpec, salt: int) -> ArticleSpec:
    """The same article after a typical newsroom update: one paragraph reworded, one added."""
    w = Writer(f"edit:{spec.url}:{salt}")
    paragraphs = list(spec.paragraphs)
    at = 1 + w.rng.randrange(max(1, len(paragraphs) - 1))
    paragraphs[at] = w.paragraph()
    paragraphs.append(w.paragraph())
    return dataclasses.replace(spec, paragraphs=paragraphs,
                               updated=spec.published + dt.timedelta(hours=2 + salt))


# -- page chrome ----------------------------------------------------------------------------------

_JS_WORDS = ("function", "var", "return", "if", "else", "for", "new", "this", "typeof", "null", "void 0",
             "document", "window", "length", "push", "prototype", "call", "apply", "setTimeout",
             "addEventListener", "getAttribute", "querySelector", "createElement", "appendChild",
             "innerHTML", "style", "display", "none", "block", "true", "false", "undefined")
_CSS_PROPS = ("display:flex", "display:block", "display:none", "position:relative", "position:absolute",
              "margin:0 auto", "padding:8px 12px", "font-size:14px", "font-weight:700", "line-height:1.5",
              "color:#{c}", "background:#{c}", "border:1px solid #{c}", "border-radius:4px", "width:100%",
              "max-width:{n}px", "height:{n}px", "overflow:hidden", "text-overflow:ellipsis",
              "white-space:nowrap", "z-index:{n}", "top:0", "left:0", "gap:{n}px", "flex:1 1 auto",
              "transition:all .2s ease", "cursor:pointer", "opacity:.{n}", "justify-content:space-between")


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _ident(rng: random.Random) -> str:
    return rng.choice("abcdefghijklmnopqrstuvwxyz_$") + "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(0, 3)))


def _js_value(rng: random.Random, keys: Sequence[str]) -> str:
    return rng.choice((str(rng.randint(0, 9999)), "true", "null", '"' + rng.choice(keys) + '"'))


def _script(rng: random.Random, size: int) -> str:
    """Minified-looking JavaScript of about `size` characters."""
    names = [_ident(rng) for _ in range(30)]
    keys = [slug(" ".join(Writer(rng.random()).words(2))).replace("-", "_") for _ in range(24)]
    out: list[str] = []
    while sum(map(len, out)) < size:
        a, b, c = rng.sample(names, 3)
        kind = rng.random()
        if kind < 0.35:
            out.append(f"function {a}({b},{c}){{var {rng.choice(names)}={b}.{rng.choice(_JS_WORDS)}"
                       f"(\"{rng.choice(keys)}\");if(!{c})return {rng.randint(0, 999)};"
                       f"{c}.{rng.choice(_JS_WORDS)}({b},{rng.choice(names)});}}")
        elif kind < 0.6:
            out.append(f"{a}.prototype.{rng.choice(keys)}=function({b}){{return this.{rng.choice(keys)}"
                       f"&&{b}[{rng.randint(0, 64)}]!=={rng.choice(_JS_WORDS)}?{b}:{c}}};")
        elif kind < 0.8:
            pairs = ",".join(f'"{rng.choice(keys)}":{_js_value(rng, keys)}' for _ in range(rng.randint(3, 8)))
            out.append(f"var {a}={{{pairs}}};")
        else:
            out.append(f"for(var {a}=0;{a}<{b}.length;{a}++){{{c}.push({b}[{a}]);}}")
    return "".join(out)


def _css(rng: random.Random, size: int, prefix: str) -> str:
    blocks = [slug(" ".join(Writer(rng.random()).words(1))) for _ in range(50)]
    out: list[str] = []
    while sum(map(len, out)) < size:
        props = ";".join(rng.choice(_CSS_PROPS).format(c=_hex(rng, 6), n=rng.randint(1, 96))
                         for _ in range(rng.randint(2, 6)))
        out.append(f".{prefix}-{rng.choice(blocks)}__{rng.choice(blocks)}{{{props}}}")
    return "".join(out)


def _nav(rng: random.Random, host: str, count: int, cls: str) -> str:
    items = []
    for _ in range(count):
        label = " ".join(w.capitalize() for w in Writer(rng.random()).words(rng.randint(1, 2)))
        items.append(f'<li class="{cls}__item"><a class="{cls}__link" href="https://{host}/{slug(label)}" '
                     f'data-label="{slug(label)}" dtr-evt="menu" dtr-sec="{cls}">{label}</a></li>')
    return f'<ul class="{cls}">' + "".join(items) + "</ul>"


def _icons(rng: random.Random, count: int) -> str:
    paths = []
    for _ in range(count):
        d = " ".join(f"{rng.choice('MLCQ')}{rng.randint(0, 24)}.{rng.randint(0, 99)} "
                     f"{rng.randint(0, 24)}.{rng.randint(0, 99)}" for _ in range(rng.randint(6, 14)))
        paths.append(f'<symbol id="icon-{_ident(rng)}" viewBox="0 0 24 24"><path d="{d}z"/></symbol>')
    return '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">' + "".join(paths) + "</svg>"


@dataclasses.dataclass(frozen=True)
class _Template:
    """One portal's constant chrome."""

    head: str
    top: str
    footer: str
    tail: str


def _template(portal: str) -> _Template:
    rng = random.Random(f"template:{portal}")
    host = _HOSTS[portal][0]
    cdn = f"https://cdn.{host.split('.', 1)[1]}"
    links = "".join(f'<link rel="preload" as="{kind}" href="{cdn}/assets/{_hex(rng, 10)}/{name}.{ext}" />\n'
                    for kind, ext in (("script", "js"), ("style", "css"), ("font", "woff2")) * 4
                    for name in (slug(" ".join(Writer(rng.random()).words(1))),))
    metas = "".join(f'<meta name="{name}" content="{value}" />\n' for name, value in (
        ("viewport", "width=device-width, initial-scale=1"), ("theme-color", f"#{_hex(rng, 6)}"),
        ("robots", "index, follow, max-image-preview:large"), ("twitter:site", f"@{portal}"),
        ("google-site-verification", _hex(rng, 43)), ("fb:app_id", str(rng.randint(10**14, 10**15)))))
    head = (metas + links + f"<style>{_css(rng, 9_000, portal[:3])}</style>\n"
            + "".join(f"<script>{_script(rng, size)}</script>\n" for size in (14_000, 9_000, 6_000)))
    top = (f'<div class="{portal}-bar">{_icons(rng, 24)}<header class="site-header">'
           f'<a class="logo" href="https://{host}/"><img src="{cdn}/assets/logo-{_hex(rng, 8)}.svg" alt="{portal}" '
           f'width="160" height="40"></a>{_nav(rng, host, 70, "nav-main")}{_nav(rng, host, 40, "nav-sub")}'
           '<div class="mega-menu" hidden>' + "".join(_nav(rng, host, 24, "mega-menu__col") for _ in range(8))
           + "</div></header>"
           f'<div id="div-gpt-ad-top-{_hex(rng, 6)}" class="ads-leaderboard" data-ads="top"></div></div>\n')
    footer = (f'<footer class="site-footer">{_nav(rng, host, 50, "footer-nav")}'
              f'<div class="footer-copy">Hak cipta dilindungi. Redaksi {portal.capitalize()} - '
              f'{" ".join(Writer(rng.random()).words(30))}</div></footer>\n')
    tail = "".join(f"<script>{_script(rng, size)}</script>\n" for size in (12_000, 8_000))
    return _Template(head, top, footer, tail)


_TEMPLATES: dict[str, _Template] = {}


def _list(rng: random.Random, host: str, cdn: str, title: str, count: int, cls: str) -> str:
    items: list[str] = []
    for _ in range(count):
        w = Writer(rng.random())
        headline = w.title()
        number = rng.randint(6_000_000, 7_999_999)
        items.append(
            f'<li class="{cls}__item"><a href="https://{host}/berita/d-{number}/{slug(headline, 60)}" '
            f'dtr-evt="{cls}" dtr-idx="{len(items)}"><span class="{cls}__thumb"><img loading="lazy" '
            f'src="{cdn}/community/media/visual/{rng.randint(2024, 2026)}/{rng.randint(1, 12):02d}/'
            f'{rng.randint(1, 28):02d}/{_hex(rng, 8)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 12)}.jpeg?w=300&q=80" '
            f'alt="{headline}" width="300" height="169"></span><span class="{cls}__title">{headline}</span>'
            f'<span class="{cls}__date">{rng.randint(1, 59)} menit yang lalu</span></a></li>')
    return f'<div class="box {cls}"><h2 class="box__title">{title}</h2><ul>' + "".join(items) + "</ul></div>"


def wrap(html: bytes, url: str, portal: str) -> bytes:
    """The rendered page `html` with its portal's chrome added around the article."""
    template = _TEMPLATES.get(portal)
    if template is None:
        template = _TEMPLATES[portal] = _template(portal)
    text = html.decode("utf-8")
    head_end, body_start, body_end = text.find("</head>"), text.find("<body>"), text.rfind("</body>")
    if min(head_end, body_start, body_end) < 0:
        return html
    rng = random.Random(f"page:{url}")
    host = url.split("/")[2]
    cdn = f"https://cdn.{host.split('.', 1)[1]}"
    article_id = hashlib.blake2b(url.encode(), digest_size=6).hexdigest()
    targeting = ",".join(f'"{k}":"{v}"' for k, v in (
        ("articleid", article_id), ("kanal", host.split(".")[0]), ("pagetype", "detail"),
        ("keywords", ",".join(Writer(rng.random()).words(6))), ("hash", _hex(rng, 32)),
        ("published", f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2026")))
    head_var = f"<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{{targeting}}});</script>\n"
    trending = " ".join(f'<a class="tag" href="https://{host}/tag/{slug(t)}">#{t}</a>'
                        for t in (" ".join(Writer(rng.random()).words(2)) for _ in range(8)))
    side = "".join((
        _list(rng, host, cdn, "Terpopuler", 10, "terpopuler"),
        _list(rng, host, cdn, "Berita Terkini", 20, "terkini"),
        _list(rng, host, cdn, "Rekomendasi", 8, "rekomendasi"),
    ))
    slots = "".join(f'<div id="div-gpt-ad-{_hex(rng, 13)}-{i}" class="ads-slot" data-ads="{article_id}"></div>'
                    for i in range(6))
    out = (text[:head_end] + template.head + head_var + text[head_end:body_start + 6] + "\n"
           + template.top + f'<div class="trending">{trending}</div>\n'
           + text[body_start + 6:body_end]
           + f'<aside class="sidebar">{side}{slots}</aside>\n' + template.footer + template.tail
           + text[body_end:])
    return out.encode("utf-8")


def sample_bodies(count: int, chars: int, seed: int = 5) -> Iterator[str]:
    """`count` article bodies of about `chars` characters each (paragraphs joined by a blank line)."""
    for i in range(count):
        text = "\n\n".join(Writer(f"body:{seed}:{i}").body(chars))
        yield text[:chars]


def page_count(specs: Sequence[ArticleSpec]) -> int:
    return sum(s.pages for s in specs)
