"""The no-code view (``infoview app``): the notebooks served by Voila, code hidden, widgets live."""

from __future__ import annotations

import errno
import logging
import os
import secrets
import socket
import sys
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from ._paths import ENV_WORKBOOK, resolve_workbook
from .exceptions import InputFormatError, NotFoundError, PortInUseError

log = logging.getLogger("infoview_kit")

#: The page the app opens on; every notebook links to the next one from there.
START_PAGE = "00_start_here.ipynb"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class AppPlan:
    """How Voila will be started: what it serves, where, and the environment its kernels get."""

    workbook: Path
    root: Path
    port: int
    token: str
    argv: list[str]

    @property
    def url(self) -> str:
        """The start page's address, with the token that lets this browser in."""
        return f"http://{HOST}:{self.port}/voila/render/{START_PAGE}?token={self.token}"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _check_port(port: int) -> None:
    if not 0 < port < 65536:
        raise InputFormatError(f"--port {port}: expected a port number between 1 and 65535, or leave it out for a "
                               "free one")
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError as exc:
            why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            raise PortInUseError(f"port {port} on {HOST} {why}; pass another --port, or leave it out for a "
                                 "free one") from None


def plan_app(workbook: str | os.PathLike[str] | None = None, *, port: int = 0) -> AppPlan:
    """Decide how to serve the notebooks: the workbook, a port on 127.0.0.1, a token, Voila's arguments.

    Voila serves the whole ``notebooks/`` folder (its tree lists 00 to 05, and each notebook's
    links lead to the next), with the code hidden and widgets live. Kernels find the workbook
    through ``$INFOVIEW_WORKBOOK``, as the notebooks' empty ``workbook`` parameter says. Only
    this machine can connect, and only with the token (another user of a shared machine cannot).

    Raises
    ------
    NotFoundError
        If the workbook does not exist (``infoview init`` creates it).
    PortInUseError
        If `port` is taken.
    """
    from .report import notebooks_dir

    wb = resolve_workbook(workbook).resolve()
    if not wb.exists():
        raise NotFoundError(f"{wb}: no such workbook; create it with 'infoview init' (or pass --workbook PATH)",
                            path=wb)
    root = notebooks_dir()
    if port:
        _check_port(port)
    else:
        port = free_port()
    token = secrets.token_urlsafe(24)
    argv = [str(root),
            f"--Voila.ip={HOST}", f"--Voila.port={port}", "--Voila.port_retries=0",
            f"--Voila.token={token}", "--Voila.open_browser=False",
            "--VoilaConfiguration.strip_sources=True",  # no code: outputs and widgets only
            "--VoilaConfiguration.show_tracebacks=True"]  # an error names what to fix instead of a blank cell
    return AppPlan(workbook=wb, root=root, port=port, token=token, argv=argv)


def serve(workbook: str | os.PathLike[str] | None = None, *, port: int = 0, open_browser: bool = True) -> int:
    """Serve the notebooks with Voila until Ctrl-C; return the exit status.

    Raises
    ------
    NotFoundError, PortInUseError
        See :func:`plan_app`.
    """
    plan = plan_app(workbook, port=port)
    os.environ[ENV_WORKBOOK] = str(plan.workbook)  # inherited by every kernel Voila starts
    print(f"Your workbook: {plan.workbook}\nOpen {plan.url}\n(only this computer can connect; Ctrl-C stops it)",
          flush=True)
    if open_browser:
        timer = threading.Timer(1.5, webbrowser.open, args=(plan.url,))
        timer.daemon = True
        timer.start()
    from voila.app import Voila

    sys.argv = ["voila", *plan.argv]  # Voila reads sys.argv[0] for its name in messages
    Voila.launch_instance(argv=plan.argv)
    return 0
