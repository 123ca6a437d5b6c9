"""Targets (validation, redaction) and delivery over real loopback sockets: a JSON webhook
receiver and an aiosmtpd SMTP server, both in tests/receivers.py."""
from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beritawatch.alerts.deliver import KEY_HEADER, DeliveryOutcome, deliver
from beritawatch.alerts.format import Message, render_for
from beritawatch.alerts.model import Alert, ChangedPair
from beritawatch.alerts.targets import (
    ENV_VAR,
    Target,
    TargetError,
    redact_text,
    redact_url,
    split_env,
    validate_targets,
)
from tests.receivers import JsonReceiver, SmtpReceiver, free_port

SECRET = "s3cr3t-Pa55w0rd"
TOKEN = "tok_9f8e7d6c5b4a"
HOSTILE_TITLE = "Rudal <script>alert(1)</script> [klik](http://evil.example/) @everyone"
URL = "https://news.detik.com/berita/d-7000001/korea-utara"


@pytest.fixture
def hook() -> Iterator[JsonReceiver]:
    with JsonReceiver() as receiver:
        yield receiver


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    with SmtpReceiver() as receiver:
        yield receiver


def alert(**overrides: object) -> Alert:
    fields: dict[str, object] = dict(
        kind="edit",
        dedupe_key="edit:d-7000001:v2",
        portal="detik",
        url=URL,
        title=HOSTILE_TITLE,
        added=("Pejabat Rusia membantah laporan itu.",),
        removed=("Kapal itu berlabuh di Vladivostok.",),
        edit_kind="substantive",
    )
    fields.update(overrides)
    return Alert(**fields)  # type: ignore[arg-type]


def long_alert() -> Alert:
    return alert(
        dedupe_key="edit:long:v5",
        changed=tuple(ChangedPair(f"Kalimat lama {i} " * 6, f"Kalimat baru {i} " * 6) for i in range(200)),
    )


def target(url: str, **entry: object) -> Target:
    (only,) = validate_targets([{"url": url, **entry}])
    return only


def assert_no_secret(outcome: DeliveryOutcome) -> None:
    for text in (outcome.error or "", outcome.target, repr(outcome)):
        assert SECRET not in text and TOKEN not in text


# --- targets: parsing, validation, redaction ------------------------------------------------


