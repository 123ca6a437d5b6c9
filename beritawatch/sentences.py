"""Indonesian sentence splitting, and the facts an edit can touch: numbers, quotes, speakers.

Pure functions over plain strings. The extractors expect text already passed through
`beritawatch.changes.normalize_text` (straight quotes, single spaces); the splitter works on
any text and returns slices of it, so it never changes a character other than trimming
whitespace around sentences.
"""
from __future__ import annotations

import re

__all__ = [
    "extract_numbers",
    "extract_quotes",
    "extract_speakers",
    "negation_count",
    "proper_names",
    "split_sentences",
    "QUOTE_MIN_WORDS",
]

# --- abbreviations --------------------------------------------------------------------------
# Keys are written without their final dot and compared lowercased.

# A dot after these introduces a name, a rank, a number or a place: it never ends a sentence.
_BEFORE_NAME = frozenset(
    {
        # titles and honorifics
        "dr", "drs", "dra", "drg", "prof", "ir", "hj", "kh", "k.h", "moh", "muh", "mochd", "mhd",
        "abd", "sdr", "sdri", "bpk", "bp", "tn", "ny", "nn", "yth", "mr", "mrs", "ms", "ust",
        # military and police ranks
        "jend", "letjen", "mayjen", "brigjen", "laksda", "laksma", "marsda", "marsma", "letkol",
        "kapt", "lettu", "letda", "serka", "sertu", "irjen", "kombes", "akbp",
        "akp", "kompol", "iptu", "ipda", "aiptu", "bripka", "briptu", "bharada", "purn",
        # addresses, numbers and money
        "jl", "jln", "gg", "kec", "kab", "kp", "rt", "rw", "rp", "tgl", "telp", "tlp", "hlm",
        "dok",  # "(dok. Reuters)": documentation credit before a source
        "vol", "nmr",
        # joined forms
        "a.n", "u.p", "u.b", "s.d", "vs", "ttd",
    }
)
# Like _BEFORE_NAME, but only when capitalized: the lowercase form is an everyday word
# ("kol" is cabbage, "no" and "st" end English quotes, "pol" is slang).
_BEFORE_NAME_CAPITALIZED = frozenset(
    {"kol", "pol", "st", "no", "ds", "kel", "gen",
     # TNI corps after a rank: "Kol. Inf.", "Letkol Kav.", "Mayor Mar.", "Kapten Pnb."
     "inf", "kav", "mar", "pnb", "arh", "czi", "cpm", "chb", "tek", "psk"}
)

# These often end a sentence ("dan lain-lain dll."; a degree after a name): the dot ends the
# sentence only when a capital letter follows ("km." before "30" or "dkk. dari" does not).
_MAY_END = frozenset(
    {
        "dll", "dsb", "dst", "tsb", "dkk", "cs", "tbk", "jr", "sr", "inc", "ltd", "co", "corp",
        "km", "kg", "cm", "mm", "gr", "ltr", "thn", "bln", "ha", "etc", "ist",
        "s.h", "s.e", "s.t", "s.p", "s.s", "m.h", "m.m", "m.a", "m.t", "m.si", "m.sc", "ph.d",
        "s.sos", "s.pd", "s.kom", "s.ip", "s.ag", "s.psi", "s.ked", "m.kes", "m.pd", "m.hum",
        "lc", "mba", "msc",
    }
)

# A single capital letter and a dot is an initial ("Joko S. Widodo", "A. Rahman") unless the
# word before it names a label that letters are used for ("Grup A. Timnas ...").
_LETTER_LABELS = frozenset(
    {
        "grup", "group", "vitamin", "kelas", "tipe", "blok", "zona", "seri", "golongan", "huruf",
        "kategori", "opsi", "pasal", "poin", "sektor", "gedung", "lantai", "terminal", "pintu",
        "gerbang", "ruang", "paviliun", "skenario", "plan", "rencana", "tim", "lampiran",
    }
)

