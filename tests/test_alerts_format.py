"""Alert record, rendering (escaping, limits, splitting), digest and routing: no network."""
from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

import markdown as python_markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beritawatch.alerts.format import (
    PROFILES,
    Message,
    TargetKind,
    clean,
    escape_html,
    escape_markdown,
    escape_slack,
    render_digest,
    render_for,
    units,
)
from beritawatch.alerts.model import ALERT_KINDS, Alert, ChangedPair
from beritawatch.alerts.targets import (
    DEFAULT_ROUTES,
    Route,
    Target,
    plan_pass,
    validate_targets,
)

HOSTILE = (
    "Rusia <script>alert('x')</script> <img src=x onerror=alert(1)> [klik di sini](http://evil.example/) "
    "![gambar](http://evil.example/i.png) <http://evil.example|Buka> @everyone *tebal* _miring_ `kode` "
    "~~coret~~ ||spoiler|| &amp; <b>tebal</b>\n# Judul palsu\n> kutipan palsu"
)
URL = "https://news.detik.com/berita/d-7000001/korea-utara-kirim-rudal-ke-rusia"
WHEN = dt.datetime(2026, 11, 20, 7, 5, tzinfo=dt.UTC)
KINDS: tuple[TargetKind, ...] = ("telegram", "discord", "slack", "webhook", "email", "other")


def edit_alert(**overrides: object) -> Alert:
    fields: dict[str, object] = dict(
        kind="edit",
        dedupe_key="edit:d-7000001:v3",
        portal="detik",
        url=URL,
        title="Korea Utara kirim rudal ke Rusia",
        published=WHEN,
        added=("Pejabat Rusia membantah laporan itu.",),
        removed=("Kapal itu berlabuh di Vladivostok.",),
        changed=(ChangedPair("Sebanyak 20 kontainer dikirim.", "Sebanyak 200 kontainer dikirim."),),
        edit_kind="substantive",
        relevance=0.82,
        matched_terms=("Korea Utara", "Rusia"),
    )
    fields.update(overrides)
    return Alert(**fields)  # type: ignore[arg-type]


def long_edit(n: int = 200) -> Alert:
    return edit_alert(
        dedupe_key="edit:long:v9",
        changed=tuple(
            ChangedPair(
                f"Kalimat lama nomor {i} tentang pengiriman amunisi Korea Utara ke Rusia lewat pelabuhan Rajin.",
                f"Kalimat baru nomor {i} tentang pengiriman amunisi dan rudal Korea Utara ke Rusia.",
            )
            for i in range(n)
        ),
        details_url="https://beritawatch.example/diff/d-7000001/v9",
        edit_kind="rewrite",
    )


