"""The response frame: one row per response, one column per question, read in chunks from the database.

Each answer is pulled out of the JSON columns by the database itself (``json_extract`` on SQLite,
``->>`` / ``#>>`` on PostgreSQL), so Python never builds a dict per response. Rows stream from the
server in chunks (``stream_results`` + ``yield_per``); the rows are counted first, each compact column
(category codes, numpy numbers) is made that long once and every chunk is written into it (text into
Arrow pieces) and dropped, so memory holds one chunk of rows plus the compact columns, never the whole
table as Python objects, and no column twice.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import String, Text, cast, create_engine, func, select, type_coerce
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from ..ladders import Ladder
from ..models import CHANNELS, Response
from ..question_types import Column
from ..text import pick

DEFAULT_CHUNKSIZE = 1_000  # rows per chunk: its Python objects are most of the peak (docs/benchmarks.rst)
log = logging.getLogger(__name__)


# pandas deep-copies a frame's attrs on every operation (each column taken, each copy, each filter). The
# frame's codebook, labels and question columns are large and never changed after response_frame made them
# (readers copy before changing, e.g. ``dict(frame.attrs["questions"])``), so they are shared, not copied:
# copying them was most of the time of drawing a publication.
class SharedDict(dict):
    """A dict in ``frame.attrs`` that copies of the frame share: treat it as read-only."""

    def __deepcopy__(self, memo):
        return self


class SharedList(list):
    """A list in ``frame.attrs`` that copies of the frame share: treat it as read-only."""

    def __deepcopy__(self, memo):
        return self
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _engine(db: str | Engine) -> tuple[Engine, bool]:
    if isinstance(db, Engine):
        return db, False
    from ..db import make_engine
    return make_engine(db) if db.startswith("sqlite") else create_engine(db), True


def resolve_ladder(survey, ladder=None, registry=None) -> Ladder:
    """The ladder of ``survey``: the one given, or the registry's."""
    if isinstance(ladder, Ladder):
        return ladder
    if registry is None:
        raise ValueError(f"survey {survey.slug!r}: pass registry= (see ladder.plugins.load_registry)")
    return registry.ladder_of(survey)


# --- column plans: what to select for a question and how to turn the values into pandas columns ----

