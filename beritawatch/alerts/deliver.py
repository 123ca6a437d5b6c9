"""Deliver rendered messages to one apprise target and report exactly what happened.

apprise 1.x `notify()` only returns a bool, so each call gets its own `Apprise` object holding
this one target, and the reason for a failure is read from apprise's log (captured per thread)
and redacted before it leaves this module.

Guarantee: `deliver` never raises and never blocks longer than about
`len(messages) × (connect timeout + read timeout)`. It sends the messages in order and stops
at the first failure; `DeliveryOutcome.sent` says how many the target accepted, so a retry can
resume with `messages[sent:]`. A message whose send timed out may still have arrived: callers
get at-least-once delivery, and receivers that can (JSON/form/XML webhooks, e-mail) see the
message's dedupe key in the `X-Beritawatch-Key` header to drop repeats.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

import apprise

from beritawatch.alerts._applog import capture_apprise_log
from beritawatch.alerts.format import Message
from beritawatch.alerts.targets import Target, TargetError, redact_text, redact_url, validate_targets

DEFAULT_TIMEOUT = 10.0  # seconds, for connecting and, separately, for each read
KEY_HEADER = "X-Beritawatch-Key"
_ERROR_MAX = 500


@dataclasses.dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What one `deliver` call achieved. `error` is redacted and safe to store and show."""

    ok: bool
    error: str | None
    duration: float  # seconds
    sent: int  # messages accepted by the target, from the first; resume with messages[sent:]
    target: str  # the target's redacted name


def _asset() -> apprise.AppriseAsset:
    # Synchronous, so apprise logs from this thread; no on-disk state for plugins.
    return apprise.AppriseAsset(async_mode=False, storage_mode="memory")


def _bound(plugin: Any, timeout: float) -> None:
    """Cap the plugin's socket timeouts and switch off its own retries (the outbox retries)."""
    for attr in ("socket_connect_timeout", "socket_read_timeout"):
        current = getattr(plugin, attr, None)
        if isinstance(current, int | float) and current > 0:
            setattr(plugin, attr, min(float(current), timeout))
        else:
            setattr(plugin, attr, timeout)
    if hasattr(plugin, "retry"):
        plugin.retry = 0


def _clip_error(text: str) -> str:
    return text if len(text) <= _ERROR_MAX else text[: _ERROR_MAX - 1] + "…"


def _send(notifier: apprise.Apprise, headers: object, message: Message) -> str | None:
    """Send one message; the reason it was not delivered, or None."""
    if isinstance(headers, dict) and message.key:
        headers[KEY_HEADER] = message.key
    with capture_apprise_log() as log:
        delivered = notifier.notify(
            body=message.body,
            title=message.title,
            notify_type=apprise.NotifyType(message.notify_type),
            body_format=apprise.NotifyFormat(message.body_format),
        )
    if delivered:
        return None
    detail = "; ".join(dict.fromkeys(log)) or "the target reported a failure without details"
    where = f" (message {message.part}/{message.parts})" if message.parts > 1 else ""
    return f"not delivered{where}: {detail}"


def deliver(
    target: Target | str,
    messages: Sequence[Message],
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> DeliveryOutcome:
    """Send `messages` in order to `target` (a `Target`, or an apprise URL string)."""
    started = time.monotonic()
    url = target.url if isinstance(target, Target) else str(target)
    name = target.name if isinstance(target, Target) else redact_url(url)
    sent = 0

    def outcome(error: str | None) -> DeliveryOutcome:
        if error is not None:
            error = _clip_error(redact_text(error, url))
        return DeliveryOutcome(
            ok=error is None,
            error=error,
            duration=time.monotonic() - started,
            sent=sent,
            target=name,
        )

    try:
        if not isinstance(target, Target):
            try:
                target = validate_targets([url])[0]
            except TargetError as exc:
                return outcome("; ".join(exc.problems))
        if not messages:
            return outcome(None)
        with capture_apprise_log() as log:
            plugin = apprise.Apprise.instantiate(url, asset=_asset())
        if plugin is None:
            return outcome("apprise cannot load the target: " + ("; ".join(log) or "no reason given"))
        _bound(plugin, timeout)
        headers = getattr(plugin, "headers", None)
        notifier = apprise.Apprise(asset=_asset())
        if not notifier.add(plugin):
            return outcome("apprise refused the target")
        for message in messages:
            error = _send(notifier, headers, message)
            if error is not None:
                return outcome(error)
            sent += 1
        return outcome(None)
    except Exception as exc:  # never raise into the pass: report it instead
        return outcome(f"{type(exc).__name__}: {exc}")
