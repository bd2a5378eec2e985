"""A survey's slug: the name in its addresses (``/s/<slug>``), its exports and its files (issue 24).

Only ASCII lower-case letters, digits and single hyphens, so no letter from another script can pass for a
Latin one (a Cyrillic "о" in "rоtterdam-..."). Two slugs that still look alike to a reader (``0``/``o``,
``1``/``l``, ``rn``/``m``, a hyphen more or less) are refused as one: :func:`look_alike`.
"""
from __future__ import annotations

import re

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_LENGTH = 100
RULE = "use lower-case letters a-z, digits and single hyphens only (at most 100 characters)"

# The ASCII pairs of Unicode's confusables (UTS #39) that a lower-case slug can hold, longest first.
_CONFUSABLE = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("-", ""))


def is_slug(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_LENGTH and SLUG.fullmatch(value) is not None


def skeleton(slug: str) -> str:
    """What ``slug`` looks like: equal skeletons read the same at a glance."""
    for seen, meant in _CONFUSABLE:
        slug = slug.replace(seen, meant)
    return slug


def look_alike(slug: str, others) -> str | None:
    """Another slug among ``others`` that looks like ``slug`` (the same one excepted), or None."""
    mine = skeleton(slug)
    return next((other for other in others if other != slug and skeleton(other) == mine), None)
