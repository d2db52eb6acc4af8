"""Email templates: the built-in ones and the user's own, their fields, and filling them into a draft."""

from __future__ import annotations

import functools
import logging
import os
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from infoview_kit.base.errors import InputFormatError, NotFoundError
from infoview_kit.base.text import is_missing

__all__ = [
    "BUILTIN_KINDS",
    "DEFAULT_TEMPLATE",
    "FIELD_HELP",
    "SUBJECT_PREFIX",
    "Draft",
    "attained_phrase",
    "fill",
    "list_templates",
    "one_line",
    "template_fields",
]

logger = logging.getLogger("infoview_kit")

#: The template used when none is chosen: the seed article's first email.
DEFAULT_TEMPLATE = "seed"

#: Built-in templates in display order, with their kind. "outreach" is a first email to
#: someone new (checked with the "classic" or "strict" rules); "followup" is any later email
#: to someone you have written to or met (checked with the "followup" rules). A user
#: template that adds a new name has kind "custom" (checked like an outreach email).
BUILTIN_KINDS: dict[str, str] = {
    "seed": "outreach",
    "short": "outreach",
    "recruiter": "outreach",
    "intro": "outreach",
    "nudge": "followup",
    "thank_you": "followup",
    "update": "followup",
    "referral_ask": "followup",
    "checkin": "followup",
}

#: What each built-in field expects, phrased to fit the sentences of the built-in templates.
#: Useful as widget placeholders and tooltips.
FIELD_HELP: Mapping[str, str] = {
    "their_name": 'how you address them in the greeting: "Sam" or "Dr. Okafor"',
    "their_employer": 'their employer: "Northwind Foods"',
    "their_accomplishment": 'what they have attained, from your research, as a noun phrase after "you have '
                            'attained": "a …", "the …"; record it in step 2 and it is filled in',
    "my_name": 'your full name: "Ana Ruiz"',
    "my_status": 'who you are now, with its article: "a recent Data Science graduate of Lakeside '
                 'University" or "an analyst working at Northwind Foods"',
    "my_change": 'the change you want, after "I would like to": "move into supply-chain analytics"',
    "field": 'the field or industry that interests you: "supply-chain analytics"',
    "common_ground": 'what you share, after "I noticed that": "we both studied statistics at '
                     'Lakeside University"',
    "referrer_name": 'the mutual contact who suggested you write: "Priya Shah"',
    "referral_target": 'who you would like to meet next: "someone who works on demand forecasting"',
    "advice": 'their advice, as a verb phrase: "talk to two forecasting teams before choosing a course"',
    "next_step": 'what you will do next: "signing up for the APICS course in March"',
    "progress_items": "what you did since, one item a line (a list is turned into '- ' bullets)",
    "shared_item": 'the useful thing you pass on: "this article on cold-chain analytics (link)"',
    "shared_reason": 'why it made you think of them: "you mentioned cold-chain costs when we spoke"',
    "signature": 'your sign-off block: "Ana Ruiz" (may span several lines)',
}

# Accomplishments as research records them, and the noun phrase that follows "you have attained" for each.
_NOUN_START = frozenset({
    "a", "an", "the", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "their", "his",
    "her", "its", "over", "more", "nearly", "almost", "several", "many", "multiple", "numerous", "first", "top"})
_PASSIVE = frozenset({
    "named", "awarded", "elected", "promoted", "selected", "appointed", "invited", "recognized", "recognised",
    "honored", "honoured", "chosen", "shortlisted", "featured", "listed", "nominated", "granted", "certified",
    "admitted", "accepted", "hired", "given", "ranked", "funded", "profiled", "quoted", "cited"})
