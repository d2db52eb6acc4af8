"""ZIP archives from the user (LinkedIn's data download): checked for unsafe names and bombs, read in memory."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import PurePosixPath

from infoview_kit.base.errors import InputFormatError

#: Limits a ZIP must keep before any member is read (by the sizes its directory declares; the reader
#: then never yields more than declared, so the check holds for what is actually read).
MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 4 << 30  # 4 GiB uncompressed in all
MAX_MEMBER_BYTES = 1 << 30  # 1 GiB for one member
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MiB (text compresses 5-20x; bombs 1000x)
_RATIO_FLOOR = 1 << 20


def is_zip(path: str | os.PathLike[str]) -> bool:
    """Tell whether `path` is a file that starts like a ZIP archive."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def open_zip(path: str | os.PathLike[str]) -> zipfile.ZipFile:
    """Open a ZIP the user gave, after checking every member's name and declared size.

    Nothing is ever extracted to disk: read members with :func:`member_text` or ``ZipFile.open``.

    Raises
    ------
    InputFormatError
        The file is not a readable ZIP; a member's name is absolute or climbs out (``../``); or the archive
        looks like a ZIP bomb (too many members, too large, or compressed more than 200 to 1).
    """
    p = os.fspath(path)
    name = os.path.basename(p) or p
    try:
        archive = zipfile.ZipFile(p)
    except FileNotFoundError:
        raise InputFormatError(f"{p}: no such file; check the path", path=p) from None
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputFormatError(f"{name}: not a readable ZIP archive ({exc})", path=p) from None
    try:
        _check(archive, name, p)
    except InputFormatError:
        archive.close()
        raise
    return archive


def _check(archive: zipfile.ZipFile, name: str, path: str) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputFormatError(f"{name}: {len(infos)} entries (at most {MAX_MEMBERS}); refused as a possible ZIP "
                               "bomb", path=path)
    total = 0
    for info in infos:
        member = info.filename
        parts = PurePosixPath(member.replace("\\", "/")).parts
        if member.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise InputFormatError(f"{name}: entry {member!r} points outside the archive; refused (an unsafe "
                                   "ZIP; download the archive again from its source)", path=path)
        if info.file_size > MAX_MEMBER_BYTES or (
                info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise InputFormatError(f"{name}: entry {member!r} would unpack to {info.file_size:,} bytes from "
                                   f"{info.compress_size:,}; refused as a possible ZIP bomb", path=path)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise InputFormatError(f"{name}: would unpack to {total:,} bytes (at most {MAX_TOTAL_BYTES:,}); refused "
                               "as a possible ZIP bomb", path=path)


def find_member(archive: zipfile.ZipFile, basename: str) -> str | None:
    """The member whose file name is `basename` (case-insensitive), the shallowest first, or None."""
    wanted = basename.casefold()
    found = [i.filename for i in archive.infolist()
             if not i.is_dir() and PurePosixPath(i.filename).name.casefold() == wanted]
    return min(found, key=lambda m: (m.count("/"), m)) if found else None


def member_stream(archive: zipfile.ZipFile, member: str, encoding: str = "utf-8-sig") -> io.TextIOWrapper:
    """A text stream over one member, read from the archive as it goes (never extracted to disk)."""
    return io.TextIOWrapper(archive.open(member), encoding=encoding, errors="replace", newline="")


def member_bytes(path: str | os.PathLike[str], basename: str) -> bytes | None:
    """The bytes of the member called `basename` in the checked ZIP at `path`, or None if it has none."""
    with open_zip(path) as archive:
        member = find_member(archive, basename)
        return None if member is None else archive.read(member)