class _Tags(HTMLParser):
    """Collects tags, hrefs and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.depth = 0
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in ("br", "img", "hr"):
            self.depth += 1
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1
        self.balanced = self.balanced and self.depth >= 0

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def commonmark(text: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    # Raw HTML on, as the most permissive Markdown renderer would have it.
    return str(markdown_it.MarkdownIt("commonmark", {"html": True}).enable("strikethrough").render(text))


# --- the record -----------------------------------------------------------------------------


def test_alert_json_round_trip_including_a_digest() -> None:
    alert = edit_alert(old_title="Judul lama")
    digest = Alert(kind="digest", dedupe_key="digest:p1", items=(alert, edit_alert(kind="new", edit_kind=None)))
    for value in (alert, digest):
        data = value.to_json()
        assert json.loads(json.dumps(data)) == data  # plain JSON types only
        assert Alert.from_json(data) == value
        assert Alert.from_json(value.dumps()) == value
    assert Alert.from_json({**alert.to_json(), "added_later": 1}) == alert  # unknown keys ignored


def test_alert_accepts_lists_and_objects_with_old_and_new() -> None:
    class Sentence:
        old = "lama"
        new = "baru"

    alert = Alert(kind="edit", dedupe_key="k", added=["a"], changed=[Sentence(), ("x", "y")])  # type: ignore[arg-type]
    assert alert.added == ("a",)
    assert alert.changed == (ChangedPair("lama", "baru"), ChangedPair("x", "y"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "bogus"}, "unknown alert kind"),
        ({"dedupe_key": "has space"}, "dedupe_key"),
        ({"dedupe_key": ""}, "dedupe_key"),
        ({"published": dt.datetime(2026, 1, 1)}, "timezone-aware"),
        ({"edit_kind": "huge"}, "edit kind"),
        ({"relevance": float("nan")}, "finite"),
        ({"items": (Alert(kind="new", dedupe_key="n"),)}, "only a digest"),
    ],
)
def test_alert_rejects_bad_values(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        edit_alert(**fields)


text_st = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from([k for k in ALERT_KINDS if k != "digest"]),
    title=text_st,
    added=st.lists(text_st, max_size=4),
    pairs=st.lists(st.tuples(text_st, text_st), max_size=3),
    relevance=st.none() | st.floats(allow_nan=False, allow_infinity=False),
    minutes=st.integers(min_value=-10_000_000, max_value=10_000_000),
)
def test_alert_json_round_trip_property(
    kind: str, title: str, added: list[str], pairs: list[tuple[str, str]], relevance: float | None, minutes: int
) -> None:
    published = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7))) + dt.timedelta(minutes=minutes)
    alert = Alert(
        kind=kind,  # type: ignore[arg-type]
        dedupe_key="k:1",
        title=title,
        added=tuple(added),
        changed=tuple(ChangedPair(a, b) for a, b in pairs),
        relevance=relevance,
        published=published,
    )
    assert Alert.from_json(alert.dumps()) == alert


# --- headings and content -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "prefix"),
    [
        ("new", "[Baru] detik: "),
        ("edit", "[Diedit] detik: "),
        ("removed", "[Dihapus] detik: "),
        ("restored", "[Dipulihkan] detik: "),
        ("health", "[Kesehatan portal] detik: "),
    ],
)
def test_titles_say_what_happened_in_indonesian(kind: str, prefix: str) -> None:
    alert = edit_alert(kind=kind, edit_kind=None) if kind != "edit" else edit_alert()
    if kind == "health":
        alert = Alert(kind="health", dedupe_key="h:1", portal="detik", summary="Ekstraksi gagal pada 12 dari 12 "
                                                                               "artikel")
    (email,) = render_for("email", alert)
    assert email.title.startswith(prefix)
    (text,) = render_for("webhook", alert, dialect="text")
    assert text.body.startswith(prefix)


def test_edit_shows_added_removed_changed_quoted_and_the_kind() -> None:
    (message,) = render_for("webhook", edit_alert(old_title="Korea Utara kirim amunisi"), dialect="text")
    body = message.body
    assert "Jenis suntingan: substantif" in body
    assert "Kalimat ditambahkan (1):\n  • “Pejabat Rusia membantah laporan itu.”" in body
    assert "Kalimat dihapus (1):\n  • “Kapal itu berlabuh di Vladivostok.”" in body
    assert "“Sebanyak 20 kontainer dikirim.” → “Sebanyak 200 kontainer dikirim.”" in body
    assert "Judul sebelumnya: “Korea Utara kirim amunisi”" in body
    assert "Terbit: 20 Nov 2026 14:05 WIB" in body  # 07:05 UTC shown in Jakarta time
    assert "Skor topik suntingan: 0,82" in body and "Kata kunci: Korea Utara, Rusia" in body
    assert body.endswith(f"Baca: {URL}")
    assert message.key == "edit:d-7000001:v3#1/1"


def test_each_kind_gets_its_profiles_dialect_and_body_format() -> None:
    formats = {kind: render_for(kind, edit_alert())[0].body_format for kind in KINDS}
    assert formats == {
        "telegram": "html",
        "discord": "markdown",
        "slack": "markdown",
        "webhook": "markdown",
        "email": "html",
        "other": "markdown",
    }
    notify = {
        k: render_for("webhook", edit_alert(kind=k, edit_kind=None))[0].notify_type
        for k in ("new", "removed", "restored")
    }
    assert notify == {"new": "info", "removed": "warning", "restored": "success"}


# --- untrusted text shows as text -----------------------------------------------------------


def hostile_alert() -> Alert:
    return edit_alert(title=HOSTILE, added=(HOSTILE,), summary=HOSTILE, matched_terms=(HOSTILE,))


def test_markdown_escapes_hostile_text_for_commonmark() -> None:
    (message,) = render_for("discord", hostile_alert())
    rendered = commonmark(message.body)
    assert "<script" not in rendered and "<img" not in rendered and "<h1" not in rendered
    hrefs = parse_html(rendered).hrefs
    assert hrefs and all(h == URL for h in hrefs), hrefs  # the only link is the article
    text = "".join(parse_html(rendered).text).replace("\u200b", "")
    pieces = ("<script>alert('x')</script>", "[klik di sini](http://evil.example/)", "![gambar](", "*tebal*", "`kode`")
    for piece in pieces:
        assert piece in text
    assert "@everyone" not in message.body  # a zero-width space stops the ping


def test_markdown_stays_inert_through_apprises_markdown_to_html() -> None:
    # apprise turns Markdown into HTML with Python-Markdown for HTML-only services.
    (message,) = render_for("webhook", hostile_alert())
    rendered = python_markdown.markdown(message.body, extensions=["markdown.extensions.nl2br"])
    assert "<script" not in rendered and "<img" not in rendered
    assert all(h == URL for h in parse_html(rendered).hrefs)


@pytest.mark.parametrize("kind", ["email", "telegram"])
def test_html_escapes_hostile_text(kind: TargetKind) -> None:
    (message,) = render_for(kind, hostile_alert())
    parsed = parse_html(message.body)
    allowed = {"email": {"h3", "p", "b", "a"}, "telegram": {"b", "a"}}[kind]
    assert set(parsed.tags) <= allowed
    assert parsed.hrefs and set(parsed.hrefs) == {URL}
    assert parsed.balanced and parsed.depth == 0
    text = "".join(parsed.text)
    assert "<script>alert('x')</script>" in text and "[klik di sini](http://evil.example/)" in text
    if kind == "email":
        assert message.title.startswith("[Diedit] detik: Rusia <script>")  # the subject is plain text
        assert "\n" not in message.title


def test_slack_escapes_links_and_channel_pings() -> None:
    (message,) = render_for("slack", hostile_alert())
    links = re.findall(r"<([^>]*)>", message.body)
    assert links == [URL] * len(links) and links
    assert "&lt;http://evil.example|Buka&gt;" in message.body
    assert "@everyone" not in message.body


def test_text_drops_control_and_bidi_characters() -> None:
    title = "Rudal\u202e lapor\u0000an\r\nBcc: x@example.com\u2066"
    (message,) = render_for("email", edit_alert(title=title))
    assert message.title == "[Diedit] detik: Rudal laporan Bcc: x@example.com"


def test_only_http_links_become_links() -> None:
    (message,) = render_for("telegram", edit_alert(url="javascript:alert(1)"))
    assert "href" not in message.body and "javascript:alert(1)" in message.body
    (md,) = render_for("discord", edit_alert(url="https://x.example/a b)(<c>"))
    assert "<https://x.example/a%20b%29%28%3Cc%3E>" in md.body


# every character and entity that Markdown, HTML or bidi rendering treats specially
_AWKWARD = [*"ab 1.#-+=<>[]()!*_`&|~@:/\\\"'\n\t", "&amp;", "&#x3C;", "<script>", "](", "\u202e", "é", "🚀", "0)"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_AWKWARD), max_size=25).map("".join))
def test_escaped_text_reads_back_as_the_same_text(text: str) -> None:
    expected = clean(text)
    rendered = commonmark(escape_markdown(text))
    parsed = parse_html(rendered)
    assert set(parsed.tags) <= {"p"}, rendered
    assert "".join(parsed.text).strip().replace("\u200b", "") == expected.strip()
    html_parsed = parse_html(escape_html(text))
    assert html_parsed.tags == [] and "".join(html_parsed.text).strip() == expected
    assert "<" not in escape_slack(text)


# --- length limits --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_200_sentence_edit_respects_each_limit(kind: TargetKind) -> None:
    profile = PROFILES[kind]
    messages = render_for(kind, long_edit())
    assert 1 <= len(messages) <= profile.max_parts
    assert all(units(m.body) <= profile.limit for m in messages)
    assert [m.key for m in messages] == [f"edit:long:v9#{i}/{len(messages)}" for i in range(1, len(messages) + 1)]
    shown = sum(m.body.count(" → ") for m in messages)
    last = messages[-1].body
    if shown < 200:
        assert f"dan {200 - shown} kalimat lainnya tidak ditampilkan" in last
        assert "beritawatch.example/diff/d-7000001/v9" in last  # summarised with a link
    if len(messages) > 1:
        for i, m in enumerate(messages, start=1):
            assert f"(bagian {i}/{len(messages)})" in (m.title or m.body.splitlines()[0])
        assert "(lanjutan)" in messages[1].body
    if profile.dialect in ("html", "telegram"):
        assert all(parse_html(m.body).balanced and parse_html(m.body).depth == 0 for m in messages)


def test_messages_survive_a_json_round_trip() -> None:
    for message in render_for("discord", long_edit()):
        assert Message.from_json(json.loads(json.dumps(message.to_json()))) == message


def test_small_limits_split_and_larger_ones_do_not() -> None:
    assert len(render_for("email", long_edit())) == 1
    assert len(render_for("slack", long_edit(100))) == 1
    assert len(render_for("discord", long_edit())) == 3
    assert len(render_for("webhook", long_edit(10))) == 1


def test_one_enormous_sentence_is_clipped_not_dropped() -> None:
    alert = edit_alert(added=("Rusia " * 20_000,), removed=(), changed=())
    (message,) = render_for("discord", alert)
    assert units(message.body) <= 2000
    assert "“Rusia Rusia" in message.body and "…”" in message.body


def test_astral_characters_count_twice_as_telegram_does() -> None:
    alert = edit_alert(added=tuple("🚀" * 300 for _ in range(30)))
    messages = render_for("telegram", alert)
    assert all(len(m.body.encode("utf-16-le")) // 2 <= 4096 for m in messages)


sentences = st.lists(st.text(st.characters(codec="utf-8"), max_size=400), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(KINDS),
    limit=st.integers(min_value=100, max_value=5000),
    max_parts=st.integers(min_value=1, max_value=4),
    title=st.text(max_size=300),
    added=sentences,
    removed=sentences,
    summary=st.text(max_size=2000),
    url=st.sampled_from([URL, "https://x.example/" + "p" * 900, "", "ftp://x"]),
)
def test_every_message_fits_any_limit(
    kind: TargetKind, limit: int, max_parts: int, title: str, added: list[str], removed: list[str], summary: str,
    url: str,
) -> None:
    alert = edit_alert(title=title, added=tuple(added), removed=tuple(removed), summary=summary, url=url)
    messages = render_for(kind, alert, limit, max_parts=max_parts)
    assert 1 <= len(messages) <= max_parts
    for message in messages:
        assert isinstance(message, Message)
        assert units(message.body) <= limit
        assert message.body.strip()


def test_limit_below_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="minimum"):
        render_for("discord", edit_alert(), 50)


# --- digest ---------------------------------------------------------------------------------


def many_alerts(n: int = 100) -> list[Alert]:
    kinds = ["new", "new", "edit", "removed", "health"]
    portals = ["detik", "tribun", "republika", "tempo"]
    alerts = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        alerts.append(
            Alert(
                kind=kind,  # type: ignore[arg-type]
                dedupe_key=f"{kind}:{i}",
                portal=portals[i % len(portals)],
                url=f"https://{portals[i % len(portals)]}.example/berita/{i}",
                title=f"Berita {i}: Korea Utara dan Rusia <b>{i}</b>",
                summary="Ekstraksi gagal" if kind == "health" else "",
                edit_kind="minor" if kind == "edit" else None,
                relevance=i / n,
            )
        )
    return alerts


@pytest.mark.parametrize("kind", KINDS)
def test_digest_of_100_alerts_is_one_message_within_the_limit(kind: TargetKind) -> None:
    alerts = many_alerts()
    (message,) = render_digest(alerts, PROFILES[kind].limit, target_kind=kind)
    assert units(message.body) <= PROFILES[kind].limit
    heading = message.title or message.body.splitlines()[0]
    assert "100 peringatan: 40 baru, 20 diedit, 20 dihapus, 20 kesehatan portal" in heading.replace("\\", "")


def test_digest_caps_items_per_group_and_says_how_many_more() -> None:
    (message,) = render_digest(many_alerts(), 4000, target_kind="webhook", dialect="text")
    groups = re.findall(r"^(Baru|Diedit|Dihapus|Kesehatan portal) — (\w+) \((\d+)\):$", message.body, re.M)
    assert len(groups) == 16
    more = [int(n) for n in re.findall(r"… dan (\d+) lainnya", message.body)]
    shown = message.body.count("\n  • ")
    assert shown + sum(more) == 100
    assert all(shown_in_group <= 5 for shown_in_group in _items_per_group(message.body))
    # the most relevant item of a group comes first
    assert "Berita 96:" in message.body  # relevance 0.96, new/detik


def _items_per_group(body: str) -> list[int]:
    counts: list[int] = []
    for line in body.splitlines():
        if line.endswith("):") and "—" in line:
            counts.append(0)
        elif line.startswith("  • "):
            counts[-1] += 1
    return counts


def test_email_digest_lists_everything_and_escapes() -> None:
    (message,) = render_digest(many_alerts(), PROFILES["email"].limit, target_kind="email")
    parsed = parse_html(message.body)
    assert "script" not in parsed.tags and parsed.tags.count("a") == 100
    assert "lainnya" not in message.body


def test_digest_degrades_to_counts_then_drops_groups_at_tiny_limits() -> None:
    alerts = many_alerts()
    for limit in (100, 200, 400, 800, 1500):
        (message,) = render_digest(alerts, limit, target_kind="discord")
        assert units(message.body) <= limit
    (small,) = render_digest(alerts, 400, target_kind="discord")
    assert "kelompok lainnya" in small.body


def test_digest_alert_renders_through_render_for_with_its_key() -> None:
    digest = Alert(kind="digest", dedupe_key="digest:pass-7:ab", items=tuple(many_alerts(12)))
    (message,) = render_for("telegram", digest)
    assert message.key == "digest:pass-7:ab#1/1"
    assert "[Ringkasan] 12 peringatan" in message.body


# --- routing --------------------------------------------------------------------------------


def three_targets() -> list[Target]:
    return validate_targets(
        [
            "json://127.0.0.1:9/chat",
            {"url": "mailto://127.0.0.1:25?from=bw@example.com&to=analis@example.org&mode=insecure", "tags": ["email"]},
            {"url": "json://127.0.0.1:9/ops", "tags": ["ops"]},
        ]
    )


def test_a_quiet_pass_sends_items_to_chat_a_digest_to_email_and_health_to_ops() -> None:
    chat, mail, ops = three_targets()
    alerts = many_alerts(5)  # new, new, edit, removed, health
    plan = plan_pass(alerts, [chat, mail, ops], pass_id="p1")
    to = {t.id: [p.alert for p in plan if p.target is t] for t in (chat, mail, ops)}
    assert [a.kind for a in to[chat.id]] == ["new", "new", "edit", "removed", "health"]  # untagged: chat + ops
    assert [a.kind for a in to[mail.id]] == ["digest"] and len(to[mail.id][0].items) == 5
    assert [a.kind for a in to[ops.id]] == ["health"]


def test_100_alerts_in_one_pass_do_not_flood_chat() -> None:
    chat, mail, ops = three_targets()
    alerts = many_alerts(100)
    plan = plan_pass(alerts, [chat, mail, ops], pass_id="p2")
    per_target = {t.id: [p.alert for p in plan if p.target is t] for t in (chat, mail, ops)}
    (chat_digest,) = per_target[chat.id]
    assert chat_digest.kind == "digest" and len(chat_digest.items) == 100
    (ops_digest,) = per_target[ops.id]  # 20 health alerts > 10: a digest too
    assert ops_digest.kind == "digest" and {a.kind for a in ops_digest.items} == {"health"}
    assert len(per_target[mail.id]) == 1
    again = plan_pass(alerts, [chat, mail, ops], pass_id="p2")
    assert [p.alert.dedupe_key for p in again] == [p.alert.dedupe_key for p in plan]  # stable keys
    assert len({p.alert.dedupe_key for p in plan}) == 3
    for planned in plan:
        (message,) = planned.target.render(planned.alert)
        assert units(message.body) <= planned.target.limit


def test_routes_are_data() -> None:
    chat, _, _ = three_targets()
    routes = {**DEFAULT_ROUTES, "chat": Route(frozenset({"removed"}))}
    plan = plan_pass(many_alerts(5), [chat], pass_id="p3", routes=routes)
    assert [p.alert.kind for p in plan] == ["removed", "health"]