_OPENERS = "\"'“‘«([„‚"
_CLOSERS = "\"'”’»)]"
# A run of sentence-ending punctuation with its closing quotes or brackets, before whitespace
# (or, after a closing quote, straight before a capital: 'nuklir."Kim juga...').
_END = re.compile(r"(?:\.{2,}|…+|[.!?]+)(?:[\"'”’»)\]]*(?=\s)|[\"'”’»]+(?=[A-Z]))")
# Dotted abbreviations in general ("M.Kes.", "Sp.A.", "a.n."); digits excluded so that
# "1.500.000." stays a number.
_DOTTED = re.compile(r"(?:[A-Za-z]{1,4}\.){2,}")
# Chains of capital initials ("S.", "A.B.").
_INITIALS = re.compile(r"(?:[A-Z]\.)+")


def _next_kind(text: str, pos: int) -> str:
    """How the text from `pos` starts: "upper", "lower", "digit", "other" or "end"."""
    n = len(text)
    while pos < n and (text[pos].isspace() or text[pos] in _OPENERS):
        pos += 1
    if pos >= n:
        return "end"
    ch = text[pos]
    if ch.isupper():
        return "upper"
    if ch.islower():
        # "e-KTP", "iPhone": a lowercase prefix on a capitalized word still opens a sentence.
        rest = text[pos + 1 : pos + 3]
        if rest[:1].isupper() or (rest[:1] == "-" and rest[1:2].isupper()):
            return "upper"
        return "lower"
    if ch.isdigit():
        return "digit"
    return "other"


