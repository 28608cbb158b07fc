"""Work one receipt's reading may run beside its own thread (`ReadingSettings.threads`).

OpenCV, NumPy and Pillow's codecs release the GIL, so a second thread measures the image
forensics and the page's perceptual hash while the first runs Tesseract, which reads on one
core (the page's preparation, before it, spreads OpenCV over both, and beside it the
forensics cost a photo ~35 ms more), and the legibility figures while the first cleans the
page. The work is the same whatever the count:
with one thread it runs in order, in the caller's thread, and gives the same results.
(Reading a page's two halves side by side was measured and dropped: Tesseract reads a
band apart from its page differently, so the reading would depend on the cut. Cut at the
blank row nearest the middle, it took Tesseract's time on a photo from 0.39 to 0.24 s, and
on 840 photos of seven seeds gained 20 fields and lost 37: the top half's lines change too,
and a line just under the cut is found worse.)

Workers scale on processes, one core each (`receipts worker` sets one thread); the
in-process modes (`receipts run`, `receipts extract`, the embedded API) have the
machine to themselves and read a receipt on two.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

_pools: dict[int, ThreadPoolExecutor] = {}
_lock = threading.Lock()


def _helpers(threads: int) -> ThreadPoolExecutor | None:
    """The process's helper threads for this count (the caller's own thread is the other),
    made once and kept for the next receipts."""
    if threads <= 1:
        return None
    with _lock:
        pool = _pools.get(threads)
        if pool is None:
            pool = _pools[threads] = ThreadPoolExecutor(threads - 1, thread_name_prefix="reading")
        return pool


def start(threads: int, work: Callable[..., T], *args, **kwargs) -> Future[T]:
    """`work(*args, **kwargs)` on a helper thread, or done here and now with a single thread.
    The caller must wait for the result (or the failure) before it forks a decoder:
    a helper busy in a lock at fork time would leave the child that lock held."""
    pool = _helpers(threads)
    if pool is not None:
        return pool.submit(work, *args, **kwargs)
    done: Future[T] = Future()
    try:
        done.set_result(work(*args, **kwargs))
    except BaseException as e:  # noqa: BLE001 - handed to the caller by .result(), as a pool would
        done.set_exception(e)
    return done