def test_config_and_env_targets_parse_with_tags_and_kinds() -> None:
    env = (
        "json://127.0.0.1:9000/a,ops=json://127.0.0.1:9000/b "
        "mailto://127.0.0.1:25?from=bw@example.com&to=a@example.org,b@example.org&mode=insecure"
    )
    targets = validate_targets(
        [
            "tgram://123456789:AAHtok-en/-1001234567",
            {"url": "discord://111222333/" + TOKEN, "tags": ["chat"], "name": "tim-discord"},
            {"url": "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "tags": "chat, ops"},
        ],
        env=env,
    )
    summary = [(t.kind, t.dialect, t.limit, sorted(t.tags)) for t in targets]
    assert summary == [
        ("telegram", "telegram", 4096, []),
        ("discord", "markdown", 2000, ["chat"]),
        ("slack", "slack", 35000, ["chat", "ops"]),
        ("webhook", "markdown", 4000, []),
        ("webhook", "markdown", 4000, ["ops"]),
        ("email", "html", 90000, []),
    ]
    assert targets[1].id == "tim-discord"
    assert targets[4].id == "json://127.0.0.1:9000/***#2"  # same redacted name, unique id
    for t in targets:
        for secret in (TOKEN, "AAHtok-en", "TIiajkdnlazkcOXrIdevi7FQ"):
            assert secret not in repr(t) and secret not in t.name


def test_env_commas_split_urls_but_not_recipient_lists() -> None:
    assert split_env("json://h/a, json://h/b,chat,ops=json://h/c\ttgram://1:a/c1,c2") == [
        "json://h/a",
        "json://h/b",
        "chat,ops=json://h/c",
        "tgram://1:a/c1,c2",
    ]


def test_bad_targets_are_all_named_redacted_with_the_reason() -> None:
    with pytest.raises(TargetError) as caught:
        validate_targets(
            [
                f"json://admin:{SECRET}@hooks.example.org/x?method=FETCH",
                {"url": f"tgram://{TOKEN}/", "tags": ["chat"]},
                {"url": "json://127.0.0.1:9/x", "tags": ["nobody"]},
                {"url": "json://127.0.0.1:9/x", "tag": "chat"},
                {"url": "json://127.0.0.1:9/y", "limit": 20},
                "json://127.0.0.1:9/z",
                "json://127.0.0.1:9/z",
            ],
            env=f"nosuchservice://{TOKEN}@x",
        )
    problems = caught.value.problems
    text = str(caught.value)
    assert SECRET not in text and TOKEN not in text
    assert problems[0].startswith("config target 1 json://***:***@hooks.example.org/***?method=FETCH: apprise "
                                  "rejected it")
    assert "method specified (FETCH) is invalid" in problems[0]
    assert problems[1].startswith("config target 2 tgram://***/: apprise rejected it")
    assert "['nobody'] receive no alerts; known tags: ['chat', 'email', 'ops']" in problems[2]
    assert "unknown key(s) ['tag']" in problems[3]
    assert "'limit' must be an integer of at least 100" in problems[4]
    assert "config target 7 json://127.0.0.1:9/***: same URL as config target 6" in problems[5]
    assert problems[6].startswith(f"{ENV_VAR} entry 1 nosuchservice://***@***: apprise rejected it")
    assert len(problems) == 7


def test_redaction_masks_tokens_wherever_apprise_puts_them() -> None:
    cases = {
        f"json://user:{SECRET}@127.0.0.1:9000/hook?token={TOKEN}&format=markdown": (
            "json://***:***@127.0.0.1:9000/***?token=***&format=markdown"
        ),
        f"tgram://123456789:{TOKEN}/-100123": "tgram://***/***",
        f"discord://1234/{TOKEN}": "discord://***/***",
        f"mailtos://alerts:{SECRET}@smtp.example.co.id?to=a@b.id&mode=ssl": (
            "mailtos://***:***@smtp.example.co.id?to=***&mode=ssl"
        ),
        f"ntfy://{TOKEN}": "ntfy://***",
        f"json://[::1]:80/{TOKEN}#{TOKEN}": "json://[::1]:80/***#***",
        "not a url": "(not a URL)",
    }
    for url, expected in cases.items():
        assert redact_url(url) == expected


secret_st = st.text(st.sampled_from("abcdefghijkLMNOPQ0123456789_~!$*-"), min_size=6, max_size=24)


@settings(max_examples=300, deadline=None)
@given(
    scheme=st.sampled_from(["json", "jsons", "mailto", "tgram", "discord", "slack", "ntfy", "gotify"]),
    user=st.none() | secret_st,
    password=st.none() | secret_st,
    host=st.sampled_from(["127.0.0.1", "hooks.example.org", "localhost", "[::1]"]) | secret_st,
    port=st.none() | st.integers(min_value=1, max_value=65535),
    path=st.lists(secret_st, max_size=3),
    query=st.lists(
        st.tuples(st.sampled_from(["token", "to", "from", "key", "+Authorization", ":x"]), secret_st), max_size=3
    ),
)
def test_redaction_never_shows_a_secret(
    scheme: str,
    user: str | None,
    password: str | None,
    host: str,
    port: int | None,
    path: list[str],
    query: list[tuple[str, str]],
) -> None:
    userinfo = ""
    if user is not None:
        userinfo = user + (f":{password}" if password is not None else "") + "@"
    netloc = userinfo + host + (f":{port}" if port else "")
    url = f"{scheme}://{netloc}/" + "/".join(path)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query)
    public = {"127.0.0.1", "hooks.example.org", "localhost", "[::1]"}
    in_url = (user, password if user is not None else None, *path, *(v for _, v in query))
    secrets = [s for s in in_url if s]
    if host not in public:
        secrets.append(host)
    shown = redact_url(url)
    message = redact_text(f"failed at {url}: user={user} pw={password} " + " ".join(path + [v for _, v in query]), url)
    for secret in secrets:
        assert secret not in shown, (url, shown)
        assert secret not in message, (url, message)
        assert urllib.parse.quote(secret, safe="") not in message


