"""Every table that leaves the staff area, computed once from the response frame.

The tables hang together, and the builder says how (for :mod:`.audit`): each published count is a sum
of *atoms* ``(family, area, value)``: the people of one area with one value in one frame column (a
rung column, a question's column). Area sizes are atoms too (``N``). Totals, skip-logic subsets and
Borda points are sums of the same atoms, so an attacker's linear program over everything published
is the audit's own model.

Nothing here hides or merges per table: every count goes through :func:`.perturb`, shares and
intervals are computed from the published counts only, Borda points from the published position
counts, and every row is always shown (all areas, all rungs, all choices, zeros included), in a
fixed order, so neither the set of rows nor their order tells more than the numbers.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from ..analysis.intervals import wilson
from .cellkey import KEY_SPACE, MAX_NOISE, PTABLE, perturb, possible, record_keys
from .tables import Column, Publication, Row, Table


def place_columns(k: int) -> list[str]:
    """The cell ids of a ranking's published counts per position: ``first``, ``place_2``, ..."""
    return ["first", *(f"place_{i}" for i in range(2, k + 1))]

N = "N"  # the atoms' family of area sizes
CHANNELS = ("form", "api", "paper", "assisted")
CHANNEL_GROUPS = (("online", ("form", "api")), ("paper", ("paper",)), ("assisted", ("assisted",)))


def msg(text: str) -> str:
    """Interface text kept as its Dutch message id: renderers translate it (``pybabel -k msg`` finds it)."""
    return text
NONE = None  # the value "no answer" (not asked, skipped, not placed)


@dataclass
class Atomic:
    """A published count as a sum of atoms: ``family``; ``areas`` (None: every area); ``values``, each
    with its weight (Borda points weigh positions)."""

    family: str
    values: tuple
    areas: tuple | None = None
    weights: tuple | None = None


@dataclass
class Counted:
    """A published count cell: where it is, its true value (never leaves the server) and its atoms."""

    table: str
    row: object
    column: str
    true: int
    terms: list[Atomic]
    bounds: tuple[float, float]
    published: int = 0


@dataclass
class Structure:
    """What :mod:`.audit` needs: the atoms' families and areas, the links between families, the counts."""

    areas: list
    families: dict[str, list] = field(default_factory=dict)  # family -> its values (NONE excluded)
    by_area: set = field(default_factory=set)  # families published per area
    subsets: list[tuple[str, str, tuple]] = field(default_factory=list)  # answered(f) <= (g in values)
    equal_missing: list[tuple[str, str]] = field(default_factory=list)  # same people without an answer
    counted: list[Counted] = field(default_factory=list)


class _Counter:
    """Counts people and publishes their count through the cell key."""

    def __init__(self, frame: pd.DataFrame, keys: np.ndarray, structure: Structure):
        self.frame, self.keys, self.structure = frame, keys, structure
        self.area = frame["area"].astype(object).where(frame["area"].notna(), None).to_numpy() \
            if "area" in frame.columns else np.full(len(frame), None, dtype=object)

    def count(self, mask: np.ndarray, where: tuple, terms: list[Atomic], publish: bool = True) -> int:
        mask = np.asarray(mask, dtype=bool)
        true = int(mask.sum())
        key = int(self.keys[mask].sum() % KEY_SPACE) if true else 0
        published = perturb(true, key)
        if publish:
            self.structure.counted.append(Counted(*where, true, terms, possible(published), published))
        return published


def _text(value) -> dict:
    """A locale table from a survey text (a string is Dutch)."""
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if v}
    return {"nl": str(value)} if value not in (None, "") else {}


def _in_area(area_of: np.ndarray, code) -> np.ndarray:
    """Who answered from area ``code`` (None: the area is not known)."""
    return np.array([a is None for a in area_of], bool) if code is None else area_of == code


def _share_cells(count, total) -> dict:
    if not total or count is None:
        return {"share": None, "low": None, "high": None}
    share = min(max(count / total, 0.0), 1.0)
    low, high = wilson(np.array([share]), total)
    return {"share": share, "low": float(low[0]), "high": float(high[0])}


def _values(series: pd.Series) -> np.ndarray:
    # straight to numpy: each pandas step (astype, where) deep-copies the frame's attrs (its codebook and
    # labels), which took most of the time of drawing a publication
    return series.to_numpy(dtype=object, na_value=None)


