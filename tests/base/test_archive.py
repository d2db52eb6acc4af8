"""User ZIPs: unsafe names and bombs refused from the directory alone; members found and read in memory."""

from __future__ import annotations

import zipfile

import pytest

from infoview_kit.base.archive import find_member, is_zip, member_bytes, open_zip
from infoview_kit.base.errors import InputFormatError


def _zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_members_are_found_by_name_the_shallowest_first(tmp_path):
    path = _zip(tmp_path / "a.zip", {"deep/x/Connections.csv": b"deep", "export/connections.CSV": b"top",
                                     "notes.txt": b"n"})
    assert is_zip(path) and not is_zip(tmp_path / "missing.zip")
    with open_zip(path) as archive:
        assert find_member(archive, "Connections.csv") == "export/connections.CSV"
        assert find_member(archive, "messages.csv") is None
    assert member_bytes(path, "Connections.csv") == b"top"


@pytest.mark.parametrize("name", ["../x.csv", "a/../../x.csv", "/etc/passwd", "\\\\server\\share\\x", "C:/x.csv"])
def test_names_that_leave_the_archive_are_refused(tmp_path, name):
    path = _zip(tmp_path / "bad.zip", {"ok.csv": b"x", name: b"x"})
    with pytest.raises(InputFormatError, match="outside the archive"):
        open_zip(path)


def test_too_many_members_or_too_much_compression_is_refused(tmp_path, monkeypatch):
    import infoview_kit.base.archive as archive_module

    path = _zip(tmp_path / "many.zip", {f"{n}.csv": b"x" for n in range(5)})
    monkeypatch.setattr(archive_module, "MAX_MEMBERS", 4)
    with pytest.raises(InputFormatError, match="ZIP bomb"):
        open_zip(path)
    dense = _zip(tmp_path / "dense.zip", {"messages.csv": b"a" * (3 << 20)})
    with pytest.raises(InputFormatError, match="ZIP bomb"):
        open_zip(dense)


def test_not_a_zip_is_a_clear_error(tmp_path):
    (tmp_path / "x.zip").write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(InputFormatError, match="not a readable ZIP"):
        open_zip(tmp_path / "x.zip")
    with pytest.raises(InputFormatError, match="no such file"):
        open_zip(tmp_path / "none.zip")