@dataclass
class _Col:
    """One output column: its name, pandas kind, and its values gathered chunk by chunk.

    Numbers, codes and times go straight into one array per column, sized for the rows counted before
    reading (``reserve``): many small per-chunk arrays, concatenated at the end, left their freed memory
    behind in the allocator while the whole column was allocated again (docs/benchmarks.rst). Text
    stays in Arrow pieces, which the final column uses as they are.
    """

    name: str
    kind: str  # category, boolean, integer, float, text, time
    categories: list[Any] = field(default_factory=list)
    ordered: bool = False
    pieces: list[Any] = field(default_factory=list)  # text: Arrow arrays, one per chunk
    lookup: dict[Any, int] = field(default_factory=dict)
    filled: int = 0
    buffer: np.ndarray | None = None

    def __post_init__(self):
        self.lookup = {v: i for i, v in enumerate(self.categories)}
        if self.kind == "category" and all(isinstance(v, int) for v in self.categories):
            # JSON numbers come back as int or as text depending on the database: accept both
            self.lookup.update({str(v): i for i, v in enumerate(self.categories)})

    @property
    def dtype(self):
        if self.kind == "category":
            return np.int8 if len(self.categories) < 127 else np.int32
        return {"boolean": np.int8, "integer": np.float64, "float": np.float64, "time": "datetime64[ns]"}[self.kind]

    def reserve(self, rows: int) -> None:
        """Make room for ``rows`` values (more still fit: the array grows)."""
        if self.kind != "text":
            self.buffer = np.empty(rows, dtype=self.dtype)

    def _append(self, values: np.ndarray) -> None:
        if self.buffer is None:
            self.reserve(len(values))
        end = self.filled + len(values)
        if end > len(self.buffer):  # rows came in after they were counted
            grown = np.empty(max(end, 2 * len(self.buffer)), dtype=self.buffer.dtype)
            grown[:self.filled] = self.buffer[:self.filled]
            self.buffer = grown
        self.buffer[self.filled:end] = values
        self.filled = end

    def add(self, values) -> None:
        kind = self.kind
        if kind == "category":
            get = self.lookup.get
            self._append(np.fromiter((get(v, -1) for v in values), dtype=self.dtype, count=len(values)))
        elif kind == "boolean":  # values: True / False / None
            self._append(np.fromiter((-1 if v is None else v for v in values), dtype=np.int8, count=len(values)))
        elif kind in ("integer", "float"):
            self._append(np.fromiter((np.nan if v is None else v for v in values), dtype=np.float64,
                                     count=len(values)))
        elif kind == "text":
            # what an older version stored unchecked (NUL, control characters) must not break an export
            values = [v if v is None or not _UNSAFE.search(v) else _UNSAFE.sub("\ufffd", v) for v in values]
            self.pieces.append(pa.array(values, type=pa.large_string()))
        elif kind == "time":
            self._append(_times(values))

    def _values(self) -> np.ndarray:
        """The values read, letting the buffer go (a copy only when fewer rows came than were counted)."""
        buffer, self.buffer = self.buffer, None
        if buffer is None:
            return np.array([], dtype=self.dtype)
        return buffer if self.filled == len(buffer) else buffer[:self.filled].copy()

    def series(self) -> pd.Series:
        """The column as a pandas Series."""
        kind = self.kind
        if kind == "text":
            pieces, self.pieces = self.pieces, []
            chunked = pa.chunked_array(pieces, type=pa.large_string())  # the pieces as they are, no copy
            return pd.Series(pd.arrays.ArrowStringArray(chunked), name=self.name, dtype=pd.StringDtype("pyarrow"))
        raw = self._values()
        if kind == "category":
            values = pd.Categorical.from_codes(raw, categories=self.categories, ordered=self.ordered)
            return pd.Series(values, name=self.name)
        if kind == "boolean":
            arr = pd.arrays.BooleanArray(raw == 1, raw < 0)
            return pd.Series(arr, name=self.name)
        if kind in ("integer", "float"):
            s = pd.Series(raw, name=self.name)
            return s.astype("Int64") if kind == "integer" and np.all(np.isnan(raw) | (raw == np.round(raw))) \
                else s.astype("Float64")
        if kind == "time":
            return pd.Series(pd.DatetimeIndex(raw).tz_localize("UTC"), name=self.name)
        raise AssertionError(kind)


def _times(values) -> np.ndarray:
    """Datetimes (PostgreSQL) or SQLite's stored text, as UTC datetime64[ns]."""
    if len(values) and isinstance(values[0], str):
        idx = pd.to_datetime(pd.Index(values, dtype=object), format="ISO8601", utc=True)
    else:
        idx = pd.to_datetime(pd.Index(values, dtype=object), utc=True)
    return idx.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")


@dataclass
class _Plan:
    """Select expressions and a function per chunk that feeds columns from them."""

    exprs: list[Any]
    feed: Any  # feed(list_of_value_lists) -> None


def question_columns(survey, registry, locale: str = "nl") -> list[tuple[Any, Column]]:
    """(question, column) for every column the survey's questions put in the frame, in survey order."""
    return [(q, col) for q in survey.questions for col in registry.type_of(q).columns(q, survey, locale)]


def _answers_source(engine, lenient: bool):
    """The answers column, or on PostgreSQL when ``lenient`` its JSON text with escapes that ``->>``
    refuses (NUL, lone surrogates) replaced by U+FFFD."""
    if not lenient or engine.dialect.name == "sqlite":
        return Response.answers
    text = cast(Response.answers, Text)
    cleaned = func.regexp_replace(text, r"\\u(0000|[dD][89abAB][0-9a-fA-F]{2})", r"\\ufffd", "g")
    return cast(cleaned, Response.answers.type)