def _families(survey, registry, frame, locale="nl"):
    """Per published question: (question, kind, [frame columns]): ``choice`` (one category column),
    ``multiple`` (a yes/no column per choice) or ``ranking`` (a category column per position).
    Free text, numbers and the area question are not published (the areas table covers the area)."""
    out = []
    for question in survey.questions:
        qtype = registry.type_of(question)
        if getattr(qtype, "gives_area", False):
            continue
        columns = [c for c in qtype.columns(question, survey, locale) if c.name in frame.columns]
        if not columns:
            continue
        kinds = {c.kind for c in columns}
        if kinds == {"boolean"}:
            out.append((question, "multiple", columns))
        elif kinds == {"category"} and len(columns) == 1:
            out.append((question, "choice", columns))
        elif kinds == {"category"} and all(len(c.path) == 2 for c in columns):
            out.append((question, "ranking", columns))
    return out


def build(survey, registry, frame: pd.DataFrame, seed: str, ladder=None) -> tuple[Publication, Structure]:
    """The publication of ``frame`` (read with ``include_id=True``) and the structure behind it."""
    ladder = ladder or registry.ladder_of(survey)
    keys = record_keys(seed, frame["response_id"].tolist()) if len(frame) else np.zeros(0, dtype=np.uint64)
    areas = [a.code for a in survey.areas]
    counter_structure = Structure(areas=areas + [NONE])
    counter = _Counter(frame, keys, counter_structure)
    st = counter.structure
    everyone = np.ones(len(frame), dtype=bool)
    tables: list[Table] = []
    area_of = counter.area
    area_names = {a.code: _text(a.name) for a in survey.areas}
    present_unknown = bool(len(frame)) and any(a is None for a in area_of)

    # --- who took part ------------------------------------------------------------------------------
    responses = counter.count(everyone, ("areas", None, "count"), [Atomic(N, (True,))])
    rows = []
    for code in areas + ([NONE] if present_unknown else []):
        n = counter.count(_in_area(area_of, code),
                          ("areas", code, "count"), [Atomic(N, (True,), (code,))])
        rows.append(Row(code, area_names.get(code) or msg("onbekend"), {"count": n}))
    tables.append(Table("areas", "areas", msg("Antwoorden per gebied"), [Column("count", msg("Antwoorden"))], rows,
                        Row(None, msg("Totaal"), {"count": responses})))

    # --- how the answers came in (online, on paper, with help) ---------------------------------------------
    if "channel" in frame.columns:
        channel = _values(frame["channel"])
        st.families["channel"] = list(CHANNELS)
        rows = []
        for word, codes in CHANNEL_GROUPS:
            n = counter.count(np.isin(channel, codes), ("channels", word, "count"), [Atomic("channel", codes)])
            rows.append(Row(word, CHANNEL_WORDS[word], {"count": n}))
        tables.append(Table("channels", "channels", msg("Hoe de antwoorden binnenkwamen"),
                            [Column("count", msg("Antwoorden"))], rows, Row(None, msg("Totaal"), {"count": responses})))

    # --- the ladder, per aspect, over all areas and per area ------------------------------------------
    rung_ids = [r.id for r in ladder.rungs]
    rung_names = {r.id: _text(r.title) for r in ladder.rungs}
    for aspect in survey.aspects:
        column = f"rung_{aspect}"
        if column not in frame.columns:
            continue
        family = column
        st.families[family] = list(rung_ids)
        st.by_area.add(family)
        placed = _values(frame[column])
        aspect_title = _text(survey.aspects.get(aspect)) or {"nl": aspect}
        tid = f"ladder:{aspect}"
        total = counter.count(placed != None, (tid, None, "count"), [Atomic(family, tuple(rung_ids))])  # noqa: E711
        rows = []
        for rung in rung_ids:
            n = counter.count(placed == rung, (tid, rung, "count"), [Atomic(family, (rung,))])
            rows.append(Row(rung, rung_names[rung], {"count": n, **_share_cells(n, total)}))
        tables.append(Table(tid, "ladder", aspect_title, _share_columns(), rows,
                            Row(None, msg("Totaal"), {"count": total, "share": 1.0 if total else None,
                                                     "low": None, "high": None})))
        tid = f"ladder-by-area:{aspect}"
        rows = []
        for code in areas + ([NONE] if present_unknown else []):
            here = _in_area(area_of, code)
            cells = {rung: counter.count(here & (placed == rung), (tid, code, rung), [Atomic(family, (rung,), (code,))])
                     for rung in rung_ids}
            cells["total"] = counter.count(here & (placed != None), (tid, code, "total"),  # noqa: E711
                                           [Atomic(family, tuple(rung_ids), (code,))])
            rows.append(Row(code, area_names.get(code) or msg("onbekend"), cells))
        columns = [Column(r, rung_names[r]) for r in rung_ids] + [Column("total", msg("Totaal"))]
        total_row = Row(None, msg("Totaal"), {**{r.id: tables[-1].row(r.id).cells["count"] for r in tables[-1].rows},
                                             "total": tables[-1].total.cells["count"]})
        tables.append(Table(tid, "ladder-by-area", aspect_title, columns, rows, total_row))
        own = survey.offer.for_aspect(aspect) if getattr(survey, "offer", None) is not None else None
        if own is not None and own.rung in rung_ids:
            tables.append(_offered(counter, aspect, aspect_title, own.rung, ladder, placed, areas, area_of,
                                   present_unknown, area_names))

    # --- the questions -------------------------------------------------------------------------------
    published = _families(survey, registry, frame)
    family_of = {q.id: (kind, columns) for q, kind, columns in published}
    for question, kind, columns in published:
        tid = f"question:{question.id}"
        title = _text(question.label)
        if kind == "choice":
            col = columns[0]
            family = col.name
            values = list(col.categories)
            st.families[family] = values
            answers = _values(frame[col.name])
            total = counter.count(answers != None, (tid, None, "count"), [Atomic(family, tuple(values))])  # noqa: E711
            rows = []
            for value in values:
                n = counter.count(answers == value, (tid, value, "count"), [Atomic(family, (value,))])
                rows.append(Row(str(value), _text(_label(question, value, col)), {"count": n, **_share_cells(n, total)}))
            tables.append(Table(tid, "question", title, _share_columns(), rows, Row(None, msg("Beantwoord"), {"count": total})))
        elif kind == "multiple":
            answered = frame[columns[0].name].notna().to_numpy()
            for col in columns:
                st.families[col.name] = [True, False]
            for a, b in zip(columns, columns[1:]):
                st.equal_missing.append((a.name, b.name))
            total = counter.count(answered, (tid, None, "count"), [Atomic(columns[0].name, (True, False))])
            rows = []
            for col, choice in zip(columns, question.choices):
                ticked = frame[col.name].fillna(False).astype(bool).to_numpy()
                n = counter.count(ticked, (tid, str(choice.value), "count"), [Atomic(col.name, (True,))])
                rows.append(Row(str(choice.value), _text(choice.label), {"count": n, **_share_cells(n, total)}))
            tables.append(Table(tid, "question", title, _share_columns(), rows, Row(None, msg("Beantwoord"), {"count": total}),
                                note=msg("Meer antwoorden mogelijk: de aantallen tellen niet op tot het totaal.")))
        else:  # ranking: Borda points from the perturbed counts per position (those are not published)
            k = len(columns)
            values = list(columns[0].categories)
            for col in columns:
                st.families[col.name] = values
            first = _values(frame[columns[0].name])
            total = counter.count(first != None, (tid, None, "count"), [Atomic(columns[0].name, tuple(values))])  # noqa: E711
            rows = []
            weights = tuple(k - i for i in range(k))
            places = place_columns(k)
            for value in values:  # every position's count is published (and audited): the order's certainty needs them
                at = [counter.count(_values(frame[col.name]) == value, (tid, value, places[i]),
                                    [Atomic(col.name, (value,))]) for i, col in enumerate(columns)]
                points = sum(w * n for w, n in zip(weights, at))
                spread = MAX_NOISE * sum(weights)
                st.counted.append(Counted(tid, value, "points", int(sum(w * int((_values(frame[c.name]) == value).sum())
                                                                        for w, c in zip(weights, columns))),
                                          [Atomic(c.name, (value,), None, (w,)) for w, c in zip(weights, columns)],
                                          (max(0, points - spread), points + spread), points))
                rows.append(Row(str(value), _text(_label(question, value, columns[0])),
                                {"points": points, **dict(zip(places, at))}))
            # in the survey's order here: ``hide`` orders by the points as published (a hidden one tells nothing)
            tables.append(Table(tid, "ranking", title, [Column("points", msg("Punten"), "points"),
                                                         Column("first", msg("Op 1 gezet")),
                                                         *(Column(c, _placed(i)) for i, c in enumerate(places[1:], 2))],
                                rows,
                                Row(None, msg("Gaven een volgorde"), {"count": total}),
                                note=msg("De eerste plaats krijgt %(k)s punten, de tweede één minder, en zo verder."),
                                params={"k": k}))
        # skip logic: who answered this question is a part of who gave the answers that show it
        for other, allowed in _shown_by(survey, question):
            if other not in family_of or not allowed:
                continue
            source_kind, source_columns = family_of[other]
            if source_kind == "multiple":  # "contains": a part of who ticked that one choice
                if len(allowed) == 1:
                    column = next(c for c, ch in zip(source_columns, _question(survey, other).choices)
                                  if ch.value == allowed[0])
                    st.subsets.append((columns[0].name, column.name, (True,)))
            else:
                st.subsets.append((columns[0].name, source_columns[0].name, allowed))

    method = {"name": "cell-key", "max_noise": MAX_NOISE,
              "ptable": {str(n): [[d, p] for d, p in row] for n, row in PTABLE.items()}}
    made = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return Publication(survey.slug, made, responses, method, tables, period=_period(frame)), st


