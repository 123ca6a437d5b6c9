"""Keeping a pass's resident memory near what it uses: glibc malloc settings and trimming.

A pass allocates thousands of ~150 KB page buffers from several threads. With glibc's defaults
the threshold above which a buffer gets its own mapping rises after the first frees, so later
buffers come from per-thread heaps that keep their freed space: the process held ~550 MB when the
checks of 2,000 articles ended, for ~130 MB of live results. A fixed threshold gives every large
buffer back to the OS when it is freed, and `malloc_trim` returns what the heaps keep between
stages. Elsewhere than glibc (musl, macOS) both are no-ops.

With that threshold, asyncio's socket reads (a new 256 KB buffer per read, and another per TLS read)
were each a fresh mapping to fault in and unmap: ~110k page faults and ~0.7 s of CPU in a warm pass
of 2,000 articles. Reads are made at most READ_SIZE long, below the threshold, so they stay in the heaps.
"""
from __future__ import annotations

import asyncio.selector_events
import asyncio.sslproto
import ctypes
import functools

from parsers.clib import c_function

M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3
LARGE_BUFFER = 128 * 1024  # glibc's own starting threshold, kept fixed
# importing the parsers keeps 2 MB free at each heap's top (parsers/heap.py: quicker parsing in a process that
# parses page after page); a pass has a heap per worker thread, each would keep it (+10-25 MB at its peak): a
# pass keeps glibc's default instead
PASS_TOP_PAD = 128 * 1024
READ_SIZE = 64 * 1024  # asyncio's reads from a socket or TLS, at most (its default: 256 KB); httpcore asks for 64 KB


# glibc's malloc settings and trimming (None where the C library has no such function)
_MALLOPT = c_function("mallopt", ctypes.c_int, ctypes.c_int, ctypes.c_int)
_MALLOC_TRIM = c_function("malloc_trim", ctypes.c_int, ctypes.c_size_t)


@functools.cache
def give_large_buffers_back() -> bool:
    """Make freed large buffers go back to the OS at once (once per process); False off glibc."""
    if _MALLOPT is None or _MALLOC_TRIM is None:
        return False
    tuned = (bool(_MALLOPT(M_MMAP_THRESHOLD, LARGE_BUFFER)) and bool(_MALLOPT(M_TRIM_THRESHOLD, LARGE_BUFFER))
             and bool(_MALLOPT(M_TOP_PAD, PASS_TOP_PAD)))
    if tuned:
        read_below_the_threshold()
    return tuned


def read_below_the_threshold() -> None:
    """asyncio's transports read at most READ_SIZE at a time (a class attribute of both: every
    connection of the process, the pass's own and Prefect's; a smaller read changes no data)."""
    # Private names: looked up, not imported, so another Python without them only skips the tuning.
    for transport in (getattr(asyncio.selector_events, "_SelectorTransport", None), asyncio.sslproto.SSLProtocol):
        if transport is not None and getattr(transport, "max_size", 0) > READ_SIZE:
            setattr(transport, "max_size", READ_SIZE)  # noqa: B010 - typeshed does not declare it


def trim() -> bool:
    """Return the free memory the heaps keep to the OS (after a stage that freed much)."""
    return _MALLOC_TRIM is not None and bool(_MALLOC_TRIM(0))