def _answer_expr(source, path, number: bool):
    node = source[path[0] if len(path) == 1 else tuple(path)]
    return node.as_float() if number else node.as_string()


def _plans(columns: list[Column], source=Response.answers) -> tuple[list[_Col], list[_Plan]]:
    """One select expression per distinct path, shared by the columns read from it (multiple choice)."""
    by_source: dict[tuple, list[tuple[Column, _Col]]] = {}
    out: list[_Col] = []
    for column in columns:
        col = _Col(column.name, column.kind, list(column.categories), ordered=column.ordered)
        number = column.convert is None and column.kind in ("integer", "float")
        by_source.setdefault((tuple(column.path), number), []).append((column, col))
        out.append(col)
    plans = []
    for (path, number), pairs in by_source.items():
        plans.append(_Plan([_answer_expr(source, path, number)], _feeder(pairs)))
    return out, plans


def _feeder(pairs):
    def feed(vals):
        values = vals[0]
        for column, col in pairs:
            if column.convert is None:
                col.add(values)
                continue
            cache: dict[Any, Any] = {}
            converted = []
            for raw in values:  # few distinct stored values: convert each once
                if raw not in cache:
                    cache[raw] = column.convert(raw)
                converted.append(cache[raw])
            col.add(converted)
    return feed


def aspect_ids(survey) -> list[str]:
    return list(survey.aspects) or ["rung"]


def _read(engine, survey, registry, lad, include_text, chunksize, lenient=False, include_id=False) -> list[_Col]:
    """Select the frame's columns chunk by chunk; ``lenient`` reads answers an older version stored
    unchecked (lone surrogates, NUL), which the fast path refuses, replaced by U+FFFD."""
    sqlite = engine.dialect.name == "sqlite"
    columns, plans, spans, query = _query(engine, survey, registry, lad, include_text, lenient, include_id)
    with engine.connect() as conn:
        if lenient and sqlite:  # text SQLite cannot decode (a lone surrogate) becomes U+FFFD
            conn.connection.dbapi_connection.text_factory = lambda b: b.decode("utf-8", "replace")
        try:
            rows_now = conn.execute(select(func.count()).where(*query.whereclause.clauses)).scalar_one()
            for column in columns:
                column.reserve(rows_now)
            result = conn.execution_options(stream_results=True, yield_per=chunksize).execute(query)
            for rows in result.partitions(chunksize):
                cols = list(zip(*rows))
                for plan, (a, b) in zip(plans, spans):
                    plan.feed(cols[a:b])
                del rows, cols
        finally:
            if lenient and sqlite:
                conn.connection.dbapi_connection.text_factory = str
    return columns


def extraction_query(db: str | Engine, survey, registry, ladder=None, include_text: bool = True):
    """The one SELECT :func:`response_frame` streams (columns ``c0``, ``c1``, ...: each answer pulled out
    of the JSON by the database), for reading it another way (``bench/export.py`` reads it in one go)."""
    engine, owned = _engine(db)
    try:
        query = _query(engine, survey, registry, resolve_ladder(survey, ladder, registry), include_text)[3]
    finally:
        if owned:
            engine.dispose()
    return select(*(c.label(f"c{i}") for i, c in enumerate(query.selected_columns))).where(
        *query.whereclause.clauses).order_by(Response.id)


