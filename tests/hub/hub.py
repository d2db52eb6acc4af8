"""A real JupyterHub for the workshop tests and benchmarks/hub_bench.py.

JupyterHub (the test extra) with configurable-http-proxy from npm, installed once into ``.cache/hub/``
(git-ignored; ``.ci/run`` pre-installs it). The hub loads ``docs/jupyterhub_config.py``, the file a
facilitator deploys, and then only the test-only overrides of :func:`write_config`: free ports on
127.0.0.1, DummyAuthenticator, SimpleLocalProcessSpawner with one home per participant under a temp
folder, and a service token for the tests. :meth:`Hub.stop` stops the hub by its pid, then every
process it started (proxy, participants' servers, their kernels) by theirs.

Each participant's server is driven through its own REST API: the contents API for files, the
nbgitpuller endpoint for the notebooks, and a kernel (websocket) that runs shell commands in the
participant's home, as a participant typing in a terminal of their server would.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[2]
DOCS_CONFIG = ROOT / "docs" / "jupyterhub_config.py"
CACHE = Path(os.environ.get("INFOVIEW_HUB_CACHE", ROOT / ".cache" / "hub"))  # git-ignored
CHP_PACKAGE = "configurable-http-proxy@5"
PASSWORD = "workshop"  # DummyAuthenticator's one shared password: tests only


class HubError(RuntimeError):
    """The hub, a participant's server or a command run in it failed; the message holds its output."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proxy_command() -> tuple[Path | None, str]:
    """configurable-http-proxy, installed into CACHE by npm the first time (under a lock: pytest-xdist
    workers share CACHE); (None, why) when npm is missing or the install fails."""
    chp = CACHE / "node_modules" / ".bin" / "configurable-http-proxy"
    if chp.exists():
        return chp, ""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        return None, "npm and node are needed for configurable-http-proxy: apt-get install -y npm"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not chp.exists():
            done = subprocess.run([npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund",
                                   "--loglevel=error", CHP_PACKAGE], capture_output=True, text=True)
            if done.returncode != 0 or not chp.exists():
                return None, f"npm install {CHP_PACKAGE} failed:\n{done.stdout}{done.stderr}"
    return chp, ""


def write_config(folder: Path, port: int, token: str, chp: Path, extra: dict[str, Any] | None = None) -> Path:
    """The hub's config: docs/jupyterhub_config.py as deployed, then the test-only overrides (and `extra`)."""
    overrides: dict[str, Any] = {
        "JupyterHub.ip": "127.0.0.1", "JupyterHub.port": port,
        "JupyterHub.hub_ip": "127.0.0.1", "JupyterHub.hub_port": free_port(),
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
        "ConfigurableHTTPProxy.command": [str(chp)],
        "JupyterHub.authenticator_class": "dummy", "DummyAuthenticator.password": PASSWORD,
        "Authenticator.allow_all": True, "Authenticator.admin_users": ["coach"],
        "JupyterHub.spawner_class": "simple",
        "SimpleLocalProcessSpawner.home_dir_template": str(folder / "home" / "{username}"),
        "Spawner.args": ["--allow-root"] if os.geteuid() == 0 else [],
        "Spawner.start_timeout": 120, "Spawner.http_timeout": 120,
        "JupyterHub.db_url": f"sqlite:///{folder / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(folder / "cookie_secret"),
        "JupyterHub.pid_file": str(folder / "jupyterhub.pid"),
        "JupyterHub.services": [{"name": "tests", "api_token": token}],
        "JupyterHub.load_roles": [{"name": "tests", "services": ["tests"],
                                   "scopes": ["admin:users", "admin:servers", "access:servers"]}],
        **(extra or {}),
    }
    lines = ["# written by tests/hub/hub.py: the deployed settings, then test-only overrides",
             "c = get_config()  # noqa: F821", f"load_subconfig({str(DOCS_CONFIG)!r})  # noqa: F821"]
    lines += [f"c.{key} = {value!r}" for key, value in overrides.items()]
    path = folder / "jupyterhub_config.py"
    path.write_text("\n".join(lines) + "\n")
    return path