# --- JSON webhook delivery ------------------------------------------------------------------


def test_json_delivery_carries_title_markdown_body_and_dedupe_key(hook: JsonReceiver) -> None:
    t = target(hook.url())
    messages = t.render(alert())
    outcome = deliver(t, messages)
    assert outcome.ok and outcome.error is None and outcome.sent == 1
    (request,) = hook.requests
    assert request.path == "/hook"
    assert request.headers[KEY_HEADER] == "edit:d-7000001:v2#1/1"
    payload = request.json
    assert payload["title"] == "[Diedit] detik: " + HOSTILE_TITLE  # plain text field
    assert payload["message"] == messages[0].body
    assert "\\<script\\>" in payload["message"] and "@\u200beveryone" in payload["message"]
    assert payload["type"] == "info"


def test_a_long_edit_arrives_as_ordered_parts_each_within_the_limit(hook: JsonReceiver) -> None:
    t = target(hook.url(), limit=2000)
    messages = t.render(long_alert())
    assert len(messages) == 3
    outcome = deliver(t, messages)
    assert outcome.ok and outcome.sent == 3
    keys = [r.headers[KEY_HEADER] for r in hook.requests]
    assert keys == ["edit:long:v5#1/3", "edit:long:v5#2/3", "edit:long:v5#3/3"]
    assert all(len(r.json["message"]) <= 2000 for r in hook.requests)
    assert "kalimat lainnya tidak ditampilkan" in hook.requests[-1].json["message"]


def test_receiver_error_gives_a_failed_outcome_with_a_redacted_reason() -> None:
    with JsonReceiver(fail_first=1, fail_status=500) as failing:
        url = failing.url(path=f"/{TOKEN}").replace("json://", f"json://admin:{SECRET}@") + f"?token={TOKEN}"
        outcome = deliver(url, render_for("webhook", alert()))
    assert not outcome.ok and outcome.sent == 0
    assert outcome.error is not None and "error=500" in outcome.error
    assert outcome.target.startswith("json://***:***@127.0.0.1:")
    assert_no_secret(outcome)


def test_down_for_the_first_attempts_then_delivered_once() -> None:
    messages = render_for("webhook", alert())
    with JsonReceiver(reset_first=1, fail_first=2, fail_status=503) as flaky:
        t = target(flaky.url())
        outcomes = [deliver(t, messages) for _ in range(3)]
        assert [o.ok for o in outcomes] == [False, False, False]
        assert "Connection" in (outcomes[0].error or "") and "error=503" in (outcomes[1].error or "")
        later = deliver(t, messages)
        assert later.ok
        assert [r.status for r in flaky.requests] == [0, 503, 503, 200]
        assert [r.headers[KEY_HEADER] for r in flaky.accepted] == ["edit:d-7000001:v2#1/1"]


def test_a_failed_middle_part_reports_progress_and_resumes(hook: JsonReceiver) -> None:
    hook.fail_on = frozenset({2})
    t = target(hook.url(), limit=2000)
    messages = t.render(long_alert())
    first = deliver(t, messages)
    assert not first.ok and first.sent == 1 and "(message 2/3)" in (first.error or "")
    rest = deliver(t, messages[first.sent :])
    assert rest.ok and rest.sent == 2
    assert [r.headers[KEY_HEADER] for r in hook.accepted] == [m.key for m in messages]


