"""The read model follow-ups, charts and cohort share: a workbook's tables read once, and the day they are judged by."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Protocol, TypeGuard, TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from infoview_kit.base.paths import resolve_today

__all__ = ["InvolvedSnapshot", "LeanSnapshot", "Snapshot", "Store", "Tables", "context", "is_store", "local_days",
           "meetings_scheduled", "snapshot", "utc_moments"]

T = TypeVar("T")


class Tables(Protocol):
    """What the follow-up and chart functions read: a workbook (:class:`Store`) or a :class:`Snapshot`."""

    def profile(self) -> dict[str, Any]: ...
    def contacts(self) -> pd.DataFrame: ...
    def events(self) -> pd.DataFrame: ...
    def followups(self) -> pd.DataFrame: ...
    def meetings(self) -> pd.DataFrame: ...
    def messages(self) -> pd.DataFrame: ...
    def interactions(self) -> pd.DataFrame: ...


class Store(Protocol):
    """The reads of the store (:class:`infoview_kit.store.Store`) a snapshot is taken from."""

    def profile(self) -> dict[str, Any]: ...
    def contacts(self, *, involved_only: bool = False) -> pd.DataFrame: ...
    def contact(self, contact_id: int) -> dict[str, Any]: ...
    def events(self, *, contact_id: int | None = None, kinds: Sequence[str] | None = None) -> pd.DataFrame: ...
    def followups(self) -> pd.DataFrame: ...
    def meetings(self) -> pd.DataFrame: ...
    def messages(self) -> pd.DataFrame: ...
    def interactions(self) -> pd.DataFrame: ...
    def due_inputs(self, closed_since: dt.datetime | str) -> dict[str, pd.DataFrame]: ...


class Snapshot:
    """A workbook's tables, each read once on first use, for several views in a row.

    Pass it wherever a Workbook is read (``due(snap, today)``, ``charts.funnel_data(snap)``) so
    a report reads every table once. It does not see changes made after a table was read:
    take a new one after writing. Callers must not modify the frames it returns.
    """

    def __init__(self, wb: Store) -> None:
        self.wb = wb
        self._cache: dict[Any, Any] = {}

    def _get(self, name: str) -> Any:
        if name not in self._cache:
            self._cache[name] = getattr(self.wb, name)()
        return self._cache[name]

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return what `compute` returns, computed once per snapshot and `key` (a plan, the replies of a day)."""
        if key not in self._cache:
            self._cache[key] = compute()
        value: T = self._cache[key]
        return value

    def profile(self) -> dict[str, Any]:
        """The profile (see :meth:`Workbook.profile`)."""
        return dict(self._get("profile"))

    def contacts(self) -> pd.DataFrame:
        """Every contact (see :meth:`Workbook.contacts`)."""
        return self._get("contacts")

    def contact(self, contact_id: int) -> dict[str, Any]:
        """One contact with every stored field (not cached)."""
        return self.wb.contact(contact_id)

    def events(self) -> pd.DataFrame:
        """The activity log (see :meth:`Workbook.events`)."""
        return self._get("events")

    def followups(self) -> pd.DataFrame:
        """Every stored follow-up (see :meth:`Workbook.followups`)."""
        return self._get("followups")

    def meetings(self) -> pd.DataFrame:
        """Every meeting (see :meth:`Workbook.meetings`)."""
        return self._get("meetings")

    def messages(self) -> pd.DataFrame:
        """Every message (see :meth:`Workbook.messages`)."""
        return self._get("messages")

    def interactions(self) -> pd.DataFrame:
        """The exchanges a sync of the mailbox recorded (see :meth:`Workbook.interactions`)."""
        return self._get("interactions")

    def scheduled(self) -> pd.DataFrame:
        """The ``meeting_scheduled`` events (contact_id, at): a narrow read by kind unless every event is read."""
        if "events" in self._cache:
            events = self._cache["events"]
            return events[(events["kind"] == "meeting_scheduled").to_numpy(dtype=bool)]
        return self.memo("scheduled", lambda: self.wb.events(kinds=["meeting_scheduled"]))


