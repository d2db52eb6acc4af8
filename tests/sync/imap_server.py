"""A real IMAP server for tests and benchmarks: Dovecot (Debian's ``dovecot-imapd``) on 127.0.0.1.

Adapted from ``shared/imap-testing``: Dovecot runs from its own config in a 0755 temporary folder (its own
users must reach the password file and the mail), listens on a free loopback port with plain-text login
(nothing but loopback can reach it), marks ``Sent`` as ``\\Sent`` (SPECIAL-USE) as real providers do, and is
stopped by the pid in its ``run/master.pid``. As root, mail users map to ``nobody`` (Dovecot refuses uid 0).
Each test gets its own user, so mailboxes never leak between tests.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

CONF = """protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/run
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=SHA512-CRYPT {d}/users
}}
userdb {{
  driver = passwd-file
  args = {d}/users
}}
"""
PASSWORD = "test-only-password"


@dataclass
class Server:
    """A running Dovecot: where it listens and its folder (for users and the log)."""

    host: str
    port: int
    folder: pathlib.Path
    hashed: str
    users: int = 0

    def new_user(self) -> str:
        """The name of a user with an empty mailbox, not given out before (all were made at start, so
        Dovecot never has to notice a change of its password file)."""
        self.users += 1
        if self.users > USERS:
            raise RuntimeError(f"the test server has only {USERS} users")
        return f"user{self.users}"


USERS = 40


def _write_users(folder: pathlib.Path, hashed: str) -> None:
    nobody = pwd.getpwnam("nobody")
    lines = []
    for n in range(1, USERS + 1):
        home = folder / "mail" / f"user{n}"
        home.mkdir(parents=True)
        shutil.chown(home, nobody.pw_uid, nobody.pw_gid)
        lines.append(f"user{n}:{hashed}:{nobody.pw_uid}:{nobody.pw_gid}::{home}\n")
    (folder / "users").write_text("".join(lines))

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing_reason() -> str | None:
    """Why no server can be started here (no dovecot, not root), or None."""
    if not shutil.which("dovecot"):
        return "dovecot is not installed (apt-get install dovecot-imapd)"
    if os.geteuid() != 0:
        return "the Dovecot test server runs as root (as CI does)"
    return None


@contextlib.contextmanager
def dovecot() -> Iterator[Server]:
    """Start Dovecot on a free loopback port; stop it by its own pid afterwards."""
    d = pathlib.Path(tempfile.mkdtemp(prefix="imap-"))
    os.chmod(d, 0o755)
    (d / "run").mkdir()
    (d / "mail").mkdir()
    os.chmod(d / "mail", 0o755)
    hashed = subprocess.run(["doveadm", "pw", "-s", "SHA512-CRYPT", "-p", PASSWORD], check=True,
                            capture_output=True, text=True).stdout.strip()
    _write_users(d, hashed)
    port = _free_port()
    (d / "dovecot.conf").write_text(CONF.format(d=d, port=port))
    subprocess.run(["dovecot", "-c", str(d / "dovecot.conf")], check=True)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield Server("127.0.0.1", port, d, hashed)
    finally:
        with contextlib.suppress(OSError, ValueError):
            os.kill(int((d / "run" / "master.pid").read_text()), signal.SIGTERM)
        shutil.rmtree(d, ignore_errors=True)
