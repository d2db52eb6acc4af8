"""Kernels for report runs: the next notebook's kernel started, and its imports warmed, while the current one runs."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import os
import re
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_NAMES = re.compile(r"\bik(?:\.[A-Za-z_]\w*)+")

#: Run silently in a fresh kernel before its notebook (no output, no execution count): resolve each
#: ``ik.<name>`` the notebook uses, so the modules behind them (and pandas, ipywidgets...) are loaded.
_WARM = """import importlib as _il
_names = _module = _obj = _part = None
for _names in {names!r}:
    try:
        _obj = _il.import_module("infoview_kit")
        for _part in _names.split(".")[1:]:
            _obj = getattr(_obj, _part)
    except Exception:
        pass
for _module in {modules!r}:
    try:
        _il.import_module(_module)
    except Exception:
        pass
del _il, _names, _module, _obj, _part
"""


def warm_code(notebook: Path) -> str:
    """The code that warms a kernel for `notebook`: it loads what the notebook's code reaches through
    ``ik.`` (each room, view and function it names; a name that does not resolve is skipped), and
    matplotlib's inline backend for a notebook that draws (``%matplotlib``). Nothing is called."""
    import nbformat

    code = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
    names = sorted(set(_NAMES.findall(code)))
    modules = ["IPython.display"] + (["matplotlib.pyplot", "matplotlib_inline.backend_inline"]
                                     if "%matplotlib" in code else [])
    return _WARM.format(names=tuple(names), modules=tuple(modules))


@dataclass
class WarmKernel:
    """A started kernel with its imports done: its manager, and how long each took (seconds)."""

    km: Any  # jupyter_client's AsyncKernelManager
    start_s: float
    imports_s: float


def _kernel_manager(sockets: str | None, n: int) -> Any:
    """A kernel manager for headless runs: on POSIX it talks to its kernel over Unix sockets in
    `sockets` (a private temporary folder; ``k<n>-<port>`` files, one prefix per kernel so two live
    kernels never pick the same file) rather than TCP ports on 127.0.0.1, which also spares the
    terminal ipykernel's warning about unencrypted TCP."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name="python3")
    if os.name == "posix" and sockets is not None:
        km.transport = "ipc"
        km.ip = os.path.join(sockets, f"k{n}")
    return km


def start_warm(cwd: Path, sockets: str | None, n: int, warm: str) -> WarmKernel:
    """Start a python3 kernel in `cwd` and run `warm` in it silently; return it ready for a notebook.

    Runs its own event loop, so it can run in a worker thread while another kernel executes a notebook.
    """
    async def go() -> WarmKernel:
        km = _kernel_manager(sockets, n)
        started = time.perf_counter()
        await km.start_kernel(cwd=str(cwd))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=120)
            ready = time.perf_counter()
            if warm:
                await kc.execute_interactive(warm, silent=True, store_history=False, timeout=120)
        finally:
            kc.stop_channels()
        return WarmKernel(km, ready - started, time.perf_counter() - ready)

    return asyncio.run(go())


def stop(kernel: WarmKernel) -> None:
    """Shut a kernel down (at once: its notebook has finished) and remove its connection files."""
    async def go() -> None:
        if await kernel.km.is_alive():
            await kernel.km.shutdown_kernel(now=True)  # its notebook is done: nothing to save
        await kernel.km.cleanup_resources()

    asyncio.run(go())


class KernelPipeline:
    """Kernels handed out one per notebook, each started and warmed while the notebooks before it run.

    Use as a context manager; :meth:`kernels` yields a kernel for each code of `warm` (one per notebook,
    see :func:`warm_code`), warmed with it. Up to `ahead` kernels are
    started at a time (on a 2-core machine two warm beside a running notebook, so the chain of kernel
    starts does not outlast the notebooks). A kernel handed out is shut down in the background when
    the next one is asked for; a kernel never handed out (a notebook failed) is shut down at the end.
    """

    def __init__(self, cwd: Path, sockets: str | None, warm: Sequence[str], *, ahead: int = 2) -> None:
        self.cwd, self.sockets, self.warm, self.ahead = cwd, sockets, list(warm), max(1, ahead)
        self.count = len(self.warm)
        self.waited_s = 0.0  # how long the notebooks waited for a kernel (the first one's start, mostly)
        self.start_s = 0.0  # kernel starts, summed over every kernel (mostly hidden behind the notebooks)
        self.imports_s = 0.0  # warm imports, summed likewise
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=self.ahead + 1, thread_name_prefix="kernels")
        self._stops: list[concurrent.futures.Future[None]] = []
        self._gen: Generator[Any, None, None] | None = None

    def __enter__(self) -> KernelPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._gen is not None:
                self._gen.close()  # a notebook failed: the kernels started for the next ones are stopped too
            for f in self._stops:
                f.result()
        finally:
            self._pool.shutdown(wait=True)

    def kernels(self) -> Iterator[Any]:
        """Yield a warm kernel manager per notebook, keeping the next ones starting."""
        self._gen = gen = self._kernels()
        return gen

    def _start(self, n: int) -> concurrent.futures.Future[WarmKernel]:
        return self._pool.submit(start_warm, self.cwd, self.sockets, n, self.warm[n])

    def _kernels(self) -> Generator[Any, None, None]:
        upcoming = collections.deque(self._start(n) for n in range(min(self.ahead, self.count)))
        try:
            for n in range(self.count):
                before = time.perf_counter()
                kernel = upcoming.popleft().result()
                self.waited_s += time.perf_counter() - before
                self.start_s += kernel.start_s
                self.imports_s += kernel.imports_s
                if n + self.ahead < self.count:
                    upcoming.append(self._start(n + self.ahead))
                try:
                    yield kernel.km
                finally:
                    self._stops.append(self._pool.submit(stop, kernel))
        finally:
            for later in upcoming:
                self._stops.append(self._pool.submit(_stop_when_started, later))


def _stop_when_started(started: concurrent.futures.Future[WarmKernel]) -> None:
    stop(started.result())
