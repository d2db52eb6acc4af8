"""Read vCard 2.1/3.0/4.0 files (Apple, Android, Outlook) into the same columns as the CSV exports."""

from __future__ import annotations

import quopri
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from infoview_kit.base.errors import InputFormatError
from infoview_kit.find.columns import _assemble, _Report

_VC_START = re.compile(r"\s*BEGIN[ \t]*:[ \t]*VCARD", re.IGNORECASE)


def _is_vcard(text: str) -> bool:
    return _VC_START.match(text) is not None


_VC_BEGIN = re.compile(r"[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)
_VC_END = re.compile(r"[ \t]*END[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)


def _split_cards(text: str, name: str, path: str, report: _Report) -> list[tuple[int, str]]:
    """Cut a vCard file into (line of BEGIN:VCARD, card text) pairs, joining QP soft line breaks."""
    cards: list[tuple[int, str]] = []
    start: int | None = None
    buf: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if _VC_BEGIN.fullmatch(line):
            if start is not None:
                raise InputFormatError(
                    f"{name}, line {start}: the vCard starting here has no END:VCARD before the next "
                    f"BEGIN:VCARD on line {i}; the file looks truncated or malformed", path=path, line=start)
            start, buf = i, ["BEGIN:VCARD"]
        elif _VC_END.fullmatch(line):
            if start is None:
                raise InputFormatError(f"{name}, line {i}: END:VCARD without a BEGIN:VCARD before it; "
                                       f"expected a vCard file", path=path, line=i)
            buf.append("END:VCARD")
            cards.append((start, "\r\n".join(buf) + "\r\n"))
            start, buf = None, []
        elif start is None:
            if line.strip():
                report.warn(i, "row", "text outside BEGIN:VCARD ... END:VCARD ignored")
        else:
            head = line.split(":", 1)[0].upper()
            if "QUOTED-PRINTABLE" in head and not line[:1].isspace() and ":" in line:
                # Android: "=" at the end of a line is a soft break; the value goes on at the next line.
                while line.endswith("=") and i < len(lines) and not _VC_END.fullmatch(lines[i]):
                    line = line[:-1] + lines[i]
                    i += 1
                line = _decode_qp_line(line)
            buf.append(_escape_commas(line))
    if start is not None:
        raise InputFormatError(
            f"{name}, line {start}: the vCard starting here has no END:VCARD; the file looks truncated",
            path=path, line=start)
    return cards


_QP_PARAM = re.compile(r";(?:ENCODING=)?QUOTED-PRINTABLE(?=[;:])", re.IGNORECASE)
_CHARSET_PARAM = re.compile(r";CHARSET=([^;:]*)(?=[;:])", re.IGNORECASE)


def _decode_qp_line(line: str) -> str:
    """Decode a QUOTED-PRINTABLE property (vCard 2.1) in place, using its CHARSET (default UTF-8).

    The decoded value is written back without the ENCODING/CHARSET parameters, line breaks as
    "\\n", so vobject sees a plain property. Undecodable bytes fall back to Windows-1252.
    """
    head, value = line.split(":", 1)
    charset = _CHARSET_PARAM.search(head)
    raw = quopri.decodestring(value.encode("utf-8"))
    text = None
    for enc in (charset.group(1).strip() if charset else "utf-8", "utf-8", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    assert text is not None  # latin-1 decodes anything
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    head = _CHARSET_PARAM.sub("", _QP_PARAM.sub("", head))
    return f"{head}:{text}"


_VC_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_VC_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


def _escape_commas(line: str) -> str:
    """Escape bare commas in a property value (not in its parameters).

    vobject reads text values as comma-separated lists and keeps only the first item, so
    ``TITLE:Sales, South-West`` (vCard 2.1, or a sloppy 3.0 writer) would lose its tail.
    """
    if line[:1] in (" ", "\t"):
        return _VC_UNESCAPED_COMMA.sub("\\,", line)  # a folded continuation: all value
    head, sep, value = line.partition(":")
    return head + sep + _VC_UNESCAPED_COMMA.sub("\\,", value) if sep else line


_VC_UNESCAPED_SEMICOLON = re.compile(r"(?<!\\);")


def _vc_text(value: Any) -> str:
    """Unescape a raw vCard text value (``\\,`` ``\\;`` ``\\:`` ``\\n``) and apply NFC."""
    if not isinstance(value, str):
        return ""
    text = _VC_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
    return unicodedata.normalize("NFC", text)


def _vc_parts(value: Any) -> list[str]:
    """Split a structured value (N, ORG) on unescaped semicolons, then unescape each part."""
    if not isinstance(value, str):
        return []
    return [_vc_text(part) for part in _VC_UNESCAPED_SEMICOLON.split(value)]


def _vc_pref(line: Any, order: int) -> tuple[int, int]:
    """Sort key: preferred addresses first (TYPE=pref, bare PREF in 2.1, PREF=n in 4.0), then file order."""
    params = {str(k).upper(): [str(v).lower() for v in vs] for k, vs in getattr(line, "params", {}).items()}
    singles = [str(v).upper() for v in getattr(line, "singletonparams", [])]
    rank = 100
    if "pref" in params.get("TYPE", []) or "PREF" in singles:
        rank = 1
    for v in params.get("PREF", []):
        if v.isdecimal():
            rank = min(rank, int(v))
    return rank, order


def _card_fields(card: Any) -> dict[str, Any]:
    """Pick what we need from one vobject card read with ``transform=False`` (raw values)."""
    first = last = full = company = position = role = ""
    company_card = False
    emails: list[tuple[tuple[int, int], str]] = []
    urls: list[str] = []
    for order, child in enumerate(card.getChildren()):
        key = str(getattr(child, "name", "")).upper()
        value = getattr(child, "value", "")
        if key == "N":
            parts = _vc_parts(value) + ["", ""]
            last, first = parts[0], parts[1]
        elif key == "FN":
            full = _vc_text(value)
        elif key == "EMAIL":
            emails.append((_vc_pref(child, order), _vc_text(value)))
        elif key == "ORG" and not company:
            company = (_vc_parts(value) or [""])[0]
        elif key == "TITLE" and not position:
            position = _vc_text(value)
        elif key == "ROLE" and not role:
            role = _vc_text(value)
        elif key in ("URL", "X-SOCIALPROFILE"):
            urls.append(_vc_text(value))
        elif key == "X-ABSHOWAS" and _vc_text(value).strip().upper() == "COMPANY":
            company_card = True  # Apple: a card for a company, not a person
    if company_card:
        first = last = full = ""
    emails.sort(key=lambda e: e[0])
    return {"first_name": first, "last_name": last, "name": full, "company": company,
            "position": position or role, "emails": [e for _, e in emails], "urls": urls}


def _read_vcard_text(text: str, name: str, path: str) -> pd.DataFrame:
    """Read every card of a vCard 2.1/3.0/4.0 file (vobject), then normalize like the CSV formats.

    A card vobject cannot parse is skipped (listed in the report with its line); if no card
    can be parsed at all the file is rejected.
    """
    import vobject  # imported here: only vCard files need it

    report = _Report("vcard")
    cards = _split_cards(text, name, path, report)
    if not cards:
        raise InputFormatError(f"{name}, line 1: no BEGIN:VCARD found; expected a vCard file", path=path,
                               line=1)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    failed: list[tuple[int, str]] = []
    for start, card_text in cards:
        try:
            card = next(vobject.readComponents(card_text, transform=False), None)
            if card is None:
                raise ValueError("empty card")
            fields = _card_fields(card)
        except Exception as exc:  # vobject raises ParseError, but also ValueError, TypeError, ...
            failed.append((start, f"{type(exc).__name__}: {exc}"[:200]))
            continue
        rows.append(fields)
        lines.append(start)
    if not rows:
        line, why = failed[0]
        raise InputFormatError(f"{name}, line {line}: malformed vCard ({why}); expected a vCard 2.1, 3.0 "
                               f"or 4.0 file", path=path, line=line)
    for line, why in failed:
        report.rows_read += 1
        report.skip(line, f"malformed vCard, not readable ({why})")
    n = len(rows)
    n_email = max(len(r["emails"]) for r in rows)
    n_url = max(len(r["urls"]) for r in rows)

    def column(key: str) -> pd.Series:
        return pd.Series([r[key] for r in rows], dtype=object)

    fields_map: dict[str, list[pd.Series]] = {
        k: [column(k)] for k in ("first_name", "last_name", "name", "company", "position")}
    fields_map["email"] = [pd.Series([(r["emails"] + [""] * n_email)[j] for r in rows], dtype=object)
                           for j in range(n_email)]
    fields_map["profile_url"] = [pd.Series([(r["urls"] + [""] * n_url)[j] for r in rows], dtype=object)
                                 for j in range(n_url)]
    assert n == len(lines)
    return _assemble(fields_map, np.asarray(lines, dtype=np.int64), "vcard", report, url_linkedin_only=True)
