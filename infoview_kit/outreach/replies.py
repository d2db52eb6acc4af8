"""Replies: how quickly a first email was answered, counted in business days of the user's calendar."""

from __future__ import annotations

from datetime import date, datetime

from infoview_kit.base import bizdays as _bizdays
from infoview_kit.base.errors import InputFormatError

__all__ = ["REPLY_CLASSES", "classify_reply"]

#: The values :func:`classify_reply` returns.
REPLY_CLASSES = ("quick", "on_time", "late", "waiting", "none")


def classify_reply(sent_at: datetime, replied_at: datetime | None, today: date, *,
                   country: str, tz: str) -> str:
    """Classify how a first email was answered, in business days of the user's calendar.

    Day N is the N-th business day after the local date the email was sent (see
    :func:`infoview_kit.base.bizdays.add_business_days`); dates are compared in ``tz``.

    - "quick": replied before (the local date of) business day 3;
    - "on_time": replied on business day 3 to 7;
    - "late": replied after business day 7 (a weekend reply right after day 7 is late);
    - "waiting": no reply yet and ``today`` is not after business day 7;
    - "none": no reply and ``today`` is after business day 7.

    Parameters
    ----------
    sent_at
        When the email was sent (aware, or naive in ``tz``).
    replied_at
        When they replied, or None.
    today
        The local date to judge "waiting" against (a datetime is converted to ``tz``).
    country
        ISO 3166-1 alpha-2 code ("US", "GB", "DE"), optionally with a subdivision.
    tz
        IANA time zone of the user.

    Returns
    -------
    str
        One of :data:`REPLY_CLASSES`.

    Raises
    ------
    InputFormatError
        Unknown country or time zone, or a reply before the email was sent.
    """
    day3 = _bizdays.add_business_days(sent_at, 3, country=country, tz=tz).date()
    day7 = _bizdays.add_business_days(sent_at, 7, country=country, tz=tz).date()
    if replied_at is None:
        if isinstance(today, datetime):
            today = _bizdays.to_local(today, tz=tz).date()
        return "none" if today > day7 else "waiting"
    sent_local = _bizdays.to_local(sent_at, tz=tz)
    replied_local = _bizdays.to_local(replied_at, tz=tz)
    if replied_local < sent_local:
        raise InputFormatError(f"replied_at ({replied_at.isoformat()}) is before sent_at "
                               f"({sent_at.isoformat()}); check the two dates.")
    reply_day = replied_local.date()
    if reply_day < day3:
        return "quick"
    return "on_time" if reply_day <= day7 else "late"
