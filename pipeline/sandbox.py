"""Run a decoder over untrusted bytes in a forked child, under hard limits.

A hostile file must cost one refusal, never a worker. The decoder runs in a child
made with a bare `os.fork()`:

- fork, not spawn or forkserver: the child already has Pillow, NumPy and PDFium
  imported and the bytes in memory, so nothing is pickled or re-imported. Measured
  on a 2-core VM with NumPy, OpenCV, Pillow and PDFium loaded: an empty round trip
  (fork, pipe, reap) costs ~4 ms; pixels cost ~0.7 ms per MB through a 1 MiB pipe,
  so a 12-megapixel photo (36 MB of BGR) pays ~25 ms on top of its ~200 ms decode;
  a shared-memory map was measured too and was no faster;
- bare `os.fork()` rather than `multiprocessing`: the child leaves with `os._exit`
  (no atexit hooks, no inherited finalisers) and the parent owns the whole protocol;
- the child gets RLIMIT_AS (its address space at fork time plus `memory_mb`: a worker
  that already maps OCR models must not be refused for their size; the heap memory it
  freed and kept is taken out of the child's reach first), RLIMIT_CPU as a
  backstop, no core dumps, no file writes, and only the result pipe open;
- the parent enforces the wall-clock limit with `select` and kills the child;
- the answer is a JSON header plus raw uint8 arrays, never a pickle: a child
  subverted by a crafted file must not be able to run code in the parent, and the
  parent checks every declared shape against `max_array_bytes` before allocating.

The child must not touch threads, locks or OpenCV (its thread pool does not survive
a fork); Pillow, NumPy and PDFium are single-threaded for what the decoders do.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import math
import os
import resource
import select
import signal
import struct
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from pipeline import errors
from pipeline.errors import CorruptFileError, ImageTooLargeError, ReceiptError

Work = Callable[[], tuple[dict[str, Any], list[np.ndarray]]]

MAX_HEADER_BYTES = 8 * 1024 * 1024  # metadata and text layers; pixels travel apart
PIPE_BYTES = 1024 * 1024  # Linux's default pipe-max-size for unprivileged processes
_LENGTH = struct.Struct("<Q")
# Errors a child may report, by class name; anything else is a crash.
_REPORTABLE = {
    cls.__name__: cls
    for cls in (
        errors.UnsupportedFormatError,
        errors.ImageTooLargeError,
        errors.CorruptFileError,
        errors.IllegibleError,
    )
}


def run_sandboxed(
    work: Work, *, seconds: float, memory_mb: int, max_array_bytes: int
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """Run `work` in a limited child; return its header and arrays or raise its refusal."""
    read_fd, write_fd = os.pipe()
    _widen(write_fd)
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child(work, write_fd, seconds, memory_mb)
    os.close(write_fd)
    deadline = time.monotonic() + seconds
    finished = False
    try:
        header, arrays = _receive(read_fd, deadline, seconds, max_array_bytes)
        finished = True
    except _ChildVanished:
        header, arrays = None, []
    finally:
        os.close(read_fd)
        if not finished:
            _kill(pid)
        status = _reap(pid)
    if header is None:
        raise _explain_death(status, seconds)
    if "error" in header:
        raise _rebuild_error(header, memory_mb)
    return header, arrays


class _ChildVanished(Exception):
    """The pipe closed before a whole answer arrived."""


def _child(work: Work, fd: int, seconds: float, memory_mb: int) -> None:
    code = 0
    try:
        _confine(fd, seconds, memory_mb)
        try:
            header, arrays = work()
            header = dict(header, arrays=[list(a.shape) for a in arrays])
        except ReceiptError as e:
            header, arrays = {"error": type(e).__name__, "message": e.message}, []
        except MemoryError:
            header, arrays = {"error": "MemoryError"}, []
        except Exception as e:  # the decoder choked on the bytes: a refusal, reported as such
            header, arrays = {"error": "crash", "message": f"{type(e).__name__}: {e}"[:300]}, []
        body = json.dumps(header).encode()
        _write_all(fd, _LENGTH.pack(len(body)) + body)
        for array in arrays:
            _write_all(fd, memoryview(np.ascontiguousarray(array, dtype=np.uint8)).cast("B"))
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _confine(keep_fd: int, seconds: float, memory_mb: int) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, 1 << 16)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # no file writes; pipes are exempt
    cpu = math.ceil(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    _hold_free_heap()
    budget = _address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (budget, budget))


_LARGE_BLOCK = 128 * 1024  # glibc serves blocks this large from fresh mappings (its initial mmap threshold)
_M_MMAP_THRESHOLD = -3  # mallopt parameter


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
        "keepcost")]


def _hold_free_heap() -> None:
    """Make the decoder's large blocks count against RLIMIT_AS.

    A process keeps the large blocks it freed mapped for reuse (glibc raises its mmap
    threshold up to 32 MB after such a free, and reuses free heap chunks before mapping
    anything). That memory is in the address space measured at fork, so a child could
    decode tens of megabytes of pixels into it unnoticed: a worker that had read a few
    dozen photos let a 60 MB decode through a 16 MB limit. Here the child takes every
    free heap chunk of a large block's size for itself, untouched (no page is copied or
    faulted in), and pins the threshold back: each large block the decoder then asks
    for is a fresh mapping, within the budget.
    """
    try:
        libc = ctypes.CDLL(None)
        info = libc.mallinfo2
    except (OSError, AttributeError):  # not glibc >= 2.33: its allocator is not this one
        return
    info.restype = _MallInfo2
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.mallopt(_M_MMAP_THRESHOLD, _LARGE_BLOCK)  # from now on, a block this large never grows the heap
    size = 1 << 30
    while size >= _LARGE_BLOCK:
        before = info()
        if before.fordblks < size:
            size //= 2
        elif not libc.malloc(size) or info().hblks > before.hblks:
            size //= 2  # no free chunk this large: it was mapped afresh (left to count in the budget)


def _address_space() -> int:
    """Bytes mapped by this process now (VmSize)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: the limit becomes absolute
        return 0


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(
    fd: int, deadline: float, seconds: float, max_array_bytes: int
) -> tuple[dict[str, Any], list[np.ndarray]]:
    length = _LENGTH.unpack(_read_exact(fd, bytearray(_LENGTH.size), deadline, seconds))[0]
    if length > MAX_HEADER_BYTES:
        raise CorruptFileError(f"The decoder's answer was {length:,} bytes of text; refused.")
    header = json.loads(_read_exact(fd, bytearray(length), deadline, seconds))
    shapes = [tuple(int(n) for n in shape) for shape in header.pop("arrays", [])]
    if sum(math.prod(shape) for shape in shapes) > max_array_bytes or any(
        n < 0 for shape in shapes for n in shape
    ):
        raise CorruptFileError("The decoder returned more pixels than the limits allow.")
    arrays = []
    for shape in shapes:
        array = np.empty(shape, dtype=np.uint8)
        _read_exact(fd, memoryview(array).cast("B"), deadline, seconds)
        arrays.append(array)
    return header, arrays