def _query(engine, survey, registry, lad, include_text, lenient=False, include_id=False):
    """The frame's columns, the plans that feed them, each plan's span of the selected values, and the query."""
    sqlite = engine.dialect.name == "sqlite"

    area_col = _Col("area", "category", [a.code for a in survey.areas])
    plans: list[_Plan] = [_Plan([Response.area], lambda vals: area_col.add(vals[0]))]
    columns: list[_Col] = [area_col]
    if include_id:  # the row's id in the database, to join weights or later corrections on
        id_col = _Col("response_id", "integer")
        plans.insert(0, _Plan([Response.id], lambda vals: id_col.add(vals[0])))
        columns.insert(0, id_col)
    described = [col for _q, col in question_columns(survey, registry) if include_text or col.kind != "text"]
    answer_cols, answer_plans = _plans(described, _answers_source(engine, lenient))
    columns += answer_cols
    plans += answer_plans

    aspects = aspect_ids(survey)
    rung_ids = [r.id for r in lad.rungs]
    rung_cols = {a: _Col(f"rung_{a}", "category", rung_ids, ordered=True) for a in aspects}
    columns += rung_cols.values()
    slots = len(aspects)
    place_exprs = []
    for i in range(slots):
        place_exprs += [Response.placements[(i, "aspect")].as_string(), Response.placements[(i, "rung")].as_string()]

    def feed_rungs(vals):
        n = len(vals[0])
        per_aspect = {a: [None] * n for a in aspects}
        for i in range(slots):
            names, rungs = vals[2 * i], vals[2 * i + 1]
            for a in aspects:
                target = per_aspect[a]
                for j in range(n):
                    if names[j] == a:
                        target[j] = rungs[j]
        for a in aspects:
            rung_cols[a].add(per_aspect[a])
    if slots and survey.aspects:
        plans.append(_Plan(place_exprs, feed_rungs))
    elif slots:  # no declared aspects: the first placement, whatever its aspect
        plans.append(_Plan([Response.placements[(0, "rung")].as_string()],
                           lambda vals: rung_cols[aspects[0]].add(vals[0])))

    version_col = _Col("survey_version", "text")
    locale_col = _Col("locale", "category", list(dict.fromkeys([*survey.locales, "nl", "fy", "en"])))
    time_col = _Col("created_at", "time")
    created = type_coerce(Response.created_at, String) if sqlite else Response.created_at
    plans.append(_Plan([Response.survey_version, Response.locale, created],
                       lambda vals: (version_col.add(vals[0]), locale_col.add(vals[1]), time_col.add(vals[2]))))
    columns += [version_col, locale_col, time_col]
    channel_col = _Col("channel", "category", list(CHANNELS))  # online (form, api), paper or assisted
    plans.append(_Plan([Response.channel], lambda vals: channel_col.add(vals[0])))
    columns.append(channel_col)

    exprs = [e for p in plans for e in p.exprs]
    spans, start = [], 0
    for p in plans:
        spans.append((start, start + len(p.exprs)))
        start += len(p.exprs)
    query = (select(*exprs)
             .where(Response.survey_slug == survey.slug, Response.withdrawn_at.is_(None))
             .order_by(Response.id))
    return columns, plans, spans, query



