"""Render alerts as chat Markdown, e-mail HTML or plain text, within each target's length limit.

Every label comes from `beritawatch.i18n`, in the language asked for (Indonesian by default).
Every piece of scraped text (titles, sentences, summaries, portal names, terms) is untrusted:
it is cleaned (control, bidi and lone-surrogate characters removed, whitespace collapsed to one
line) and then escaped for the dialect, so it shows as text and never as markup, a link, an image or a mention.

Length policy: `render_for` first tries one message; when it does not fit it splits the edit's
sentences over at most `max_parts` messages, each headed "(bagian i/n)", and when even that is
not enough the last part ends with "… dan N kalimat lainnya … Selengkapnya: <link>". A digest is
always exactly one message: it shows fewer items per group until it fits.
"""
from __future__ import annotations

import dataclasses
import hashlib
import html
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from beritawatch.alerts.model import Alert, AlertKind, EditKind
from beritawatch.i18n import DEFAULT_LANGUAGE, Language, number, t, when

Dialect = Literal["markdown", "slack", "telegram", "html", "text"]
TargetKind = Literal["telegram", "discord", "slack", "webhook", "email", "other"]
BodyFormat = Literal["markdown", "html", "text"]
NotifyType = Literal["info", "success", "warning", "failure"]


@dataclasses.dataclass(frozen=True, slots=True)
class Profile:
    """How one kind of target is written to: dialect, length limit and where the title goes."""

    kind: TargetKind
    dialect: Dialect
    limit: int  # longest body, in UTF-16 code units (what Telegram and Discord count)
    max_parts: int  # most messages one alert may become before it is summarised
    title_field: bool  # the title travels as its own plain-text field (e-mail subject, JSON title)
    heading_in_body: bool  # the title is also the first line of the body
    digest_per_group: int  # items a digest lists per kind and portal before "… dan N lainnya"


DEFAULT_WEBHOOK_LIMIT = 4000
MIN_LIMIT = 100
PROFILES: dict[TargetKind, Profile] = {
    # Telegram counts 4096 characters of the parsed text; our markup only adds to the count.
    "telegram": Profile("telegram", "telegram", 4096, 3, False, True, 5),
    "discord": Profile("discord", "markdown", 2000, 3, False, True, 3),
    # Slack truncates text over 40,000 characters; apprise's own Slack ceiling is 35,000.
    "slack": Profile("slack", "slack", 35000, 3, False, True, 10),
    # The JSON "message" is what most webhook bridges post, so it carries the heading too.
    "webhook": Profile("webhook", "markdown", DEFAULT_WEBHOOK_LIMIT, 3, True, True, 5),
    # Gmail clips an HTML body beyond ~102 KB; stay below it.
    # E-mail is where the complete digest goes.
    "email": Profile("email", "html", 90000, 1, True, True, 100),
    "other": Profile("other", "markdown", DEFAULT_WEBHOOK_LIMIT, 3, False, True, 5),
}
BODY_FORMATS: dict[Dialect, BodyFormat] = {
    "markdown": "markdown",
    "slack": "markdown",
    "telegram": "html",
    "html": "html",
    "text": "text",
}



def kind_label(kind: AlertKind, lang: Language = DEFAULT_LANGUAGE) -> str:
    """ "Diedit" / "Edited"."""
    return t(f"kind.{kind}", lang)


def edit_label(kind: EditKind, lang: Language = DEFAULT_LANGUAGE) -> str:
    """ "substantif" / "substantive"."""
    return t(f"edit.{kind}", lang)


NOTIFY_TYPES: dict[AlertKind, NotifyType] = {
    "new": "info",
    "edit": "info",
    "removed": "warning",
    "restored": "success",
    "health": "failure",
    "digest": "info",
    "story": "info",
}
TITLE_MAX = 200  # characters of a scraped title shown in a heading or subject
SUMMARY_MAX = 600
TERMS_MAX = 10


@dataclasses.dataclass(frozen=True, slots=True)
class Message:
    """One message for one target, ready for apprise."""

    title: str  # plain text (subject / JSON title); "" when the heading is in the body
    body: str
    body_format: BodyFormat
    notify_type: NotifyType = "info"
    key: str = ""  # "<dedupe key>#<part>/<parts>": lets a receiver drop a repeat
    part: int = 1
    parts: int = 1

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, so an outbox can store what it sends and resume a split alert."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        """Read a message written by `to_json`."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


