"""Fixtures of the sync tests: a real Dovecot IMAP server on 127.0.0.1 (skipped without Dovecot, except in CI)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.sync.imap_server import PASSWORD, Server, dovecot, missing_reason


@pytest.fixture(scope="session")
def imap_server() -> Iterator[Server]:
    """One Dovecot for the session; each test takes its own user (see ``imap_account``)."""
    reason = missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with dovecot() as server:
        yield server


@pytest.fixture
def imap_account(imap_server: Server):
    """A fresh, empty IMAP account on the test server, as an ``ik.sync.Imap`` (plain IMAP: loopback only)."""
    from infoview_kit.sync.imap import Imap

    return Imap(imap_server.host, imap_server.new_user(), port=imap_server.port, ssl=False, password=PASSWORD)
