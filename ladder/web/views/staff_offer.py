"""The dashboard's first screen: per aspect the rung the municipality offers and how many residents want more
say than that, the same, or less (exact numbers, staff only; ``/r/`` shows the publication's protected table
``offer:<aspect>``, made the same way in ``ladder.publication.build``)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OfferShares:
    """One aspect: its staff heading, the offered rung (None when the aspect is not compared with the offer),
    and the counts per direction."""

    aspect: str
    heading: str
    offered: object | None  # a Rung of the survey's ladder
    more: int = 0
    same: int = 0
    less: int = 0

    @property
    def placed(self) -> int:
        return self.more + self.same + self.less

    def share(self, direction: str) -> float | None:
        """The share of placed residents wanting ``more``, ``same`` or ``less`` say than offered."""
        return getattr(self, direction) / self.placed if self.placed else None


def offer_shares(survey, offer, ladder, totals: dict) -> list[OfferShares]:
    """An :class:`OfferShares` per aspect of ``totals`` (``staff_charts.rung_totals``: per aspect, (rung, count)
    over every area), in that order. ``offer`` is what residents were offered (``plans.offer_for``)."""
    out = []
    for aspect, rows in totals.items():
        own = offer.for_aspect(aspect) if offer is not None else None
        offered = ladder.rung(own.rung) if own is not None and own.rung in ladder else None
        heading = survey.staff_aspect(aspect)
        if offered is None:
            out.append(OfferShares(aspect, heading, None))
            continue
        counts = {"more": 0, "same": 0, "less": 0}
        for rung, n in rows:
            direction = "more" if rung.level > offered.level else "less" if rung.level < offered.level else "same"
            counts[direction] += n or 0
        out.append(OfferShares(aspect, heading, offered, **counts))
    return out