# --- cleaning and escaping ------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u2028\u2029\x85]+")
# C0/C1 controls, bidi overrides and isolates, BOM, and lone surrogates (unencodable in UTF-8).
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def _one_line(text: str) -> str:
    return _INVISIBLE.sub("", _SPACES.sub(" ", text))


def clean(text: str) -> str:
    """Untrusted text made safe to place on one line: no controls, no bidi tricks."""
    return _one_line(text).strip()


def units(text: str) -> int:
    """Length in UTF-16 code units, the measure chat services apply to their limits."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clip(text: str, max_units: int) -> str:
    """`text` shortened to at most `max_units` UTF-16 units, ending in "…" when cut."""
    if units(text) <= max_units:
        return text
    if max_units <= 0:
        return ""
    out = text[: max_units - 1]
    while out and units(out) > max_units - 1:
        out = out[:-1]
    return out.rstrip() + "…"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|])")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")
_MENTION = re.compile(r"@(?=\w)")


def _escape_line_start(m: re.Match[str]) -> str:
    space, marker = m.group(1), m.group(2)
    return space + (marker + "\\" if marker[0].isdigit() else "\\" + marker)


def escape_markdown(text: str) -> str:
    """Untrusted text as CommonMark/Discord text: no emphasis, code, links, images, HTML, mentions.

    Backslash escapes are valid CommonMark for any ASCII punctuation and are read the same
    way by Discord and by Python-Markdown (which apprise uses to turn Markdown into HTML).
    """
    text = _MD_SPECIAL.sub(r"\\\1", _one_line(text))
    # Block markers only act at a line start; cleaned text is one line, so only its start matters.
    text = _MD_LINE_START.sub(_escape_line_start, text)
    # "@everyone", "@here", "@channel": a zero-width space stops the ping, the text reads the same.
    return _MENTION.sub("@\u200b", text)


def escape_slack(text: str) -> str:
    """Untrusted text as Slack mrkdwn: Slack's three entities stop links and <!channel> pings."""
    text = _one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@\u200b", text)


def escape_html(text: str) -> str:
    """Untrusted text as HTML text content or attribute value."""
    return html.escape(_one_line(text), quote=True)


def safe_url(url: str) -> str | None:
    """An http(s) URL with every markup-significant character percent-encoded, or None."""
    url = clean(url)
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    # Keeps reserved URL syntax, encodes spaces, quotes, brackets, pipes and non-ASCII.
    return urllib.parse.quote(url, safe=":/?#@!$&*+,;=%-._~")


# --- dialects -------------------------------------------------------------------------------

Seg = tuple[Literal["t", "c", "b", "u"], str]  # fixed text, clippable text, bold label, URL
LineKind = Literal["heading", "para", "bullet"]


@dataclasses.dataclass(frozen=True, slots=True)
class _Line:
    kind: LineKind
    segs: tuple[Seg, ...]

    def clipped(self, max_chars: int) -> _Line:
        return _Line(self.kind, tuple((s, clip(t, max_chars) if s == "c" else t) for s, t in self.segs))

    def longest_clippable(self) -> int:
        return max((len(t) for s, t in self.segs if s == "c"), default=0)


class _Renderer:
    """Turns lines of segments into one dialect; subclasses supply the markup."""

    esc: Callable[[str], str] = staticmethod(_one_line)

    def bold(self, escaped: str) -> str:
        return escaped

    def url(self, url: str) -> str:
        safe = safe_url(url)
        return safe if safe is not None else self.esc(url)

    def seg(self, seg: Seg) -> str:
        style, text = seg
        if style == "u":
            return self.url(text)
        escaped = self.esc(text)
        return self.bold(escaped) if style == "b" else escaped

    def line(self, line: _Line) -> str:
        inner = "".join(self.seg(s) for s in line.segs)
        if line.kind == "heading":
            return self.heading(inner)
        if line.kind == "bullet":
            return self.bullet(inner)
        return self.para(inner)

    def heading(self, inner: str) -> str:
        return inner

    def para(self, inner: str) -> str:
        return inner

    def bullet(self, inner: str) -> str:
        return "• " + inner

    def join(self, lines: Sequence[str]) -> str:
        return "\n".join(lines)


class _Text(_Renderer):
    def bullet(self, inner: str) -> str:
        return "  • " + inner