# Irregular past tenses an accomplishment starts with, and their past participles.
_IRREGULAR = {
    "led": "led", "grew": "grown", "won": "won", "built": "built", "ran": "run", "wrote": "written", "made": "made",
    "took": "taken", "began": "begun", "brought": "brought", "drove": "driven", "oversaw": "overseen",
    "taught": "taught", "became": "become", "sold": "sold", "set": "set", "cut": "cut", "kept": "kept",
    "held": "held", "gave": "given", "broke": "broken", "spent": "spent", "sent": "sent", "spoke": "spoken",
    "rose": "risen", "co-led": "co-led", "co-wrote": "co-written", "co-founded": "co-founded", "raised": "raised"}
_AUXILIARY = {"was": "passive", "were": "passive", "has": "perfect", "have": "perfect", "had": "perfect"}

_TEMPLATE_DIR = "data/templates"
#: How a template (and text given to :func:`checks.check`) starts: "Subject: ...".
SUBJECT_PREFIX = "subject:"


@dataclass(frozen=True)
class _Template:
    name: str
    kind: str
    origin: str
    path: str
    subject: string.Template
    body: string.Template
    fields: tuple[str, ...]


def _placeholder_errors(text: str, path: str, first_line: int) -> None:
    """Raise InputFormatError at the first invalid ``$`` placeholder of ``text``."""
    for match in string.Template.pattern.finditer(text):
        if match.group("invalid") is None:
            continue
        start = match.start()  # the "$"
        line = first_line + text.count("\n", 0, start)
        snippet = text[start:].split("\n", 1)[0]
        closing = snippet.find("}")
        snippet = snippet[:closing + 1] if 0 < closing < 40 else snippet[:12]
        raise InputFormatError(
            f"{path}, line {line}: invalid placeholder {snippet!r}; write ${{field_name}} (letters, "
            "digits and underscores) for a field, or $$ for a literal dollar sign.",
            path=path, line=line,
        )


