"""What the X server shows: the mapped top-level windows and the process that made each.

Why ask the X server and not ``QApplication.topLevelWidgets()``: the window's own widgets
are one process, but an export renders in a child process (and Chromium in more); a window
a child puts on the screen is only seen here. Read through libX11 with ctypes (no X tool
needs to be installed; Qt's xcb platform already needs the library).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from dataclasses import dataclass

_IS_VIEWABLE = 2
_XA_CARDINAL = 6
_Window = ctypes.c_ulong


class _Attributes(ctypes.Structure):
    """``XWindowAttributes`` (Xlib.h), field for field."""

    _fields_ = [
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("border_width", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p),
        ("root", _Window),
        ("class_", ctypes.c_int),
        ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong),
        ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int),
        ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int),
        ("screen", ctypes.c_void_p),
    ]


@dataclass(frozen=True)
class ScreenWindow:
    window: int
    pid: int | None  # _NET_WM_PID, when the toolkit set it (Qt does)
    width: int
    height: int


def _library() -> ctypes.CDLL:
    lib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XDefaultRootWindow.restype = _Window
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XQueryTree.argtypes = [
        ctypes.c_void_p, _Window, ctypes.POINTER(_Window), ctypes.POINTER(_Window),
        ctypes.POINTER(ctypes.POINTER(_Window)), ctypes.POINTER(ctypes.c_uint),
    ]  # fmt: skip
    lib.XGetWindowAttributes.argtypes = [ctypes.c_void_p, _Window, ctypes.POINTER(_Attributes)]
    lib.XInternAtom.restype = ctypes.c_ulong
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p, _Window, ctypes.c_ulong, ctypes.c_long, ctypes.c_long, ctypes.c_int,
        ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_void_p),
    ]  # fmt: skip
    lib.XFree.argtypes = [ctypes.c_void_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    return lib


def _pid(lib: ctypes.CDLL, display: int, window: int, atom: int) -> int | None:
    kind, fmt = ctypes.c_ulong(), ctypes.c_int()
    count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
    status = lib.XGetWindowProperty(
        display, window, atom, 0, 1, 0, _XA_CARDINAL,
        ctypes.byref(kind), ctypes.byref(fmt), ctypes.byref(count), ctypes.byref(after),
        ctypes.byref(data),
    )  # fmt: skip
    try:
        if status != 0 or not data.value or count.value < 1 or fmt.value != 32:
            return None
        return int(ctypes.cast(data, ctypes.POINTER(ctypes.c_long))[0])  # format 32 is a long
    finally:
        if data.value:
            lib.XFree(data)


def mapped_windows() -> list[ScreenWindow]:
    """The top-level windows the X server of ``$DISPLAY`` shows now (viewable ones only)."""
    lib = _library()
    display = lib.XOpenDisplay(os.environ.get("DISPLAY", "").encode() or None)
    if not display:
        raise RuntimeError(f"cannot open the X display {os.environ.get('DISPLAY')!r}")
    try:
        root = lib.XDefaultRootWindow(display)
        atom = lib.XInternAtom(display, b"_NET_WM_PID", 0)
        root_out, parent = _Window(), _Window()
        children, count = ctypes.POINTER(_Window)(), ctypes.c_uint()
        if not lib.XQueryTree(
            display, root, ctypes.byref(root_out), ctypes.byref(parent),
            ctypes.byref(children), ctypes.byref(count),
        ):  # fmt: skip
            return []
        found = []
        try:
            for index in range(count.value):
                window = children[index]
                attributes = _Attributes()
                if not lib.XGetWindowAttributes(display, window, ctypes.byref(attributes)):
                    continue
                if attributes.map_state == _IS_VIEWABLE:
                    pid = _pid(lib, display, window, atom)
                    found.append(ScreenWindow(window, pid, attributes.width, attributes.height))
        finally:
            if children:
                lib.XFree(children)
        return found
    finally:
        lib.XCloseDisplay(display)