def test_connection_refused_fails_fast_with_the_socket_error() -> None:
    port = free_port()  # nothing listens there
    outcome = deliver(f"json://127.0.0.1:{port}/hook", render_for("webhook", alert()))
    assert not outcome.ok and outcome.duration < 5
    assert "Connection refused" in (outcome.error or "")


def test_receiver_that_goes_down_between_passes(hook: JsonReceiver) -> None:
    t = target(hook.url())
    messages = render_for("webhook", alert())
    hook.down()
    assert not deliver(t, messages).ok
    hook.up()
    assert deliver(t, messages).ok and len(hook.accepted) == 1


def test_a_hanging_receiver_is_bounded_by_the_timeout() -> None:
    # A delay far beyond the timeout: without it this takes 30 s, with it about 0.5 s.
    with JsonReceiver(delay=30) as slow:
        started = time.monotonic()
        outcome = deliver(slow.url(), render_for("webhook", alert()), timeout=0.5)
        elapsed = time.monotonic() - started
    assert not outcome.ok and elapsed < 10
    assert "timed out" in (outcome.error or "")


def test_parallel_deliveries_keep_their_own_errors(hook: JsonReceiver) -> None:
    port = free_port()
    results: dict[str, DeliveryOutcome] = {}

    def run(name: str, url: str) -> None:
        results[name] = deliver(url, render_for("webhook", alert()))

    threads = [
        threading.Thread(target=run, args=("good", hook.url())),
        threading.Thread(target=run, args=("bad", f"json://127.0.0.1:{port}/x")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results["good"].ok and results["good"].error is None
    assert not results["bad"].ok and str(port) in (results["bad"].error or "")


def test_deliver_never_raises(hook: JsonReceiver) -> None:
    bad = deliver(f"json://u:{SECRET}@h?method=NOPE", render_for("webhook", alert()))
    assert not bad.ok and "method specified (NOPE)" in (bad.error or "")
    assert_no_secret(bad)
    garbage = deliver("", render_for("webhook", alert()))
    assert not garbage.ok
    empty = deliver(hook.url(), [])
    assert empty.ok and empty.sent == 0 and hook.requests == []
    odd = deliver(hook.url(), [Message(title="x", body="\ud800 lone surrogate", body_format="text")])
    assert isinstance(odd, DeliveryOutcome)


# --- SMTP delivery --------------------------------------------------------------------------


def test_email_has_a_plain_subject_and_text_plus_html_parts(smtp: SmtpReceiver) -> None:
    t = target(smtp.url(), tags=["email"])
    assert t.kind == "email" and t.dialect == "html"
    outcome = deliver(t, t.render(alert()))
    assert outcome.ok, outcome.error
    (mail,) = smtp.messages
    assert mail["Subject"] == "[Diedit] detik: " + HOSTILE_TITLE
    assert mail[KEY_HEADER] == "edit:d-7000001:v2#1/1"
    assert smtp.envelopes == [("beritawatch@example.com", ["analyst@example.org"])]
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    text_content, html_content = text.get_content(), html.get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_content and "<script" not in html_content
    assert "<script>alert(1)</script>" in text_content  # shown as text in the plain part
    assert "Pejabat Rusia membantah laporan itu." in text_content
    assert "substantif" in text_content


def test_a_title_cannot_inject_mail_headers(smtp: SmtpReceiver) -> None:
    evil = "Judul\r\nBcc: spy@evil.example\r\nX-Evil: 1"
    t = target(smtp.url())
    assert deliver(t, t.render(alert(title=evil))).ok
    (mail,) = smtp.messages
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    assert smtp.envelopes[0][1] == ["analyst@example.org"]


def test_smtp_refusal_then_success() -> None:
    with SmtpReceiver(fail_first=1) as flaky:
        url = flaky.url()
        first = deliver(url, render_for("email", alert()))
        assert not first.ok and "451" in (first.error or ""), first.error
        assert "analyst@example.org" not in (first.error or "")  # recipients are redacted too
        second = deliver(url, render_for("email", alert()))
        assert second.ok and len(flaky.messages) == 1 and flaky.attempts == 2


def test_smtp_server_down_fails_fast() -> None:
    port = free_port()
    url = f"mailto://alerts:{SECRET}@127.0.0.1:{port}?from=bw@example.com&to=a@example.org&mode=insecure"
    outcome = deliver(url, render_for("email", alert()))
    assert not outcome.ok and outcome.duration < 10
    assert "Connection refused" in (outcome.error or "") or "Connection error" in (outcome.error or "")
    assert_no_secret(outcome)


def test_digest_by_email_and_chat(hook: JsonReceiver, smtp: SmtpReceiver) -> None:
    alerts = [alert(kind="new", dedupe_key=f"new:{i}", title=f"Berita {i}", edit_kind=None) for i in range(100)]
    digest = Alert(kind="digest", dedupe_key="digest:p1:x", items=tuple(alerts))
    for t in validate_targets([hook.url(), {"url": smtp.url(), "tags": ["email"]}]):
        messages = t.render(digest)
        assert len(messages) == 1
        assert deliver(t, messages).ok
    (request,) = hook.requests
    assert len(request.json["message"]) <= 4000 and "lainnya" in request.json["message"]
    (mail,) = smtp.messages
    assert mail["Subject"] == "[Ringkasan] 100 peringatan: 100 baru"


# --- apprise's own chat plugins, pointed at the loopback receiver ---------------------------


def _html_parts(fragment: str) -> tuple[set[str], set[str], str]:
    """Tag names, href values and text of an HTML fragment."""
    from html.parser import HTMLParser

    tags: set[str] = set()
    hrefs: set[str] = set()
    text: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.add(tag)
            hrefs.update(v or "" for k, v in attrs if k == "href")

        def handle_data(self, data: str) -> None:
            text.append(data)

    parser = Parser(convert_charrefs=True)
    parser.feed(fragment)
    parser.close()
    return tags, hrefs, "".join(text)


def _send_via_plugin(url: str, api_base: str, messages: list[Message]) -> None:
    import apprise

    plugin = apprise.Apprise.instantiate(url, asset=apprise.AppriseAsset(async_mode=False, storage_mode="memory"))
    assert plugin is not None
    plugin.notify_url = api_base  # the service's API base: here the local receiver, not the internet
    notifier = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False, storage_mode="memory"))
    notifier.add(plugin)
    for message in messages:
        assert notifier.notify(body=message.body, title=message.title, body_format=message.body_format)


def test_telegram_plugin_sends_our_html_within_4096(hook: JsonReceiver) -> None:
    hostile = alert(added=(HOSTILE_TITLE,) * 3, changed=long_alert().changed[:60])
    messages = render_for("telegram", hostile)
    assert len(messages) > 1
    _send_via_plugin("tgram://123456789:AAHtok-en/-100123", f"http://127.0.0.1:{hook.port}/bot", messages)
    assert len(hook.requests) == len(messages)
    for request in hook.requests:
        payload = request.json
        assert payload["parse_mode"] == "HTML" and len(payload["text"]) <= 4096
        tags, hrefs, text = _html_parts(payload["text"])
        assert tags <= {"b", "a"} and hrefs == {URL}
        assert "<script>alert(1)</script>" in text


def test_discord_plugin_sends_our_markdown_within_2000(hook: JsonReceiver) -> None:
    messages = render_for("discord", long_alert())
    _send_via_plugin(f"discord://1234/{TOKEN}", f"http://127.0.0.1:{hook.port}/api/webhooks", messages)
    assert [len(r.json["content"]) <= 2000 for r in hook.requests] == [True] * len(messages)
    assert hook.requests[0].json["content"].startswith("**\\[Diedit\\] detik: Rudal \\<script\\>")
