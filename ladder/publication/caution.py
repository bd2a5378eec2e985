"""A caution on tables that set many areas side by side: some differences arise by chance alone.

Comparing ``n`` areas at once, each with a 95% range, about ``n / 20`` of them fall outside their
range by chance even when every area thinks the same, and the probability that at least one does is
``1 - 0.95^n`` (13 areas: 49%; 80 areas: 98%). The published numbers are not adjusted; readers are
told this in words on every per-area table with :data:`MANY` areas or more. The numbers come from
the count of rows only.
"""
from __future__ import annotations

from .build import msg
from .tables import Publication

MANY = 10  # from 10 areas on, the probability of at least one chance difference passes 40%
LEVEL = 0.05


def many_areas(publication: Publication) -> None:
    """Put the caution in the ``note`` of each per-area table with :data:`MANY` areas or more."""
    for table in publication.tables:
        if table.kind not in ("ladder-by-area", "offer") or len(table.rows) < MANY:
            continue
        n = len(table.rows)
        table.note = msg("U vergelijkt hier %(n)s gebieden tegelijk. Ook als inwoners overal hetzelfde denken, "
                         "wijkt door toeval ongeveer één op de twintig gebieden af van wat de inwoners daar werkelijk "
                         "vinden; de kans dat minstens één gebied door toeval opvalt is %(chance)s%%. Een enkel "
                         "opvallend gebied is dus nog geen bewijs.")
        table.params.update(n=n, expected=max(1, round(n * LEVEL)), chance=round(100 * (1 - (1 - LEVEL) ** n)))
