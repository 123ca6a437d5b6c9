"""Keep the top of the C heap between pages (glibc's malloc), so that parsing one page after another does not
hand memory back to the kernel after each page and fault it back in for the next.

A parse allocates and frees a few hundred KB at a time (the decoded page, Lexbor's document). With glibc's
defaults the heap's top is trimmed back as soon as it is free, and the next page's allocations fault those
pages in again (the kernel zeroes each one): 10-17 % of a parse on this machine's news pages when nothing else
in the process holds the heap's top up (measured: `bench/parse_speed.py --portals`, Republika 0.45 -> 0.40 ms).
glibc's M_TOP_PAD keeps that much free memory at the top instead. The cost: up to `TOP_PAD` more resident
memory per malloc arena; a monitoring pass, with a heap per worker thread and a memory target, sets glibc's default
back (`beritawatch.memory`). Elsewhere (musl, macOS, Windows) nothing is set.
"""
from __future__ import annotations

import ctypes

from parsers.clib import c_function

M_TOP_PAD = -2  # glibc's mallopt parameter number (malloc.h)
TOP_PAD = 2 << 20  # 2 MB: measured as enough for every benchmark and real page; 1 MB is not (half the gain)


def keep_heap_top(pad: int = TOP_PAD) -> bool:
    """Ask glibc's malloc to keep `pad` bytes of free memory at the heap's top; whether it took the setting."""
    mallopt = c_function("mallopt", ctypes.c_int, ctypes.c_int, ctypes.c_int)
    return mallopt is not None and bool(mallopt(M_TOP_PAD, pad))
