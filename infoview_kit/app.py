"""The browser faces: ``infoview app`` (the shipped notebooks served by Voila, code hidden, widgets live) and
``infoview lab`` (JupyterLab on your private copies of the notebooks)."""

from __future__ import annotations

import errno
import logging
import os
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from infoview_kit.base.errors import InputFormatError, NotFoundError, PortInUseError
from infoview_kit.base.paths import ENV_WORKBOOK, resolve_workbook

if TYPE_CHECKING:
    from infoview_kit.workspace import Workspace

log = logging.getLogger("infoview_kit")

#: The page the app opens on; every notebook links to the next one from there.
START_PAGE = "00_start_here.ipynb"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class AppPlan:
    """How Voila will be started: what it serves, where, and the environment its kernels get."""

    workbook: Path
    root: Path  # the fresh copy of the shipped notebooks that Voila serves
    port: int
    token: str
    argv: list[str]
    temporary: bool = False  # `root` was made for this run: :meth:`remove` deletes it

    @property
    def url(self) -> str:
        """The start page's address, with the token that lets this browser in."""
        return f"http://{HOST}:{self.port}/voila/render/{START_PAGE}?token={self.token}"

    def remove(self) -> None:
        """Delete the served copy if it was made for this run (when the app stops)."""
        if self.temporary:
            shutil.rmtree(self.root, ignore_errors=True)


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


def _existing(workbook: str | os.PathLike[str] | None) -> Path:
    wb = resolve_workbook(workbook).resolve()
    if not wb.exists():
        raise NotFoundError(f"{wb}: no such workbook; create it with 'infoview init' (or pass --workbook PATH)",
                            path=wb)
    return wb


def _port(port: int) -> int:
    if port:
        _check_port(port)
        return port
    return free_port()


def plan_app(workbook: str | os.PathLike[str] | None = None, *, port: int = 0,
             root: str | os.PathLike[str] | None = None) -> AppPlan:
    """Decide how to serve the notebooks and make the copy Voila serves: the workbook, a port, a token, arguments.

    Voila serves a fresh copy of the shipped notebooks 00 to 05 (as committed, outputs stripped,
    parameters as shipped; :func:`infoview_kit.workspace.write_shipped_copy`), never the project's
    ``notebooks/`` folder as JupyterLab may have saved it, nor your private copies. Its tree lists
    00 to 05, and each notebook's links lead to the next, with the code hidden and widgets live.
    Kernels find the workbook through ``$INFOVIEW_WORKBOOK``, as the notebooks' empty ``workbook``
    parameter says. Only this machine can connect, and only with the token (another user of a
    shared machine cannot).

    Parameters
    ----------
    root
        An empty folder for the served copy (default: a new private temporary folder, removed by
        :meth:`AppPlan.remove`).

    Raises
    ------
    NotFoundError
        If the workbook does not exist (``infoview init`` creates it).
    PortInUseError
        If `port` is taken.
    """
    from infoview_kit.workspace import write_shipped_copy

    wb = _existing(workbook)
    port = _port(port)
    temporary = root is None
    served = Path(tempfile.mkdtemp(prefix="infoview-app-")) if root is None else Path(root).absolute()  # 0700
    try:
        write_shipped_copy(served)
    except BaseException:
        if temporary:
            shutil.rmtree(served, ignore_errors=True)
        raise
    token = secrets.token_urlsafe(24)
    argv = [str(served),
            f"--Voila.ip={HOST}", f"--Voila.port={port}", "--Voila.port_retries=0",
            f"--Voila.token={token}", "--Voila.open_browser=False",
            "--VoilaConfiguration.strip_sources=True",  # no code: outputs and widgets only
            "--VoilaConfiguration.show_tracebacks=True"]  # an error names what to fix instead of a blank cell
    return AppPlan(workbook=wb, root=served, port=port, token=token, argv=argv, temporary=temporary)