def _parse_template(text: str, *, name: str, path: str, origin: str) -> _Template:
    """Parse ``Subject: ...``, a blank line, then the body; check every placeholder."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].lower().startswith(SUBJECT_PREFIX):
        raise InputFormatError(
            f"{path}, line 1: a template starts with 'Subject: ...', then a blank line, then the "
            "body; the first line is not a Subject line.", path=path, line=1,
        )
    subject = lines[0][len(SUBJECT_PREFIX):].strip()
    if not subject:
        raise InputFormatError(f"{path}, line 1: the Subject line is empty; write a short subject.",
                               path=path, line=1)
    if len(lines) < 2 or lines[1].strip():
        raise InputFormatError(
            f"{path}, line 2: expected a blank line between the Subject line and the body.",
            path=path, line=2,
        )
    body_lines = [line.rstrip() for line in lines[2:]]
    if not any(body_lines):
        raise InputFormatError(f"{path}, line 3: the template has no body after the Subject line.",
                               path=path, line=3)
    leading_blank = next(i for i, line in enumerate(body_lines) if line)
    body = "\n".join(body_lines).strip("\n")
    _placeholder_errors(subject, path, 1)
    _placeholder_errors(body, path, 3 + leading_blank)  # report lines as the file numbers them
    subject_t, body_t = string.Template(subject), string.Template(body)
    fields = tuple(dict.fromkeys([*subject_t.get_identifiers(), *body_t.get_identifiers()]))
    kind = BUILTIN_KINDS.get(name, "custom")
    return _Template(name, kind, origin, path, subject_t, body_t, fields)


@functools.cache
def _builtin_templates() -> dict[str, _Template]:
    root = resources.files("infoview_kit").joinpath(_TEMPLATE_DIR)
    found: dict[str, _Template] = {}
    for entry in root.iterdir():
        if entry.name.endswith(".txt") and not entry.name.startswith("."):
            name = entry.name[:-4]
            found[name] = _parse_template(entry.read_text(encoding="utf-8"), name=name,
                                          path=f"infoview_kit/{_TEMPLATE_DIR}/{entry.name}",
                                          origin="built-in")
    ordered = {name: found.pop(name) for name in BUILTIN_KINDS if name in found}
    return ordered | dict(sorted(found.items()))


def _user_templates(user_dir: str | os.PathLike[str] | None) -> dict[str, _Template]:
    if user_dir is None:
        return {}
    folder = Path(user_dir)
    if not folder.exists():
        return {}
    if not folder.is_dir():
        raise InputFormatError(f"{folder}: expected a folder of NAME.txt email templates, found a file.",
                               path=folder)
    found: dict[str, _Template] = {}
    for file in sorted(folder.glob("*.txt")):
        if file.name.startswith(".") or not file.is_file():
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputFormatError(f"{file}: not UTF-8 text; save the template as UTF-8.",
                                   path=file) from exc
        found[file.stem] = _parse_template(text, name=file.stem, path=str(file), origin="user")
    return found


def _templates(user_dir: str | os.PathLike[str] | None) -> dict[str, _Template]:
    merged = dict(_builtin_templates())
    for name, tpl in _user_templates(user_dir).items():
        if name in merged:
            logger.debug("user template %s overrides the built-in one", tpl.path)
        merged[name] = tpl
    return merged


def _get_template(name: str, user_dir: str | os.PathLike[str] | None) -> _Template:
    templates = _templates(user_dir)
    try:
        return templates[name]
    except KeyError:
        where = f"; add {name}.txt to {os.fspath(user_dir)}" if user_dir is not None else ""
        raise NotFoundError(
            f"No email template named {name!r}; available: {', '.join(templates)}{where}."
        ) from None


def list_templates(user_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """List the email templates: the built-in ones, overridden or extended by the user's.

    Parameters
    ----------
    user_dir
        Folder of the user's own templates (``NAME.txt``, for example
        ``data/private/templates``). A file with a built-in name replaces that template; any
        other name adds one. A folder that does not exist means "no user templates".

    Returns
    -------
    pandas.DataFrame
        One row per template, built-in order first, then added ones by name. Columns:

        - ``name`` (str): what to pass to :func:`fill`.
        - ``kind`` (str): "outreach" (first email), "followup" (later emails) or "custom".
        - ``fields`` (tuple of str): the ``${field}`` names, in order of first use.
        - ``origin`` (str): "built-in" or "user".
        - ``subject`` (str): the subject line, placeholders unfilled.

    Raises
    ------
    InputFormatError
        A user template is malformed (the message names the file and line).
    """
    rows = [{"name": t.name, "kind": t.kind, "fields": t.fields, "origin": t.origin,
             "subject": t.subject.template} for t in _templates(user_dir).values()]
    return pd.DataFrame(rows, columns=["name", "kind", "fields", "origin", "subject"])


def template_fields(name: str, user_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Return the field names a template uses, in order of first use (subject, then body).

    Parameters
    ----------
    name
        Template name, e.g. "short".
    user_dir
        Folder of the user's own templates, as in :func:`list_templates`.

    Returns
    -------
    list of str
        Field names, each once.

    Raises
    ------
    NotFoundError
        No template of that name.
    InputFormatError
        A user template is malformed.
    """
    return list(_get_template(name, user_dir).fields)


# --------------------------------------------------------------------------- fill



@dataclass(frozen=True)
class Draft:
    """A filled template, ready to check, copy or turn into an ``.eml`` file.

    Attributes
    ----------
    template
        Name of the template it came from.
    subject
        The subject line (one line).
    body
        The body text, lines separated by ``\\n``.
    missing
        Fields that had no value; each shows as ``[field]`` in the text.
    """

    template: str
    subject: str
    body: str
    missing: tuple[str, ...] = ()

    @property
    def has_blanks(self) -> bool:
        """True when some field had no value and still shows as ``[field]``."""
        return bool(self.missing)