class Hub:
    """A running JupyterHub on 127.0.0.1; drive it with :meth:`api`, reach a user's server with :meth:`user`."""

    def __init__(self, folder: Path, proc: subprocess.Popen[bytes], url: str, token: str) -> None:
        self.folder, self.proc, self.url, self.token = folder, proc, url, token
        self.log = folder / "jupyterhub.log"

    @classmethod
    @contextlib.contextmanager
    def running(cls, folder: Path, extra: dict[str, Any] | None = None) -> Iterator[Hub]:
        """Start a hub in `folder`; `extra` overrides more settings, e.g. ``{"Spawner.start_timeout": 300}``."""
        chp, why = proxy_command()
        if chp is None:
            raise HubError(why)
        folder.mkdir(parents=True, exist_ok=True)
        port, token = free_port(), secrets.token_hex(32)
        config = write_config(folder, port, token, chp, extra)
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])  # singleuser, infoview
        env.pop("INFOVIEW_WORKBOOK", None)  # the spawner sets it, from docs/jupyterhub_config.py
        with open(folder / "jupyterhub.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=folder, env=env,
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        hub = cls(folder, proc, f"http://127.0.0.1:{port}", token)
        try:
            hub.wait_up(timeout=90)
            yield hub
        finally:
            hub.stop()

    # -------------------------------------------------------------- the hub's REST API
    def request(self, method: str, url: str, body: Any = None, *, timeout: float = 60) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                text = r.read().decode()
        except urllib.error.HTTPError as e:
            raise HubError(f"{method} {url}: {e.code} {e.read().decode(errors='replace')[:2000]}") from e
        return json.loads(text) if text.strip() else None

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return self.request(method, f"{self.url}/hub/api/{path}", body)

    def wait_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise HubError("JupyterHub did not start:\n" + self.log.read_text()[-4000:])
            try:
                self.api("GET", "")  # the version: answers once the hub is up
                return
            except (HubError, OSError):
                time.sleep(0.3)

    def add_users(self, *names: str) -> None:
        self.api("POST", "users", {"usernames": list(names)})

    def spawn(self, *names: str, timeout: float = 300) -> dict[str, float]:
        """Ask the hub to start each user's server at once; wait until all are ready. Seconds each took."""
        start = time.monotonic()
        # all at once, as people arriving together do: the hub holds each request up to slow_spawn_timeout (10 s)
        with ThreadPoolExecutor(max(1, min(len(names), 20))) as pool:
            list(pool.map(lambda name: self.api("POST", f"users/{name}/server"), names))
        took: dict[str, float] = {}
        while len(took) < len(names):
            if time.monotonic() - start > timeout or self.proc.poll() is not None:
                raise HubError(f"servers not ready after {timeout} s: {sorted(set(names) - set(took))}\n"
                               + self.log.read_text()[-4000:])
            for name in set(names) - set(took):
                server = self.api("GET", f"users/{name}")["servers"].get("")
                if server and server["ready"]:
                    took[name] = time.monotonic() - start
            time.sleep(0.3)
        return took

    def user(self, name: str) -> UserServer:
        return UserServer(self, name)

    def pids(self) -> list[int]:
        """The hub's pid and every process it started: the proxy, the users' servers, their kernels."""
        import psutil

        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [self.proc.pid, *(p.pid for p in children)]

    def stop(self) -> None:
        """SIGTERM the hub by its pid (it stops the servers and the proxy), then SIGKILL any process it
        started that is still there (the servers run in sessions of their own), each by its pid."""
        started = self.pids()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for pid in started[1:]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


class UserServer:
    """One user's single-user server, reached through the hub's proxy with the tests' service token."""

    def __init__(self, hub: Hub, name: str) -> None:
        self.hub, self.name = hub, name
        self.base = f"{hub.url}/user/{name}"
        self.home = hub.folder / "home" / name
        self._kernel: str | None = None

    def api(self, method: str, path: str, body: Any = None, *, timeout: float = 60) -> Any:
        return self.hub.request(method, f"{self.base}/api/{path}", body, timeout=timeout)

    def put_file(self, path: str, text: str) -> None:
        """Upload a text file into the user's home (the contents API, as Lab's upload does)."""
        self.api("PUT", f"contents/{urllib.parse.quote(path)}", {"type": "file", "format": "text", "content": text})

    def get_file(self, path: str) -> str:
        return self.api("GET", f"contents/{urllib.parse.quote(path)}?type=file&format=text")["content"]

    def git_pull(self, repo: str, branch: str) -> list[str]:
        """What the nbgitpuller link's page does: call /git-pull/api and follow its event stream to the end."""
        query = urllib.parse.urlencode({"repo": repo, "branch": branch})
        req = urllib.request.Request(f"{self.base}/git-pull/api?{query}",
                                     headers={"Authorization": f"token {self.hub.token}"})
        events = []
        with urllib.request.urlopen(req, timeout=120) as stream:
            for raw in stream:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    events.append(json.loads(line[len("data: "):]))
        if not events or events[-1].get("phase") != "finished":
            raise HubError(f"git-pull for {self.name} did not finish: {events[-3:]}")
        return [e["output"] for e in events if "output" in e]

    def shell(self, command: str, *, timeout: float = 600) -> str:
        """Run a bash command line in the user's server (in a kernel there, from their home); return what
        a terminal shows: its standard output, then its standard error. HubError with both if it exits non-zero."""
        code = ("import subprocess, sys\n"
                f"r = subprocess.run({command!r}, shell=True, executable='/bin/bash', capture_output=True, text=True)\n"
                "print(r.stdout, end=''); print(r.stderr, end='', file=sys.stderr)\n"
                "print(f'exit {r.returncode}', file=sys.stderr) if r.returncode else None")
        out, err = self.execute(code, timeout=timeout)
        if err.rstrip().splitlines()[-1:] and err.rstrip().splitlines()[-1].startswith("exit "):
            raise HubError(f"{self.name}$ {command}\n{out}\n{err}")
        return out + err

    def execute(self, code: str, *, timeout: float = 600) -> tuple[str, str]:
        """Execute `code` in the user's kernel (started on first use) over its websocket; (stdout, stderr)."""
        import websocket  # websocket-client, a dependency of jupyter_server

        if self._kernel is None:
            self._kernel = self.api("POST", "kernels", {"name": "python3"})["id"]
        ws_url = self.base.replace("http://", "ws://", 1) + f"/api/kernels/{self._kernel}/channels"
        ws = websocket.create_connection(ws_url, header=[f"Authorization: token {self.hub.token}"], timeout=timeout)
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.name, "session": uuid.uuid4().hex,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        streams: dict[str, list[str]] = {"stdout": [], "stderr": []}
        try:
            while True:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream":
                    streams[content["name"]].append(content["text"])
                elif kind == "error":
                    raise HubError(f"{self.name}: {content['ename']}: {content['evalue']}")
                elif kind == "status" and content["execution_state"] == "idle":
                    return "".join(streams["stdout"]), "".join(streams["stderr"])
        finally:
            ws.close()