def _period(frame: pd.DataFrame) -> list[str | None]:
    """The first and last day answers came in (days only, as stored)."""
    if "created_at" not in frame.columns or not frame["created_at"].notna().any():
        return [None, None]
    days = pd.to_datetime(frame["created_at"].dropna(), utc=True)
    return [days.min().date().isoformat(), days.max().date().isoformat()]



CHANNEL_WORDS = {"online": msg("online"), "paper": msg("op papier"), "assisted": msg("met hulp")}
COMPARED = (("lower", msg("Lager dan geboden")), ("same", msg("Zoals geboden")), ("higher", msg("Hoger dan geboden")))


def _offered(counter, aspect, title, offered, ladder, placed, areas, area_of, present_unknown, area_names) -> Table:
    """Per area: how many want a lower rung than offered, the offered rung, or a higher one (and all areas)."""
    at = next(r.level for r in ladder.rungs if r.id == offered)
    groups = {"lower": tuple(r.id for r in ladder.rungs if r.level < at), "same": (offered,),
              "higher": tuple(r.id for r in ladder.rungs if r.level > at)}
    family = f"rung_{aspect}"
    tid = f"offer:{aspect}"

    def cells(here, code, codes):
        return {key: counter.count(here & np.isin(placed, rungs), (tid, code, key), [Atomic(family, rungs, codes)])
                if rungs else 0 for key, rungs in groups.items()}
    rows = []
    for code in areas + ([NONE] if present_unknown else []):
        here = _in_area(area_of, code)
        rows.append(Row(code, area_names.get(code) or msg("onbekend"), cells(here, code, (code,))))
    total = Row(None, msg("Alle gebieden"), cells(np.ones(len(placed), bool), None, None))
    return Table(tid, "offer", title, [Column(k, h) for k, h in COMPARED], rows, total, params={"offered": offered})