class InvolvedSnapshot(Snapshot):
    """A snapshot that reads only the contacts follow-ups can concern: people with a message, a
    meeting, a follow-up or a referral (what ``due`` needs, without the other connections)."""

    def contacts(self) -> pd.DataFrame:
        """The contacts involved in any follow-up (see :meth:`Workbook.contacts`)."""
        return self.memo("contacts", lambda: self.wb.contacts(involved_only=True))


class LeanSnapshot(Snapshot):
    """A snapshot of only the rows and columns the open follow-ups come from
    (:meth:`Workbook.due_inputs`): what ``due`` reads from a Workbook. Not for the history."""

    def __init__(self, wb: Store, today: dt.date | str | None) -> None:
        super().__init__(wb)
        self._today = today

    def _input(self, name: str) -> pd.DataFrame:
        inputs = self.memo("inputs", lambda: self.wb.due_inputs(context(self, self._today)[3].to_pydatetime()))
        frame: pd.DataFrame = inputs[name]
        return frame

    def contacts(self) -> pd.DataFrame:
        """The people follow-ups can concern, with the columns due reads."""
        return self._input("contacts")

    def followups(self) -> pd.DataFrame:
        """Stored follow-ups, less the no-reply routine closed before the end of `today`."""
        return self._input("followups")

    def meetings(self) -> pd.DataFrame:
        """Every meeting, with the columns due reads."""
        return self._input("meetings")

    def messages(self) -> pd.DataFrame:
        """Sent messages, with the columns due reads."""
        return self._input("messages")

    def interactions(self) -> pd.DataFrame:
        """The exchanges a sync of the mailbox recorded."""
        return self._input("interactions")

    def scheduled(self) -> pd.DataFrame:
        """The ``meeting_scheduled`` events before the end of `today` (contact_id, at)."""
        return self._input("scheduled")


def snapshot(wb: Store | Snapshot) -> Snapshot:
    """Return a :class:`Snapshot` of `wb` (or `wb` itself when it is one already)."""
    return wb if isinstance(wb, Snapshot) else Snapshot(wb)


def is_store(t: object) -> TypeGuard[Store]:
    """Tell whether `t` is the store itself (it reads the lean inputs of ``due``), not a snapshot or a stand-in."""
    return not isinstance(t, Snapshot) and callable(getattr(t, "due_inputs", None))


def meetings_scheduled(t: Tables) -> pd.DataFrame:
    """The ``meeting_scheduled`` events (contact_id, at), read by kind from a snapshot or a store."""
    if isinstance(t, Snapshot):
        return t.scheduled()
    if is_store(t):  # the store itself reads them by kind
        return t.events(kinds=["meeting_scheduled"])
    events = t.events()
    return events[(events["kind"] == "meeting_scheduled").to_numpy(dtype=bool)]


def context(t: Tables, today: dt.date | str | None) -> tuple[str, str, dt.date, pd.Timestamp]:
    """Return the user's time zone and country, the date meant by `today`, and the end of that day (UTC).

    `today` None or empty means the real today in the profile's time zone.
    """
    profile = t.profile()
    tz = profile.get("timezone") or "UTC"
    country = profile.get("country") or "US"
    if today is None or (isinstance(today, str) and not today.strip()):
        day = dt.datetime.now(ZoneInfo(tz)).date()
    else:
        day = resolve_today(today)
    cut = pd.Timestamp(day + dt.timedelta(days=1)).tz_localize(tz).tz_convert("UTC")
    return tz, country, day, cut


def utc_moments(values: pd.Series | np.ndarray) -> np.ndarray:
    """Return moments as naive UTC datetime64[ns] (NaT stays NaT); naive ones count as UTC."""
    if getattr(values, "dtype", None) is not None and values.dtype.kind == "M":
        # datetimes already (tz-aware ones give their UTC time): no parsing, which costs far more on
        # the small tables of a typical workbook than the work itself
        return np.asarray(values.to_numpy(dtype="datetime64[ns]") if hasattr(values, "to_numpy") else values,
                          dtype="datetime64[ns]")
    return pd.to_datetime(values, utc=True).to_numpy(dtype="datetime64[ns]")


def local_days(moments: pd.Series, tz: str) -> np.ndarray:
    """Return the local calendar date of each (UTC) moment, as datetime64[D] (NaT stays NaT)."""
    local = pd.DatetimeIndex(utc_moments(moments)).tz_localize("UTC").tz_convert(tz).tz_localize(None)
    return local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