def response_frame(db: str | Engine, survey, *, chunksize: int = DEFAULT_CHUNKSIZE, ladder=None, registry=None,
                   include_text: bool = True, include_id: bool = False) -> pd.DataFrame:
    """One row per (not withdrawn) response to ``survey``, read from ``db`` in chunks of ``chunksize``.

    ``db`` is a database URL or a SQLAlchemy engine. Columns: ``area``; per question its answer
    (multiple choice as ``<qid>__<value>`` booleans, ranking as ``<qid>_1..<qid>_k``); ``rung_<aspect>``
    per aspect (ordered categorical of the ladder's rung ids); ``survey_version``, ``locale``,
    ``created_at`` (UTC). ``frame.attrs`` holds ``survey`` (slug), ``ladder`` (id) and ``labels``
    (column -> {value: label}); see :func:`codebook`. ``include_id`` puts the response's database id
    first as ``response_id`` (to join weights or corrections on).
    """
    if registry is None:
        raise ValueError("response_frame needs registry= (see ladder.plugins.load_registry)")
    lad = resolve_ladder(survey, ladder, registry)
    engine, owned = _engine(db)
    try:
        try:
            columns = _read(engine, survey, registry, lad, include_text, chunksize, include_id=include_id)
        except (DBAPIError, UnicodeDecodeError):
            log.warning("survey %s holds answers the database cannot decode; reading them leniently", survey.slug)
            columns = _read(engine, survey, registry, lad, include_text, chunksize, lenient=True,
                            include_id=include_id)
    finally:
        if owned:
            engine.dispose()

    # one column at a time, each letting its pieces go; the frame takes the columns without copying them
    frame = pd.DataFrame({c.name: c.series() for c in columns}, copy=False)
    questions: dict[str, list[str]] = {}
    rankings: dict[str, list[str]] = {}
    for question, col in question_columns(survey, registry):
        if col.name in frame.columns:
            questions.setdefault(question.id, []).append(col.name)
            if len(col.path) > 1 and isinstance(col.path[1], int) and col.convert is None:
                rankings.setdefault(question.id, []).append(col.name)  # one position of a list per column
    book = codebook(survey, registry, ladder=lad)
    area_question = registry.area_question(survey)
    frame.attrs.update({"survey": survey.slug, "ladder": lad.id,
                        "labels": SharedDict(value_labels(survey, lad, registry)),
                        "area_question": area_question.id if area_question else None,
                        "questions": SharedDict(questions), "rankings": SharedDict(rankings),
                        "codebook": SharedList(book[book["column"].isin(frame.columns)].to_dict("records"))})
    return frame


def value_labels(survey, ladder: Ladder, registry, locale: str = "nl") -> dict[str, dict[Any, str]]:
    """Column -> {value: label} for every coded column of the frame of ``survey``."""
    labels: dict[str, dict[Any, str]] = {"area": {a.code: pick(a.name, locale) for a in survey.areas},
                                         "channel": dict(CHANNEL_LABELS)}
    for _question, col in question_columns(survey, registry, locale):
        if col.value_labels:
            labels[col.name] = dict(col.value_labels)
    rung_titles = {r.id: pick(r.title, locale) for r in ladder.rungs}
    for a in aspect_ids(survey):
        labels[f"rung_{a}"] = dict(rung_titles)
    return labels


CODEBOOK_COLUMNS = ["column", "question", "type", "label", "value", "value_label"]
META_LABELS = {"survey_version": "Versie van de vragenlijst", "locale": "Taal", "created_at": "Ingestuurd op (dag, UTC)",
               "channel": "Kanaal"}
CHANNEL_LABELS = {"form": "online (formulier)", "api": "online (API)", "paper": "papier (ingevoerd)",
                  "assisted": "met hulp (ingevoerd)"}


def codebook(survey, registry, ladder=None, locale: str = "nl") -> pd.DataFrame:
    """One row per frame column and value: column, question, type, label, value, value_label.

    Columns without coded values (numbers, text, times) get one row with an empty value.
    """
    lad = resolve_ladder(survey, ladder, registry)
    area_q = registry.area_question(survey)
    described = [("area", "", "area", pick(area_q.label, locale) if area_q else "Gebied",
                  {a.code: pick(a.name, locale) for a in survey.areas})]
    described += [(col.name, q.id, q.type, col.label, col.value_labels)
                  for q, col in question_columns(survey, registry, locale)]
    rung_titles = {r.id: pick(r.title, locale) for r in lad.rungs}
    described += [(f"rung_{a}", "", f"rung ({lad.id})", f"Trede ({pick(survey.aspects.get(a), locale) or a})",
                   rung_titles) for a in aspect_ids(survey)]
    described += [(name, "", "meta", label, CHANNEL_LABELS if name == "channel" else {})
                  for name, label in META_LABELS.items()]
    rows = []
    for column, question, qtype, label, values in described:
        base = {"column": column, "question": question, "type": qtype, "label": label}
        if values:
            rows += [{**base, "value": str(v), "value_label": vl} for v, vl in values.items()]
        else:
            rows.append({**base, "value": "", "value_label": ""})
    return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)