class _Markdown(_Renderer):
    esc = staticmethod(escape_markdown)

    def bold(self, escaped: str) -> str:
        return f"**{escaped}**" if escaped else ""

    def url(self, url: str) -> str:
        safe = safe_url(url)
        # An autolink shows the address itself; Discord also skips the preview card for it.
        return f"<{safe}>" if safe is not None else self.esc(url)

    def heading(self, inner: str) -> str:
        return f"**{inner}**"

    def bullet(self, inner: str) -> str:
        return "- " + inner


class _Slack(_Renderer):
    esc = staticmethod(escape_slack)

    def bold(self, escaped: str) -> str:
        return f"*{escaped}*" if escaped else ""

    def url(self, url: str) -> str:
        safe = safe_url(url)
        return f"<{safe}>" if safe is not None else self.esc(url)

    def heading(self, inner: str) -> str:
        return f"*{inner}*"


class _Html(_Renderer):
    """Telegram's HTML subset: <b> and <a> only, lines separated by newlines."""

    esc = staticmethod(escape_html)

    def bold(self, escaped: str) -> str:
        return f"<b>{escaped}</b>" if escaped else ""

    def url(self, url: str) -> str:
        safe = safe_url(url)
        if safe is None:
            return self.esc(url)
        return f'<a href="{html.escape(safe, quote=True)}">{html.escape(safe)}</a>'

    def heading(self, inner: str) -> str:
        return f"<b>{inner}</b>"


class _EmailHtml(_Html):
    """E-mail HTML: each line is a self-contained block, so any run of lines is valid HTML."""

    def heading(self, inner: str) -> str:
        return f'<h3 style="margin:0 0 8px">{inner}</h3>'

    def para(self, inner: str) -> str:
        return f'<p style="margin:0 0 6px">{inner}</p>'

    def bullet(self, inner: str) -> str:
        return f'<p style="margin:0 0 4px 16px">&bull; {inner}</p>'


_RENDERERS: dict[Dialect, _Renderer] = {
    "markdown": _Markdown(),
    "slack": _Slack(),
    "telegram": _Html(),
    "html": _EmailHtml(),
    "text": _Text(),
}