def serve(workbook: str | os.PathLike[str] | None = None, *, port: int = 0, open_browser: bool = True) -> int:
    """Serve the notebooks with Voila until Ctrl-C; return the exit status.

    Raises
    ------
    NotFoundError, PortInUseError
        See :func:`plan_app`.
    """
    plan = plan_app(workbook, port=port)
    try:
        os.environ[ENV_WORKBOOK] = str(plan.workbook)  # inherited by every kernel Voila starts
        print(f"Your workbook: {plan.workbook}\nOpen {plan.url}\n(only this computer can connect; Ctrl-C stops "
              "it)", flush=True)
        if open_browser:
            timer = threading.Timer(1.5, webbrowser.open, args=(plan.url,))
            timer.daemon = True
            timer.start()
        from voila.app import Voila

        sys.argv = ["voila", *plan.argv]  # Voila reads sys.argv[0] for its name in messages
        Voila.launch_instance(argv=plan.argv)  # returns on Ctrl-C or SIGTERM
    finally:
        plan.remove()
    return 0


# ---------------------------------------------------------------- infoview lab
@dataclass(frozen=True)
class LabPlan:
    """How JupyterLab will be started on your private copies of the notebooks."""

    workbook: Path
    workspace: Workspace
    port: int
    token: str
    argv: list[str]

    @property
    def url(self) -> str:
        """Notebook 00 in your copies, with the token that lets this browser in."""
        return f"http://{HOST}:{self.port}/lab/tree/{START_PAGE}?token={self.token}"


def plan_lab(workbook: str | os.PathLike[str] | None = None, *, port: int = 0, open_browser: bool = False) -> LabPlan:
    """Bring your private copies of the notebooks up to date and decide how to start JupyterLab on them.

    The workspace beside the workbook is created, or refreshed from the shipped notebooks
    (:func:`infoview_kit.workspace.prepare_workspace`). JupyterLab's root is that folder, on
    127.0.0.1 with a token, with no news or update checks (nothing leaves this machine); with
    `open_browser`, JupyterLab opens notebook 00 in the browser once it is listening.

    Raises
    ------
    NotFoundError
        If the workbook does not exist (``infoview init`` creates it), or there are no shipped notebooks.
    PortInUseError
        If `port` is taken.
    InputFormatError
        If the workspace folder belongs to another workbook.
    """
    from infoview_kit.workspace import prepare_workspace

    wb = _existing(workbook)
    port = _port(port)
    space = prepare_workspace(wb)
    token = secrets.token_urlsafe(24)
    argv = [f"--ServerApp.root_dir={space.folder}", f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.open_browser={open_browser}", f"--LabApp.default_url=/lab/tree/{START_PAGE}",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--ServerApp.allow_root=True")  # containers (Binder, Docker) often run as root
    return LabPlan(workbook=wb, workspace=space, port=port, token=token, argv=argv)


def serve_lab(workbook: str | os.PathLike[str] | None = None, *, port: int = 0, open_browser: bool = True) -> int:
    """Open JupyterLab on your private copies of the notebooks until Ctrl-C; return the exit status.

    ``$INFOVIEW_WORKBOOK`` is set to the workbook for every kernel (the copies also find it on
    their own, through the workspace's manifest, when opened with plain ``jupyter lab``).

    Raises
    ------
    NotFoundError, PortInUseError, InputFormatError
        See :func:`plan_lab`.
    """
    plan = plan_lab(workbook, port=port, open_browser=open_browser)
    os.environ[ENV_WORKBOOK] = str(plan.workbook)  # inherited by every kernel and terminal Lab starts
    print(f"Your workbook: {plan.workbook}\n{plan.workspace.summary()}\nOpen {plan.url}\n"
          "(only this computer can connect; Ctrl-C stops it)", flush=True)
    from jupyterlab.labapp import LabApp

    sys.argv = ["jupyter-lab", *plan.argv]
    LabApp.launch_instance(argv=plan.argv)
    return 0
