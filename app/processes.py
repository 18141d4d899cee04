"""Whether another process is still running, on POSIX and on Windows.

Why its own module: leftovers of a killed ingest are named by the process that wrote them
(:mod:`app.store.cache`) and are swept only once that process is gone. The POSIX idiom,
``os.kill(pid, 0)``, must not be used on Windows: there ``os.kill`` with any signal other
than the two console events *terminates* the process — the check would kill the other
running copy of the app whose work folder it meant to spare.
"""

from __future__ import annotations

import os
import sys


def process_alive(pid: int) -> bool:
    """True if a process with id ``pid`` is running (or cannot be ruled out).

    When in doubt (no permission to look at it) the answer is True: the caller is about to
    delete what that process may still be writing.
    """
    if pid <= 0:
        return False  # 0 and negatives name process groups to os.kill, never one process
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0: checks existence and permission, delivers nothing
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _windows_process_alive(pid: int) -> bool:
    """``OpenProcess`` and ``GetExitCodeProcess``: a running process reports STILL_ACTIVE."""
    import ctypes
    from ctypes import wintypes

    synchronize = 0x0010_0000
    process_query_limited_information = 0x1000
    still_active = 259
    error_access_denied = 5

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.OpenProcess.restype = wintypes.HANDLE
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetExitCodeProcess.restype = wintypes.BOOL
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    kernel32.CloseHandle.restype = wintypes.BOOL

    handle = kernel32.OpenProcess(synchronize | process_query_limited_information, False, pid)
    if not handle:
        # No such process (ERROR_INVALID_PARAMETER), or one we may not open: it exists.
        return ctypes.get_last_error() == error_access_denied  # type: ignore[attr-defined]
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