def _word_before(text: str, end: int) -> tuple[str, int]:
    """The whitespace-delimited word ending at `end`, and where it starts."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end], start


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    following = _next_kind(text, match.end())
    if following in ("lower", "end"):
        return False
    terminator = match.group().rstrip(_CLOSERS)
    if terminator != ".":
        return True  # "!", "?", "?!", ellipsis: a capital, digit or quote after it starts anew
    word, start = _word_before(text, match.start())
    token = word.lstrip(_OPENERS)
    if not token:
        return True
    low = token.lower()
    dotted = token + "."
    if low in _BEFORE_NAME or (token[0].isupper() and low in _BEFORE_NAME_CAPITALIZED):
        return False
    if low in _MAY_END:
        return following == "upper"
    if _INITIALS.fullmatch(dotted):
        before = text[:start].rstrip()
        previous, _ = _word_before(before, len(before))
        return previous.lower().strip(_OPENERS + ",") in _LETTER_LABELS
    if _DOTTED.fullmatch(dotted):
        return following == "upper"
    # "1. Pertama, ..." opens a numbered paragraph: that dot ends no sentence.
    return not (token.isdigit() and len(token) <= 2 and not text[:start].strip())


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; the pieces are stripped slices of the input, in order."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(paragraph):
        if _is_boundary(paragraph, match):
            piece = paragraph[start : match.end()].strip()
            if piece:
                sentences.append(piece)
            start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# --- numbers and dates ----------------------------------------------------------------------

_SCALES = r"(?:ribu|juta|miliar|milyar|triliun|persen)"
_NUMBER_WORDS = (
    r"(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|seratus|seribu|"
    r"sejuta|semiliar|belasan|puluhan|ratusan|ribuan|jutaan|miliaran)"
)
_NUMBER_WORD_PARTS = r"(?:puluh|belas|ratus|ribu|juta|miliar|triliun)"
_DATE_WORDS = (
    r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Januari|Februari|Pebruari|Maret|"
    r"April|Mei|Juni|Juli|Agustus|September|Oktober|November|Nopember|Desember)"
)
_NUMBER = re.compile(
    r"(?<!\w)(?:Rp\.?\s?|US\$\s?|\$)?\d+(?:[.,/:]\d+)*(?:\s?%|\s" + _SCALES + r"\b)?"
    r"|(?<!\w)(?i:" + _NUMBER_WORDS + r"(?:\s" + _NUMBER_WORD_PARTS + r")*)\b"
    r"|(?<!\w)" + _DATE_WORDS + r"\b"
)
# "satu" is left out on purpose: "salah satu" (one of) is wording, not a count.


def extract_numbers(text: str) -> list[str]:
    """Numbers with their scale ("3,8 juta", "Rp 1.500.000", "45 persen"), number words
    ("tiga"), and day/month names, in order of appearance."""
    return [m.group().replace("Rp.", "Rp") for m in _NUMBER.finditer(text)]


# --- quotes ---------------------------------------------------------------------------------

# Shorter quoted runs are mostly terms or scare quotes ("tersangka", "Bali Nine"), not speech.
QUOTE_MIN_WORDS = 3


def extract_quotes(paragraph: str) -> list[str]:
    """Text between double quotes in one normalized paragraph. A quote left open runs to the
    end of the paragraph (the Indonesian convention for speech continuing in the next one)."""
    marks = [i for i, ch in enumerate(paragraph) if ch == '"']
    spans = list(zip(marks[0::2], marks[1::2], strict=False))  # an odd last mark is handled below
    if len(marks) % 2:
        spans.append((marks[-1], len(paragraph)))
    quotes: list[str] = []
    for open_at, close_at in spans:
        quote = paragraph[open_at + 1 : close_at].strip().rstrip(",.;:").strip()
        if len(quote.split()) >= QUOTE_MIN_WORDS:
            quotes.append(quote)
    return quotes


# --- speakers (attributions) ----------------------------------------------------------------

# Verbs after which the speaker follows: '"...," kata Budi.' / ', ujarnya.'
_SPEAKER_AFTER = (
    r"kata|ujar|ucap|tutur|ungkap|jelas|tegas|imbuh|tambah|papar|terang|sebut|lanjut|tulis|"
    r"pungkas|seru|kilah|bantah|jawab"
)
# Verbs before which the speaker stands: 'Budi mengatakan ...'
_SPEAKER_BEFORE = (
    r"mengatakan|menyatakan|menjelaskan|menegaskan|mengungkapkan|menambahkan|menuturkan|"
    r"memaparkan|menyebutkan|menyebut|mengklaim|mengakui|menilai|berkata|bertutur|"
    r"menyampaikan|mengutarakan|membantah|menerangkan|mengingatkan|menduga|memperkirakan"
)
_AFTER_RE = re.compile(r"(?:^|[,\"'])\s*(" + _SPEAKER_AFTER + r")(nya)?\b(.*)", re.IGNORECASE)
_SOURCE_RE = re.compile(
    r"\b(?:menurut|dilansir|dikutip|mengutip|melansir|seperti dilansir)\s+(?:dari\s+)?(.*)",
    re.IGNORECASE,
)
_BEFORE_RE = re.compile(r"\b(?:" + _SPEAKER_BEFORE + r")\b", re.IGNORECASE)
_AFTER_VERB_RE = re.compile(r"(?:" + _SPEAKER_AFTER + r")(?:nya)?", re.IGNORECASE)
# Words that end a speaker phrase: where, when, to whom, or a new clause.
_SPEAKER_STOP = frozenset(
    {
        "kepada", "di", "dalam", "saat", "pada", "ketika", "seperti", "sebagaimana", "usai",
        "setelah", "seusai", "melalui", "lewat", "dengan", "yang", "dan", "bahwa", "sebelum",
        "sambil", "tentang", "terkait", "soal", "mengenai", "kemarin", "ini", "itu", "tadi",
        "namun", "tetapi", "tapi", "sementara", "sedangkan", "selain", "adapun", "lebih",
        "kemudian", "lalu", "atas", "untuk", "bagi", "dari", "oleh", "hari", "sejak",
        "meski", "meskipun", "walau", "walaupun", "karena", "jika", "agar", "sehingga",
        "dikutip", "dilansir", "melaporkan", "memberitakan",
    }
)
# Adverbs that may sit between a speaker and the verb: "Budi juga mengatakan".
_SPEAKER_SKIP = frozenset(
    {"juga", "pun", "kembali", "pula", "sebelumnya", "telah", "sudah", "sempat", "pernah",
     "lantas", "bahkan", "hanya", "tidak", "tak", "belum", "turut", "secara", "terpisah"}
)
_PRONOUNS = {"dia": "dia", "ia": "dia", "beliau": "dia", "mereka": "mereka", "kami": "kami",
             "saya": "saya", "aku": "saya"}
_SPEAKER_MAX_WORDS = 6
_PUNCT = ",.;:!?\"'()[]"


def _speaker(words: list[str]) -> str | None:
    kept: list[str] = []
    for word in words[:_SPEAKER_MAX_WORDS]:
        bare = word.strip(_PUNCT)
        if not bare or bare.lower() in _SPEAKER_STOP or _BEFORE_RE.fullmatch(bare):
            break
        kept.append(bare)
        if word[-1:] in _PUNCT:
            break
    if not kept:
        return None
    if len(kept) == 1 and kept[0].lower() in _PRONOUNS:
        return _PRONOUNS[kept[0].lower()]
    return " ".join(kept)


def extract_speakers(sentence: str) -> list[str]:
    """Who a normalized sentence attributes speech or a claim to: "Kirby", "dia" (for -nya, ia,
    beliau), "data BPS". Heuristic; empty when no attribution verb is found."""
    found = [*_speakers_after_verbs(sentence), *_speakers_of_sources(sentence), *_speakers_before_verbs(sentence)]
    return list(dict.fromkeys(found))


def _speakers_after_verbs(sentence: str) -> list[str]:
    """'"...," kata Budi' -> Budi; ', ujarnya' -> dia."""
    found: list[str] = []
    for m in _AFTER_RE.finditer(sentence):
        who = "dia" if m.group(2) else _speaker(m.group(3).split())
        if who:
            found.append(who)
    return found


def _speakers_of_sources(sentence: str) -> list[str]:
    """'Menurut data BPS' -> data BPS; 'dilansir dari Reuters' -> Reuters."""
    return [who for m in _SOURCE_RE.finditer(sentence) if (who := _speaker(m.group(1).split()))]


def _speakers_before_verbs(sentence: str) -> list[str]:
    """'Budi juga mengatakan' -> Budi: the words just before the verb, read backwards."""
    found: list[str] = []
    for m in _BEFORE_RE.finditer(sentence):
        words = sentence[: m.start()].split()
        while words and words[-1].lower() in _SPEAKER_SKIP:
            words.pop()
        who = _speaker(_phrase_before(words))
        if who:
            found.append(who)
    return found


def _phrase_before(words: list[str]) -> list[str]:
    """The last words of `words` that can name a speaker (at most six), in reading order."""
    picked: list[str] = []
    for word in reversed(words):
        bare = word.strip(_PUNCT)
        if (word[-1:] in _PUNCT or not bare or bare.lower() in _SPEAKER_STOP
                or _BEFORE_RE.fullmatch(bare) or _AFTER_VERB_RE.fullmatch(bare)):
            break
        picked.append(bare)
        if len(picked) == _SPEAKER_MAX_WORDS:
            break
    return list(reversed(picked))


# --- small lexical signals ------------------------------------------------------------------

_NEGATIONS = frozenset({"tidak", "tak", "bukan", "belum", "jangan", "tiada", "enggan", "batal"})
_WORD = re.compile(r"\w+(?:[-']\w+)*")


def negation_count(sentence: str) -> int:
    """How many negating words ("tidak", "bukan", "belum", ...) a sentence holds."""
    return sum(1 for w in _WORD.findall(sentence.lower()) if w in _NEGATIONS)


def proper_names(text: str) -> list[str]:
    """Capitalized words other than a sentence's first (names, places, bodies, acronyms)."""
    names: list[str] = []
    for sentence in split_sentences(text):
        words = _WORD.findall(sentence)
        names.extend(w for w in words[1:] if w[:1].isupper())
    return names
