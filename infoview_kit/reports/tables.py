"""Tables for people: chart data shown with its numbers formatted (percentages, not 0.666667)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler


def percent(value: Any) -> str:
    """A share as people read it: ``66.7%``, ``100%``; an em dash when there is none (NaN)."""
    try:
        share = float(value)
    except (TypeError, ValueError):
        return "—"
    if share != share:  # NaN: the first stage has no stage before it
        return "—"
    text = f"{share:.1%}"
    return text.replace(".0%", "%")


def funnel_table(funnel: pd.DataFrame) -> Styler:
    """Show :func:`charts.funnel_data` as a table: conversion and of_identified as percentages, no index.

    The data itself (and its CSV) keeps the fractions; only what is shown is formatted.
    """
    shares = [c for c in ("conversion", "of_identified") if c in funnel.columns]
    # a fixed id: the same data gives the same page (Styler would pick a random one)
    return funnel.style.set_uuid("funnel").format(dict.fromkeys(shares, percent)).hide(axis="index")
