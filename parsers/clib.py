"""A function of the C library the process runs on, through ctypes (None where it has no such function)."""
from __future__ import annotations

import ctypes
from typing import Any


def c_function(name: str, restype: Any, *argtypes: Any) -> Any | None:
    """The C library's `name` with its C signature, or None (no such function: Windows, musl for some)."""
    try:
        function = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError, TypeError):
        return None
    function.restype = restype
    function.argtypes = argtypes
    return function
