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


# What a paragraph matching a pattern can start with, in ASCII (every pattern is anchored at the start; the
# tests check this against the patterns): one starting with another ASCII character is not tried against the
# patterns at all (~0.7 µs a paragraph, 19 alternatives ignoring case). Other characters are always tried.
PATTERN_FIRSTS = frozenset("abdhilprst[0123456789")


def is_noise_text(text: str, link_ratio: float) -> bool:
    """True when a paragraph is boilerplate rather than article text."""
    first = text[0]
    if (first.lower() in PATTERN_FIRSTS or not first.isascii()) and _TEXT_NOISE.match(text):
        return True
    # bullet link lists: "• Judul berita lain" made only of links
    return first in BULLETS and link_ratio > 0.6
