"""The error tree: every error infoview_kit raises on purpose derives from InfoviewError."""

from __future__ import annotations

import os


class InfoviewError(Exception):
    """Base of every error the package raises on purpose.

    Parameters
    ----------
    message
        What went wrong, where, and how to fix it.
    path
        The file concerned, if any.
    line
        The 1-based line number in ``path``, if it applies.
    """

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None,
                 line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        self.line = line

    def __reduce__(self):  # keep path/line through pickling (multiprocessing, papermill)
        return (_rebuild, (type(self), self.message, self.path, self.line))

    def __str__(self) -> str:
        return self.message


def _rebuild(cls, message, path, line):
    return cls(message, path=path, line=line)


class InputFormatError(InfoviewError, ValueError):
    """A file or value given by the user is not in the expected format."""


class InvalidFieldError(InputFormatError):
    """A value typed into a field (an email address, a date, a time zone, a link) is not of its kind.

    ``field`` names the field; the message says what was expected (see :mod:`infoview_kit.base.validate`).
    """

    def __init__(self, message: str, *, field: str | None = None, path: str | os.PathLike[str] | None = None,
                 line: int | None = None) -> None:
        super().__init__(message, path=path, line=line)
        self.field = field

    def __reduce__(self):  # keep the field too
        return (_rebuild_field, (type(self), self.message, self.path, self.line, self.field))


def _rebuild_field(cls, message, path, line, field):
    return cls(message, path=path, line=line, field=field)


class WorkbookError(InfoviewError):
    """The workbook file cannot be opened, is not a workbook, or is newer than this code."""


class WorkbookBusyError(WorkbookError):
    """Another process held the workbook locked for longer than the busy timeout."""


class NotFoundError(InfoviewError, LookupError):
    """A contact, meeting, message or other record does not exist in the workbook."""


class NotebookRunError(InfoviewError):
    """A notebook failed while running under papermill."""


class SummaryFormatError(InputFormatError):
    """A progress summary (``infoview share-progress``) is not JSON of the expected shape."""


class ProfileExistsError(InfoviewError):
    """``infoview init`` would overwrite a workbook's profile, and was not asked to (``--force``)."""


class PortInUseError(InfoviewError):
    """``infoview app`` cannot listen on the port asked for: something else is using it."""


class SetupCancelledError(InfoviewError):
    """``infoview init`` was stopped (Ctrl-D, end of input) before it wrote anything."""
