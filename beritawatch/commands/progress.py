"""A live progress display per portal while a pass checks articles (on a terminal only)."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def live_progress(enabled: bool) -> Iterator[None]:
    """Show one progress bar per portal on stderr for the duration of the block."""
    if not enabled:
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    from flows import monitor

    display = Progress(TextColumn("{task.description:>12}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(),
                       console=Console(stderr=True))
    tasks: dict[str, TaskID] = {}
    lock = threading.Lock()  # portals are checked in parallel threads

    def listener(portal: str, done: int, total: int, failed: int) -> None:
        with lock:
            if portal not in tasks:
                tasks[portal] = display.add_task(portal, total=total, failed=0)
            display.update(tasks[portal], completed=done, total=total, failed=failed)

    monitor.PROGRESS_LISTENERS.append(listener)
    try:
        with display:
            yield
    finally:
        monitor.PROGRESS_LISTENERS.remove(listener)
