"""The config contract: keys, defaults, environment overrides, and errors that name the key."""
from __future__ import annotations

import pathlib
import tomllib

import pytest

from beritawatch.config import ConfigError, config_from_dict, load_config, parse_route_env

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_shipped_config_tracks_the_five_articles() -> None:
    config = load_config(ROOT / "beritawatch.toml", env={})
    hosts = sorted(t.url.split("/")[2] for t in config.track)
    assert hosts == ["dunia.tempo.co", "internasional.republika.co.id", "kaltim.tribunnews.com",
                     "news.detik.com", "www.tribunnews.com"]
    assert config.revisit.every_pass is False and config.http.min_delay_s == 1.0


def test_contract_keys_from_the_issue() -> None:
    config = config_from_dict(tomllib.loads('''
        [[track]]
        url = "https://news.detik.com/internasional/d-6769960/x"
        [[discover]]
        url = "https://news.detik.com/rss"
        [alerts]
        targets = [
            "json://127.0.0.1:9/hook",
            {url = "mailto://u:p@127.0.0.1:25?from=bw@example.org&to=a@example.org", tags = ["email"]},
        ]
        [http]
        min_delay_s = 0
        [http.route]
        "news.detik.com" = "http://127.0.0.1:8001"
        [revisit]
        every_pass = true
    '''))
    assert config.track[0].url.endswith("/d-6769960/x")
    assert config.discover[0].url == "https://news.detik.com/rss"
    assert len(config.alerts.targets) == 2
    assert config.http.min_delay_s == 0.0
    assert config.http.route == {"news.detik.com": "http://127.0.0.1:8001"}
    assert config.revisit.every_pass is True


def test_environment_adds_routes_and_targets() -> None:
    env = {"BERITAWATCH_ROUTE": "news.detik.com=http://127.0.0.1:8001, www.tempo.co=http://127.0.0.1:8002",
           "BERITAWATCH_NOTIFY": "json://127.0.0.1:9/a,\n json://127.0.0.1:9/b"}
    config = config_from_dict({"http": {"route": {"a.example": "http://127.0.0.1:1"}}}, env)
    assert config.http.route == {"a.example": "http://127.0.0.1:1", "news.detik.com": "http://127.0.0.1:8001",
                                 "www.tempo.co": "http://127.0.0.1:8002"}
    assert [t.url for t in config.alerts.targets] == ["json://127.0.0.1:9/a", "json://127.0.0.1:9/b"]


@pytest.mark.parametrize(("document", "key"), [
    ({"track": [{"url": "ftp://x"}]}, "track[0].url"),
    ({"track": [{"url": "https://a.id/x", "colour": 1}]}, "track[0].colour"),
    ({"http": {"min_delay_s": -1}}, "http.min_delay_s"),
    ({"http": {"min_delay_s": "fast"}}, "http.min_delay_s"),
    ({"http": {"per_host_concurrency": 0}}, "http.per_host_concurrency"),
    ({"http": {"route": {"news.detik.com": "127.0.0.1:8001"}}}, "http.route.'news.detik.com'"),
    ({"http": {"speed": 1}}, "http.speed"),
    ({"revisit": {"every_pass": "yes"}}, "revisit.every_pass"),
    ({"alerts": {"targets": "json://x"}}, "alerts.targets"),
    ({"alerts": {"targets": [3]}}, "alerts.targets"),
    ({"alerts": {"targets": ["nosuchscheme://x"]}}, "alerts.targets"),
    ({"discover": [{"url": "https://a.id/rss", "kind": "podcast"}]}, "discover[0].kind"),
    ({"discover": [{"url": "https://a.id/rss", "max_new": 0}]}, "discover[0].max_new"),
    ({"discover": [{"url": "https://a.id/rss", "max_new": 2.5}]}, "discover[0].max_new"),
    ({"discover": [{"url": "https://a.id/rss", "every_minutes": "often"}]}, "discover[0].every_minutes"),
    ({"discover": [{"url": "https://a.id/rss", "cap": 3}]}, "discover[0].cap"),
    ({"trakc": []}, "trakc"),
])
def test_bad_values_name_their_key(document: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict(document)
    assert caught.value.key == key
    assert str(caught.value).startswith(key)


def test_bad_apprise_url_is_named_without_its_secret() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict({"alerts": {"targets": ["json://user:hunter2@127.0.0.1:9/hook?method=FETCH"]}})
    assert "127.0.0.1" in str(caught.value) and "hunter2" not in str(caught.value)


def test_bad_route_env_names_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_route_env("news.detik.com")
    assert caught.value.key == "BERITAWATCH_ROUTE"


def test_unreadable_toml_names_the_file(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[http\nmin_delay_s = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad, env={})
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.toml", env={})


def test_discovery_sources_take_a_kind_an_interval_and_a_cap() -> None:
    config = config_from_dict({"discover": [
        {"url": "https://www.tempo.co/internasional/_payload.json", "kind": "payload", "every_minutes": 30,
         "max_new": 5},
        {"url": "https://news.detik.com/rss"}]})
    payload, rss = config.discover
    assert (payload.kind, payload.every_minutes, payload.max_new) == ("payload", 30.0, 5)
    assert (rss.kind, rss.every_minutes, rss.max_new) == ("auto", 10.0, 50)


def test_the_shipped_config_discovers_on_every_portal() -> None:
    from beritawatch.urls import portal_of

    config = load_config(pathlib.Path(__file__).resolve().parents[1] / "beritawatch.toml", env={})
    assert {portal_of(source.url) for source in config.discover} == {"detik", "tribun", "republika", "tempo"}
    assert all(source.kind != "auto" and source.max_new >= 1 for source in config.discover)
