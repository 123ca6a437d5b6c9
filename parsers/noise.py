"""Noise shared by all portals, as data: element selectors and paragraph text patterns never in a body."""
from __future__ import annotations

import re

# Elements whose text is never article text, wherever they sit inside a body container.
SELECTORS: tuple[str, ...] = (
    "script", "style", "noscript", "template", "iframe", "svg", "button", "form", "select", "textarea",
    "ins", "figure", "figcaption", "video", "audio", "object",
    "[id^=div-gpt-ad]", "[id^=div-ad]", "[class*=ads-]", "[class^=ads]", "[class*=advert]",
    "[data-ads]", "[class*=pagination]", ".paging", "[class*=summary]", "[class*=ringkasan]",
    "blockquote.twitter-tweet", "blockquote.instagram-media", "blockquote.tiktok-embed",
    "[hidden]", "[style*='display:none']", "[style*='display: none']",
)

# Whole paragraphs that are navigation, ads or promotion (matched against the cleaned text).
TEXT_PATTERNS: tuple[str, ...] = (
    r"^(baca|lihat)( (juga|pula|selengkapnya|berita lainnya))?\s*[:>-]",
    r"^(baca|lihat) juga\b",
    r"^berita (terkait|rekomendasi|pilihan|lainnya)\s*:?$",
    r"^berita terkait\s*:",
    r"^advertisement$",
    r"^iklan$",
    r"^scroll (to|untuk|ke bawah untuk) (continue|resume|melanjutkan)( with| membaca)?( content| membaca)?\.?$",
    r"^\[gambas:[^\]]*\]$",
    r"^(simak|saksikan|tonton)( juga)? video\b",
    r"^(simak|saksikan|tonton) juga\b.*:$",
    r"^halaman \d+ dari \d+$",
    r"^(\d+\s*)+(selanjutnya|sebelumnya|berikutnya|next|prev)?$",
    r"^halaman \d+\s*/\s*\d+$",
    r"^(simak|baca) (berita|artikel) selengkapnya di halaman (selanjutnya|berikutnya)\.?$",
    r"^pilihan editor\s*:",
    r"^ringkasan berita\s*:?",
    r"^(tags?|topik)\s*:",
    r"^(dapatkan|ikuti) (update|berita|informasi)\b.*\b(whatsapp|google news|telegram|channel)\b",
    r"^artikel ini telah (tayang|terbit)",
)
_TEXT_NOISE = re.compile("|".join(f"(?:{p})" for p in TEXT_PATTERNS), re.I)

BULLETS = "•·▪►»"

# Trailing desk initials: "(nvc/ita)", "(vyp/kna)" (detik), "(oln/TMT/*)" (Tribun).
DESK = re.compile(r"\(([A-Za-z]{2,6}(?:/(?:[A-Za-z]{2,6}|\*)){1,3})\)\s*$")


# How a paragraph matching a pattern starts (every pattern is anchored at the start): a digit, or one of these
# two ASCII letters ignoring case (the tests check both against the patterns). A paragraph starting another way in
# ASCII is not tried against the 19 patterns at all (~0.7 us a paragraph); non-ASCII starts always are.
PATTERN_STARTS = frozenset({"ba", "li", "be", "ad", "ik", "sc", "[g", "si", "sa", "to", "ha", "pi", "ri", "ta", "da",
                            "ar"})


def _may_be_noise(text: str) -> bool:
    start = text[:2]
    return not start.isascii() or start[0].isdigit() or start.lower() in PATTERN_STARTS


def is_noise_text(text: str, link_ratio: float) -> bool:
    """True when a paragraph is boilerplate rather than article text."""
    if _may_be_noise(text) and _TEXT_NOISE.match(text):
        return True
    # bullet link lists: "• Judul berita lain" made only of links
    return text[0] in BULLETS and link_ratio > 0.6