def _read_exact(fd: int, buffer: bytearray | memoryview, deadline: float, seconds: float):
    view = memoryview(buffer)
    got = 0
    while got < len(view):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise CorruptFileError(
                f"Decoding the file took more than {seconds:g} s; the file was refused."
            )
        n = os.readv(fd, [view[got:]])
        if n == 0:
            raise _ChildVanished
        got += n
    return buffer


def _widen(fd: int) -> None:
    """Fewer context switches for pixels: a 1 MiB pipe instead of 64 KiB, when allowed."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (OSError, AttributeError):
        pass


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:  # reaped elsewhere (a SIGCHLD handler): nothing to learn
            return 0
        except InterruptedError:
            continue


def _explain_death(status: int, seconds: float) -> ReceiptError:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return CorruptFileError(
                f"Decoding the file used more than {seconds:g} s of processor time; "
                "the file was refused."
            )
        return CorruptFileError(
            f"The decoder crashed on this file ({signal.Signals(sig).name}); the file was refused."
        )
    return CorruptFileError(
        f"The decoder stopped without an answer (exit status {os.waitstatus_to_exitcode(status)})."
    )


def _rebuild_error(header: dict[str, Any], memory_mb: int) -> ReceiptError:
    kind = header.get("error")
    message = str(header.get("message", ""))[:500]
    if kind == "MemoryError":
        return ImageTooLargeError(
            f"Decoding the file needed more than {memory_mb:,} MB of memory; the file was refused."
        )
    if kind in _REPORTABLE:
        return _REPORTABLE[kind](message)
    return CorruptFileError(f"The file could not be decoded ({message}).")
