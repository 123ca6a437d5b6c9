"""Collect what apprise logs while one call runs in this thread (apprise 1.x reports only there).

`apprise.LogCapture` would record every thread's messages (deliveries may run side by side in
a thread pool), and to see the socket error behind "A Connection error occurred" it would have
to lower the global apprise level to DEBUG, whose records carry message payloads and would
reach the application's own log handlers. Instead, while any capture is active, the apprise
logger runs at DEBUG with one filter that hands each record to the captures of the thread
that logged it and lets through to the usual handlers only what the old level let through.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

APPRISE_LOGGER = "apprise"
# DEBUG messages worth keeping: the exception text behind a connection failure.
_DEBUG_KEPT = ("Socket Exception",)

_lock = threading.Lock()
_sinks: dict[int, list[list[str]]] = {}  # thread id -> active captures, innermost last
_state: dict[str, int] = {"active": 0, "saved_level": logging.NOTSET, "threshold": logging.WARNING}


class _Tap(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        sinks = _sinks.get(record.thread or 0)
        if sinks and (record.levelno >= logging.WARNING or _kept(record)):
            try:
                message = record.getMessage()
            except Exception:  # a malformed log call must not break a delivery
                message = str(record.msg)
            for sink in sinks:
                sink.append(message)
        return record.levelno >= _state["threshold"]


def _kept(record: logging.LogRecord) -> bool:
    return isinstance(record.msg, str) and record.msg.startswith(_DEBUG_KEPT)


_TAP = _Tap()


@contextlib.contextmanager
def capture_apprise_log() -> Iterator[list[str]]:
    """Yield a list that fills with apprise's warnings, errors and socket errors from this thread."""
    logger = logging.getLogger(APPRISE_LOGGER)
    sink: list[str] = []
    ident = threading.get_ident()
    with _lock:
        if _state["active"] == 0:
            _state["saved_level"] = logger.level
            _state["threshold"] = logger.getEffectiveLevel()
            logger.addFilter(_TAP)
            logger.setLevel(logging.DEBUG)
        _state["active"] += 1
        _sinks.setdefault(ident, []).append(sink)
    try:
        yield sink
    finally:
        with _lock:
            mine = _sinks.get(ident, [])
            for index, active in enumerate(mine):
                if active is sink:
                    del mine[index]
                    break
            if not mine:
                _sinks.pop(ident, None)
            _state["active"] -= 1
            if _state["active"] == 0:
                logger.removeFilter(_TAP)
                logger.setLevel(_state["saved_level"])