PLACED = (msg("Op 2 gezet"), msg("Op 3 gezet"), msg("Op 4 gezet"), msg("Op 5 gezet"), msg("Op 6 gezet"),
          msg("Op 7 gezet"), msg("Op 8 gezet"), msg("Op 9 gezet"), msg("Op 10 gezet"))


def _placed(place: int):
    """The heading of the count of a ranking's place (2 and on)."""
    return PLACED[place - 2] if place - 2 < len(PLACED) else {"nl": f"Op {place} gezet", "en": f"Put at {place}"}


def _share_columns() -> list[Column]:
    return [Column("count", msg("Aantal")), Column("share", msg("Deel"), "share"),
            Column("low", msg("Ten minste"), "low"), Column("high", msg("Ten hoogste"), "high")]


def _label(question, value, column) -> object:
    for choice in question.choices:
        if choice.value == value:
            return choice.label
    return column.value_labels.get(value, str(value))


def _question(survey, question_id):
    return next(q for q in survey.questions if q.id == question_id)


def _shown_by(survey, question) -> list[tuple[str, tuple]]:
    """(question id, answers that show ``question``) for each question its own or its page's condition
    depends on alone, with the answers of that question for which the condition holds."""
    from ..conditions import evaluate, questions_in
    out = []
    page = next((p for p in survey.pages if question in p.questions), None)
    for condition in (question.show_if, getattr(page, "show_if", None)):
        ids = questions_in(condition)
        if len(ids) != 1:
            continue
        other = next(iter(ids))
        source = next((q for q in survey.questions if q.id == other), None)
        if source is None or not source.choices:
            continue
        allowed = tuple(c.value for c in source.choices if evaluate(condition, {other: c.value})
                        or evaluate(condition, {other: [c.value]}))
        out.append((other, allowed))
    return out