# --- what an alert says ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Section:
    label: str
    items: tuple[_Line, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Doc:
    heading: str  # plain text; clipped title inside
    meta: tuple[_Line, ...]
    sections: tuple[_Section, ...]
    link: str  # article URL ("" for none)
    more_link: str  # where to read everything when the message is shortened
    lang: Language = DEFAULT_LANGUAGE


def heading_text(alert: Alert, lang: Language = DEFAULT_LANGUAGE) -> str:
    """The plain-text title line, e.g. "[Diedit] detik: <judul>"."""
    label = kind_label(alert.kind, lang)
    portal = clean(alert.portal)
    subject = clip(clean(alert.title) or clean(alert.summary) or clean(alert.url), TITLE_MAX)
    if portal and subject:
        return f"[{label}] {portal}: {subject}"
    return f"[{label}] {portal or subject}".rstrip()


def _quoted(text: str) -> _Line:
    return _Line("bullet", (("t", "“"), ("c", clean(text)), ("t", "”")))


def _labelled(label: str, *segs: Seg) -> _Line:
    return _Line("para", (("b", label), ("t", " "), *segs))


def _score_line(alert: Alert, lang: Language) -> _Line | None:
    """An edit shows its own topic score (and the article's); anything else the article's."""
    if alert.relevance is None:
        return None
    if alert.kind != "edit":
        return _labelled(t("alert.relevance", lang), ("t", number(alert.relevance, lang)))
    text = number(alert.relevance, lang)
    if alert.article_relevance is not None:
        text += f" ({t('alert.article_score', lang)} {number(alert.article_relevance, lang)})"
    return _labelled(t("alert.edit_score", lang), ("t", text))


def _terms_line(alert: Alert, lang: Language) -> _Line | None:
    if not alert.matched_terms:
        return None
    terms = ", ".join(clean(term) for term in alert.matched_terms[:TERMS_MAX])
    if len(alert.matched_terms) > TERMS_MAX:
        terms += f" (+{len(alert.matched_terms) - TERMS_MAX})"
    return _labelled(t("alert.terms", lang), ("c", clip(terms, TITLE_MAX)))


def _summary_line(alert: Alert, lang: Language) -> _Line | None:
    summary = clean(alert.summary)
    summary_is_heading = not clean(alert.title) and summary == clip(summary, TITLE_MAX)
    if not summary or summary_is_heading:
        return None
    key = {"health": "alert.problem", "removed": "alert.reason", "restored": "alert.reason"}.get(
        alert.kind, "alert.summary")
    return _labelled(t(key, lang), ("c", clip(summary, SUMMARY_MAX)))


def _edit_lines(alert: Alert, lang: Language) -> list[_Line | None]:
    if alert.kind != "edit":
        return []
    kind = _labelled(t("alert.edit_kind", lang), ("t", edit_label(alert.edit_kind, lang))) if alert.edit_kind else None
    old_title = None
    if clean(alert.old_title) and clean(alert.old_title) != clean(alert.title):
        old_title = _labelled(t("alert.old_title", lang), ("t", "“"), ("c", clip(clean(alert.old_title), TITLE_MAX)),
                              ("t", "”"))
    return [kind, old_title]


def _meta(alert: Alert, lang: Language) -> tuple[_Line, ...]:
    published = _labelled(t("alert.published", lang), ("t", when(alert.published, lang))) if alert.published else None
    status_key = {"removed": "alert.gone", "restored": "alert.back"}.get(alert.kind)
    status = _Line("para", (("t", t(status_key, lang)),)) if status_key else None
    lines = [*_edit_lines(alert, lang), published, _score_line(alert, lang), _terms_line(alert, lang), status,
             _summary_line(alert, lang)]
    return tuple(line for line in lines if line is not None)


def _sections(alert: Alert, lang: Language) -> tuple[_Section, ...]:
    if alert.kind == "story":  # a later member of a story: the sentences carrying its new facts
        facts = _Section(t("alert.story_facts", lang), tuple(_quoted(s) for s in alert.added))
        return (facts,) if facts.items else ()
    if alert.kind != "edit":
        return ()
    changed = tuple(
        _Line("bullet", (("t", "“"), ("c", clean(p.old)), ("t", "” → “"), ("c", clean(p.new)), ("t", "”")))
        for p in alert.changed
    )
    sections = (
        _Section(t("alert.added", lang), tuple(_quoted(s) for s in alert.added)),
        _Section(t("alert.removed", lang), tuple(_quoted(s) for s in alert.removed)),
        _Section(t("alert.changed", lang), changed),
    )
    return tuple(section for section in sections if section.items)


def _doc(alert: Alert, lang: Language = DEFAULT_LANGUAGE) -> _Doc:
    return _Doc(
        heading=heading_text(alert, lang),
        meta=_meta(alert, lang),
        sections=_sections(alert, lang),
        link=alert.url,
        more_link=alert.details_url or alert.url,
        lang=lang,
    )


# --- fitting into messages ------------------------------------------------------------------


def _fit_line(r: _Renderer, line: _Line, budget: int) -> str | None:
    """The line rendered within `budget` units, clipping its untrusted text; None if impossible."""
    text = r.line(line)
    if units(text) <= budget:
        return text
    lo, hi = 0, line.longest_clippable()
    best: str | None = None
    while lo <= hi:  # largest clip length that fits
        mid = (lo + hi) // 2
        candidate = r.line(line.clipped(mid))
        if units(candidate) <= budget:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best


def _link_line(doc: _Doc) -> _Line | None:
    return _labelled(t("alert.read", doc.lang), ("u", doc.link)) if doc.link else None


def _more_line(count: int, link: str, lang: Language = DEFAULT_LANGUAGE) -> _Line:
    segs: list[Seg] = [("t", t("alert.more_sentences", lang, n=count))]
    if link:
        segs += [("t", t("alert.full_text", lang)), ("u", link)]
    return _Line("para", tuple(segs))


def _heading_line(doc: _Doc, marker: str) -> _Line:
    return _Line("heading", (("c", doc.heading), ("t", marker)))


def _marker(part: int, parts: int, lang: Language = DEFAULT_LANGUAGE) -> str:
    return t("alert.part", lang, part=part, parts=parts) if parts > 1 else ""


Item = tuple[int, _Line]  # (section index, sentence line)


def _size(lines: Sequence[str]) -> int:
    return sum(units(s) + 1 for s in lines)


def _reserve(doc: _Doc, r: _Renderer, limit: int, max_parts: int, heading_in_body: bool,
             count: int) -> tuple[int, list[str], str]:
    """Room left for meta and sentences per part, the link line (if it fits a quarter), and the
    link the "… dan N lainnya" line may carry (if that line fits a quarter with it)."""
    head_budget = 0
    if heading_in_body:
        head_budget = min(units(r.line(_heading_line(doc, _marker(max_parts, max_parts, doc.lang)))) + 1, limit // 3)
    link = _link_line(doc)
    tail = [r.line(link)] if link else []
    if _size(tail) > limit // 4:
        tail = []
    more_link = doc.more_link
    if units(r.line(_more_line(count, more_link, doc.lang))) + 1 > limit // 4:
        more_link = ""
    more_reserve = units(r.line(_more_line(count, more_link, doc.lang))) + 1 if count else 0
    return limit - head_budget - _size(tail) - more_reserve, tail, more_link


def _section_label(doc: _Doc, r: _Renderer, items: Sequence[Item], pos: int) -> str:
    section_index = items[pos][0]
    section = doc.sections[section_index]
    started = pos > 0 and items[pos - 1][0] == section_index
    label = f"{section.label} ({len(section.items)}){t('alert.continued', doc.lang) if started else ''}:"
    return r.line(_Line("para", (("b", label),)))


def _fill(doc: _Doc, r: _Renderer, items: Sequence[Item], pos: int, body: list[str], budget: int) -> tuple[int, int]:
    """Place sentences from `pos` into `body` while they fit `budget`; returns (next position,
    sentences omitted because not even a clipped copy fits an empty part)."""
    current_section, placed, omitted = -1, 0, 0
    while pos < len(items):
        section_index, line = items[pos]
        extra = [_section_label(doc, r, items, pos)] if section_index != current_section else []
        rendered: str | None = r.line(line)
        if _size(extra) + units(rendered or "") + 1 > budget:
            if placed:
                break
            # Alone in an empty part and still too long: clip the sentence itself.
            rendered = _fit_line(r, line, budget - _size(extra) - 1)
        pos += 1
        if rendered is None:  # not even a clipped sentence fits: count it as omitted
            omitted += 1
            continue
        body.extend([*extra, rendered])
        budget -= _size(extra) + units(rendered) + 1
        current_section = section_index
        placed += 1
    return pos, omitted


def _pack(doc: _Doc, r: _Renderer, limit: int, max_parts: int, heading_in_body: bool) -> list[list[str]]:
    """The body lines of each part (the heading is added later), each part within `limit` units.

    Everything but the sentences is reserved first, so the sum can never exceed the limit:
    the heading (with the widest marker) gets at most a third, the link line and the
    "… dan N lainnya" line a quarter each (else they go without the URL), the meta block half
    of what is left; the sentences fill the rest, part by part.
    """
    items = [(i, line) for i, section in enumerate(doc.sections) for line in section.items]
    room, tail, more_link = _reserve(doc, r, limit, max_parts, heading_in_body, len(items))
    meta: list[str] = []
    for line in doc.meta:
        fitted = _fit_line(r, line, room // 2 - _size(meta) - 1)
        if fitted is not None:
            meta.append(fitted)
    parts: list[list[str]] = []
    pos = omitted = 0
    while True:
        body: list[str] = list(meta) if not parts else []
        pos, skipped = _fill(doc, r, items, pos, body, room - _size(body))
        omitted += skipped
        parts.append(body)
        if pos >= len(items) or len(parts) >= max_parts:
            break
    left = len(items) - pos + omitted
    if left:
        parts[-1].append(r.line(_more_line(left, more_link, doc.lang)))
    for body in parts:
        body.extend(tail)
    return parts


def render_for(
    target_kind: TargetKind,
    alert: Alert,
    limit: int | None = None,
    *,
    dialect: Dialect | None = None,
    max_parts: int | None = None,
    lang: Language = DEFAULT_LANGUAGE,
) -> list[Message]:
    """The messages that carry `alert` to a target of `target_kind`, each body within `limit`.

    `limit` and `max_parts` default to the kind's `PROFILES` entry; `dialect` overrides the
    kind's (for a target whose apprise format was set explicitly). A digest alert renders as
    `render_digest` of its items. `lang` is the language of every label.
    """
    profile = PROFILES[target_kind]
    limit = profile.limit if limit is None else limit
    if limit < MIN_LIMIT:
        raise ValueError(f"limit {limit} is below the supported minimum of {MIN_LIMIT}")
    if alert.kind == "digest":
        return render_digest(alert.items, limit, target_kind=target_kind, dialect=dialect, key=alert.dedupe_key,
                             lang=lang)
    dialect = dialect or profile.dialect
    r = _RENDERERS[dialect]
    doc = _doc(alert, lang)
    max_parts = max(1, profile.max_parts if max_parts is None else max_parts)
    bodies = _bodies(doc, r, profile, limit, max_parts)
    count = len(bodies)
    messages: list[Message] = []
    for part, body in enumerate(bodies, start=1):
        marker = _marker(part, count, lang)
        lines = list(body)
        if profile.heading_in_body:
            rest = units(r.join(lines)) + (1 if lines else 0)
            head = _fit_line(r, _heading_line(doc, marker), limit - rest)
            lines.insert(0, head if head is not None else "")
        title = clip(doc.heading, TITLE_MAX + 40 - len(marker)) + marker if profile.title_field else ""
        messages.append(Message(
            title=title, body=r.join(lines).strip("\n"), body_format=BODY_FORMATS[dialect],
            notify_type=NOTIFY_TYPES[alert.kind], key=f"{alert.dedupe_key}#{part}/{count}", part=part, parts=count))
    return messages


def _bodies(doc: _Doc, r: _Renderer, profile: Profile, limit: int, max_parts: int) -> list[list[str]]:
    """The body lines of each message: one message when the whole alert fits, else `_pack`."""
    single_heading = [_fit_line(r, _heading_line(doc, ""), limit // 3) or ""] if profile.heading_in_body else []
    whole = [*single_heading, *(r.line(m) for m in doc.meta)]
    for section in doc.sections:
        whole.append(r.line(_Line("para", (("b", f"{section.label} ({len(section.items)}):"),))))
        whole.extend(r.line(line) for line in section.items)
    link = _link_line(doc)
    if link:
        whole.append(r.line(link))
    if units(r.join(whole)) <= limit:
        return [whole[len(single_heading):]]
    return _pack(doc, r, limit, max_parts, profile.heading_in_body)


def plain_text(alert: Alert, lang: Language = DEFAULT_LANGUAGE) -> str:
    """The alert as one multi-line plain-text message, the way a chat shows it (for a terminal)."""
    (message,) = render_for("webhook", alert, 100_000, dialect="text", max_parts=1, lang=lang)
    return message.body


# --- digest ---------------------------------------------------------------------------------

DIGEST_ORDER: tuple[AlertKind, ...] = ("new", "story", "edit", "removed", "restored", "health")
DIGEST_ITEM_TITLE_MAX = 120


def digest_key(alerts: Sequence[Alert], prefix: str = "digest") -> str:
    """A dedupe key that names exactly this set of alerts (order does not matter)."""
    digest = hashlib.sha256("\n".join(sorted(a.dedupe_key for a in alerts)).encode()).hexdigest()
    return f"{prefix}:{digest[:20]}"


def _digest_heading(alerts: Sequence[Alert], lang: Language = DEFAULT_LANGUAGE) -> str:
    counts = [(k, sum(1 for a in alerts if a.kind == k)) for k in DIGEST_ORDER]
    parts = ", ".join(f"{n} {kind_label(k, lang).lower()}" for k, n in counts if n)
    heading = f"[{kind_label('digest', lang)}] {t('digest.count', lang, n=len(alerts))}"
    return heading + (f": {parts}" if parts else "")


def _digest_item(alert: Alert, lang: Language = DEFAULT_LANGUAGE) -> _Line:
    text = clip(clean(alert.title) or clean(alert.summary) or clean(alert.url), DIGEST_ITEM_TITLE_MAX)
    segs: list[Seg] = [("c", text)]
    if alert.kind == "edit" and alert.edit_kind is not None:
        segs.append(("t", f" ({edit_label(alert.edit_kind, lang)})"))
    if alert.url:
        segs += [("t", " "), ("u", alert.url)]
    return _Line("bullet", tuple(segs))


@dataclasses.dataclass
class _Group:
    """One digest group (a kind on a portal): its label line, its item lines, how many are shown."""

    label: str
    lines: list[str]
    more: Callable[[int], str]  # the "… dan N lainnya" line
    shown: int = 0

    def size(self, shown: int | None = None) -> int:
        shown = self.shown if shown is None else shown
        size = units(self.label) + 1 + sum(units(line) + 1 for line in self.lines[:shown])
        return size + (units(self.more(len(self.lines) - shown)) + 1 if 0 < shown < len(self.lines) else 0)

    def render(self) -> list[str]:
        more = [self.more(len(self.lines) - self.shown)] if 0 < self.shown < len(self.lines) else []
        return [self.label, *self.lines[: self.shown], *more]


def _digest_groups(items: Sequence[Alert], r: _Renderer, lang: Language) -> list[_Group]:
    """The groups of a digest: by kind (in `DIGEST_ORDER`), then portal; most relevant first."""

    def more(count: int) -> str:
        return r.line(_Line("para", (("t", t("digest.more", lang, n=count)),)))

    groups: list[_Group] = []
    for kind in DIGEST_ORDER:
        by_portal: dict[str, list[Alert]] = {}
        for alert in (a for a in items if a.kind == kind):
            by_portal.setdefault(clean(alert.portal) or "-", []).append(alert)
        for portal in sorted(by_portal):
            # The sort is stable, so ties keep the caller's order.
            members = sorted(by_portal[portal], key=lambda a: -(a.relevance or 0.0))
            label = r.line(_Line("para", (("b", f"{kind_label(kind, lang)} — {portal} ({len(members)}):"),)))
            groups.append(_Group(label, [r.line(_digest_item(a, lang)) for a in members], more))
    return groups


def _keep_groups(groups: list[_Group], budget: int, r: _Renderer, lang: Language) -> tuple[int, str]:
    """How many leading groups fit as counts only, and the "… dan N kelompok lainnya" line if not all."""
    keep, dropped = len(groups), ""
    while keep and sum(g.size(0) for g in groups[:keep]) + (units(dropped) + 1 if dropped else 0) > budget:
        keep -= 1
        dropped = r.line(_Line("para", (("t", t("digest.more_groups", lang, n=len(groups) - keep)),)))
    return keep, dropped


def _grow_groups(groups: list[_Group], used: int, budget: int, per_group: int) -> None:
    """Show items round-robin, one per group per round, up to `per_group`, while they fit."""
    for _ in range(per_group):
        grew = False
        for group in groups:
            if group.shown >= len(group.lines):
                continue
            delta = group.size(group.shown + 1) - group.size()
            if used + delta <= budget:
                group.shown += 1
                used += delta
                grew = True
        if not grew:
            return


def _digest_head_line(heading: str, r: _Renderer, limit: int) -> str:
    """The digest's heading line, clipped to half the limit at most."""
    line = _Line("heading", (("c", heading),))
    rendered = r.line(line)
    return rendered if units(rendered) <= limit // 2 else _fit_line(r, line, limit // 2) or ""


def render_digest(
    alerts: Sequence[Alert],
    limit: int,
    *,
    target_kind: TargetKind = "webhook",
    dialect: Dialect | None = None,
    per_group: int | None = None,
    key: str | None = None,
    lang: Language = DEFAULT_LANGUAGE,
) -> list[Message]:
    """One message summarising `alerts`, grouped by kind then portal, within `limit`.

    Groups are filled round-robin, one item per group per round, up to `per_group` items
    (default: the kind's profile) while the message fits; each group then says "… dan N
    lainnya". When even the group counts do not fit, trailing groups are dropped and
    "… dan N kelompok lainnya" says so. Always exactly one message.
    """
    if limit < MIN_LIMIT:
        raise ValueError(f"limit {limit} is below the supported minimum of {MIN_LIMIT}")
    profile = PROFILES[target_kind]
    dialect = dialect or profile.dialect
    per_group = max(0, profile.digest_per_group if per_group is None else per_group)
    r = _RENDERERS[dialect]
    items = [a for a in alerts if a.kind != "digest"]
    heading = _digest_heading(items, lang)
    head = [_digest_head_line(heading, r, limit)] if profile.heading_in_body else []
    budget = limit - sum(units(line) + 1 for line in head)
    groups = _digest_groups(items, r, lang)
    keep, dropped = _keep_groups(groups, budget, r, lang)
    tail = [dropped] if dropped else []
    kept = groups[:keep]
    _grow_groups(kept, sum(g.size(0) for g in kept) + sum(units(line) + 1 for line in tail), budget, per_group)
    body = [*head, *(line for g in kept for line in g.render()), *tail]
    return [
        Message(
            title=heading if profile.title_field else "",
            body=r.join(body),
            body_format=BODY_FORMATS[dialect],
            notify_type="info",
            key=f"{key or digest_key(items)}#1/1",
        )
    ]