def _field_text(value: object) -> str | None:
    """A field value as text, or None when it is missing or blank; a list becomes one ``- item`` line each."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        return text or None
    if isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        items = [t for t in (_field_text(v) for v in value) if t]
        return "\n".join(f"- {t}" for t in items) or None
    return None if is_missing(value) else _field_text(str(value))


def attained_phrase(accomplishment: object) -> str | None:
    """Return an accomplishment as the noun phrase the method's "Given that you have attained ___" takes, or
    None when its shape is not one that can be turned into one reliably.

    - A noun phrase stays as it is: "a leadership role in sustainable sourcing", "3 patents".
    - A past-tense verb phrase ("Led site start-up for a 120-patient Phase III asthma trial", "She grew
      the team to 12", "Has published three papers") becomes "the experience of having led site start-up …".
    - A passive one ("Named one of 40 under 40", "Was elected chair") becomes "the distinction of having been
      named one of 40 under 40".
    - A gerund ("Leading the oncology trials unit") becomes "the experience of leading the oncology trials unit".
    - Anything else (a first word that is none of these, such as "Fulbright scholarship" or "Drives the …")
      gives None: the blank stays open, with a hint that quotes the research (see :func:`drafting.blank_hints`).
    """
    text = " ".join(str(accomplishment or "").split()).rstrip(".;")
    words = text.split(" ")
    if not text:
        return None
    if words[0].lower() in ("she", "he", "they") and len(words) > 1:
        words = words[1:]  # "She led …" reads as "led …"
    first, rest = words[0].lower().strip(",:"), " ".join(words[1:])
    shape = _AUXILIARY.get(first)
    if shape and rest:
        first, rest = rest.split(" ")[0].lower(), " ".join(rest.split(" ")[1:])
    tail = f" {rest}" if rest else ""
    if shape != "passive" and (first in _NOUN_START or first[:1].isdigit() or first[:1] in "$£€#"):
        return text[:1].lower() + text[1:] if first in _NOUN_START else text
    if shape == "passive" or first in _PASSIVE:
        return f"the distinction of having been {first}{tail}"
    if first in _IRREGULAR:
        return f"the experience of having {_IRREGULAR[first]}{tail}"
    if first.endswith("ed") and len(first) > 4 and not first.endswith("eed") and first.isalpha():
        return f"the experience of having {first}{tail}"
    if first.endswith("ing") and len(first) > 5 and first.isalpha() and shape is None:
        return f"the experience of {first}{tail}"
    return None


def one_line(text: str) -> str:
    """Collapse line breaks, control characters and runs of spaces into single spaces."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" else ch
                      for ch in text)
    return " ".join(cleaned.split())


def fill(name: str, values: Mapping[str, object], *,
         user_dir: str | os.PathLike[str] | None = None) -> Draft:
    """Fill a template with values; a missing field stays visible as ``[field]``.

    Values that are None, NA or blank count as missing. A list or tuple value becomes one
    ``- item`` line per element (handy for ``progress_items``). Values go into the text as
    they are: nothing in a value is interpreted, so a ``$`` or ``${x}`` in a value stays
    literal. Keys the template does not use are ignored, so a whole profile can be passed.

    Parameters
    ----------
    name
        Template name (see :func:`list_templates`), e.g. "short".
    values
        Field name -> value.
    user_dir
        Folder of the user's own templates, as in :func:`list_templates`.

    Returns
    -------
    Draft
        Subject and body, and the names of the missing fields in order of first use.

    Raises
    ------
    NotFoundError
        No template of that name.
    InputFormatError
        A user template is malformed.
    """
    tpl = _get_template(name, user_dir)
    body_values: dict[str, str] = {}
    missing: list[str] = []
    for field in tpl.fields:
        text = _field_text(values.get(field))
        if text is None:
            missing.append(field)
            text = f"[{field}]"
        body_values[field] = text
    subject_values = {k: one_line(v) for k, v in body_values.items()}
    subject = one_line(tpl.subject.substitute(subject_values))
    body = tpl.body.substitute(body_values)
    return Draft(template=tpl.name, subject=subject, body=body, missing=tuple(missing))
