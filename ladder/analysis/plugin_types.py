"""What a plugin registers for analysts: summaries (``register_summaries``) and exporters
(``register_exporters``), and the one check of an export's options.

No pandas here: every app and every ``ladder`` command registers the summaries and exporters, few run
one, and pandas with numpy takes longer to import than the rest of the app. The tables' disclosure
control (``ladder.analysis.disclosure``) is imported when a summary's table is protected.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..text import Text, text

if TYPE_CHECKING:
    import pandas as pd

    from .disclosure import Layout


@dataclass(frozen=True)
class Summary:
    """``fn(frame, survey) -> DataFrame``; ``surveys`` limits it to some slugs (empty: every survey).

    What the table publishes, for disclosure control (``ladder.analysis.disclosure``): ``counts``
    are the columns counting people (or computed from such counts, like Borda points); ``derived``
    maps shares and means to the count they come from; ``groups`` name a group (its cells add up to
    its size ``size``), ``categories`` a category, ``split`` separate tables within the table. A
    summary that declares no ``counts`` has every numeric column protected as a count.
    """

    name: str
    title: Text
    fn: Callable[[Any, Any], Any]
    surveys: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    derived: Mapping[str, str] = field(default_factory=dict)
    groups: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    split: tuple[str, ...] = ()
    size: str | None = None

    def applies_to(self, survey) -> bool:
        return not self.surveys or survey.slug in self.surveys

    def layout(self, table: pd.DataFrame) -> Layout:
        """The table's layout: as declared, else read off the table (every numeric column a count)."""
        from .disclosure import Layout, layout_of
        if not self.counts:
            return layout_of(table)
        declared = {k: v for k, v in (("groups", self.groups), ("categories", self.categories),
                                      ("split", self.split), ("size", self.size)) if v}
        attached = table.attrs.get("disclosure")
        if isinstance(attached, Layout) and attached.people:
            # a weighted table says which columns hold the people behind its weighted counts
            declared["people"] = dict(attached.people)
        return layout_of(table, counts=self.counts, derived=dict(self.derived), **declared)

    def protected(self, table: pd.DataFrame, threshold: int, protection: float | None = None) -> pd.DataFrame:
        """``table`` fit to publish (see ``ladder.analysis.summaries.suppress``); threshold 0 returns it
        unchanged; ``protection`` defaults to ``ladder.analysis.disclosure.PROTECTION``."""
        if not threshold:
            return table
        from .disclosure import PROTECTION, protect
        return protect(table, self.layout(table), threshold, PROTECTION if protection is None else protection)


def make_summary(name: str, title, fn, surveys=(), **disclosure) -> Summary:
    """A :class:`Summary`; ``disclosure`` takes its ``counts``, ``derived``, ``groups``, ``categories``,
    ``split`` and ``size``."""
    fields = {k: (tuple(v) if k not in ("derived", "size") else v) for k, v in disclosure.items()}
    return Summary(name=name, title=text(title), fn=fn, surveys=tuple(surveys), **fields)


@dataclass(frozen=True)
class Exporter:
    """``write(frame, survey, fh, **options)`` writes the frame to the binary file ``fh``; ``options``
    names the keyword options it takes (a plugin's exporter may take none)."""

    name: str
    extension: str
    mimetype: str
    write: Callable[..., None]
    options: tuple[str, ...] = ()


DIALECTS = ("default", "excel-nl")


class ExportError(ValueError):
    """An export that cannot be made: ``option`` names what is wrong (None for the format itself)."""

    def __init__(self, message: str, option: str | None = None):
        super().__init__(message)
        self.option = option


def exporter_for(registry, fmt: str, **options) -> Exporter:
    """The exporter of ``fmt``, checked to take ``options``: the one check of an export, for the staff pages,
    the commands and the analysts' API alike (they all end in ``ladder.analysis.export``). Raises
    :class:`ExportError`."""
    available = registry.exporters
    if fmt not in available:
        raise ExportError(f"unknown export format {fmt!r}; available: {', '.join(sorted(available))}")
    exporter = available[fmt]
    unknown = sorted(set(options) - set(exporter.options))
    if unknown:
        takes = ", ".join(exporter.options) or "none"
        raise ExportError(f"format {fmt!r} takes no option {unknown[0]!r} (options: {takes})", unknown[0])
    if options.get("dialect", "default") not in DIALECTS:
        raise ExportError(f"unknown dialect {options['dialect']!r}; choose from {', '.join(DIALECTS)}", "dialect")
    return exporter
