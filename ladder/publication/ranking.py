"""How sure the order of a ranking is, from its published counts per position only.

Borda points rank the items, but with a few hundred people two items a few points apart may well
change places in another sample. Per item this gives the range of places it most likely takes (95%)
and the probability that it ranks above the item after it; where that probability is below
:data:`CERTAIN` the two are "te dicht bij elkaar om te zeggen".

The method (docs/privacy.rst, "Published results"): a bootstrap over **pseudo-respondents made from the
published counts**. Who put what where is not published, only how many put each item in each place, so
those placements are dealt out at random to as many people as the largest position has, without anyone
getting one item twice. Each item's points per person then follow exactly the published counts (an
item is in one place or none); how two items go together is the random pairing's. Resampling those
people (with replacement, :data:`DRAWS` times) gives the points, and so the places, another sample of
the same size could have given. The small noise of the published counts themselves is not added. The
deal and the resampling use a fixed seed, so the same published counts always give the same numbers.
Nothing here reads a response.
"""
from __future__ import annotations

import numpy as np

from .build import msg, place_columns
from .tables import Column, Table

CERTAIN = 0.95  # below this probability of ranking above the next item, the two are too close to call
DRAWS = 2000
SEED = 20261206  # fixed: the same published counts give the same published ranges


def pseudo_respondents(counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``counts`` (positions x items) dealt out to people: an array (people x positions) of item indices,
    -1 for a place left empty, with no item twice in one person's row where the counts allow it."""
    people = int(counts.sum(axis=1).max())
    placed = np.full((people, counts.shape[0]), -1)
    for position, row in enumerate(counts.astype(int)):
        deck = np.repeat(np.arange(len(row)), row)
        deck = np.concatenate([deck, np.full(people - len(deck), -1)])
        rng.shuffle(deck)
        for _ in range(50):  # swap a repeated item with someone else's until nobody has one item twice
            twice = [p for p in range(people) if deck[p] >= 0 and deck[p] in placed[p, :position]]
            if not twice:
                break
            for p in twice:
                other = rng.integers(people)
                if deck[other] not in placed[p, :position] and (deck[p] not in placed[other, :position]):
                    deck[p], deck[other] = deck[other], deck[p]
        placed[:, position] = deck
    return placed


def certainty(table: Table, draws: int = DRAWS) -> None:
    """Add ``rank_low``, ``rank_high`` (places, 1 is the top), ``above_next`` (probability) and ``close``
    (1 when too close to call with the next item) to each row of a ranking ``table`` whose rows are in
    the order of their published points. Leaves the table alone when a position count is hidden."""
    k = int(table.params["k"])
    columns = place_columns(k)
    counts = np.array([[row.cells.get(c) for c in columns] for row in table.rows], dtype=object)
    if not len(table.rows) or any(v is None for v in counts.ravel()) or not counts.astype(float).sum():
        table.params["order"] = "hidden"
        return
    counts = counts.astype(float).T  # positions x items
    rng = np.random.default_rng(SEED)
    placed = pseudo_respondents(counts, rng)
    people, items = len(placed), counts.shape[1]
    scores = np.zeros((people, items))  # each person's Borda points per item
    for position in range(k):
        has = placed[:, position] >= 0
        scores[np.flatnonzero(has), placed[has, position]] += k - position
    resampled = rng.multinomial(people, np.full(people, 1 / people), size=draws)  # draws x people
    points = resampled @ scores
    # a place is 1 + the number of items with more points in that draw
    places = 1 + (points[:, None, :] > points[:, :, None]).sum(axis=2)
    low = np.quantile(places, 0.025, axis=0, method="lower")
    high = np.quantile(places, 0.975, axis=0, method="higher")
    for i, row in enumerate(table.rows):
        above = float((points[:, i] > points[:, i + 1]).mean()) if i + 1 < len(table.rows) else None
        row.cells.update(rank_low=int(low[i]), rank_high=int(high[i]),
                         above_next=None if above is None else round(above, 3),
                         close=None if above is None else int(above < CERTAIN))
    table.columns += [Column("rank_low", msg("Plaats, ten minste"), "rank"),
                      Column("rank_high", msg("Plaats, ten hoogste"), "rank"),
                      Column("above_next", msg("Kans dat het hoger staat dan het volgende"), "probability")]
    table.params.update(order="shown", certain=CERTAIN, draws=draws)
