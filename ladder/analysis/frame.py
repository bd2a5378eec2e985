"""The response frame: one row per response, one column per question, read in chunks from the database.

Each answer is pulled out of the JSON columns by the database itself (``json_extract`` on SQLite,
``->>`` / ``#>>`` on PostgreSQL), so Python never builds a dict per response. Rows stream from the
server in chunks (``stream_results`` + ``yield_per``); every chunk is turned into compact column pieces
(category codes, numpy numbers, Arrow strings) and dropped, so memory holds one chunk of rows plus the
compact columns, never the whole table as Python objects.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import String, create_engine, select, type_coerce
from sqlalchemy.engine import Engine

from ..ladders import ARNSTEIN, OVERHEIDSPARTICIPATIE, PARTICIPATIELADDER, Ladder
from ..models import Response
from ..text import pick

BUILTIN_LADDERS = {lad.id: lad for lad in (PARTICIPATIELADDER, ARNSTEIN, OVERHEIDSPARTICIPATIE)}
DEFAULT_CHUNKSIZE = 20_000


def load_registry(database_url: str | None = None, **config):
    """Build the plugin registry (surveys, ladders, summaries, exporters) without serving anything.

    Creates the Flask app object with ``ladder.create_app`` (no server runs) and returns its
    registry; ``config`` is passed on, e.g. ``EXTRA_PLUGINS=["my_plugin"]``.
    """
    from ..app import create_app
    settings = dict(config)
    if database_url:
        settings["DATABASE_URL"] = database_url
    app = create_app(settings)
    return app.extensions["ladder"]


def _engine(db: str | Engine) -> tuple[Engine, bool]:
    if isinstance(db, Engine):
        return db, False
    from ..db import make_engine
    return make_engine(db) if db.startswith("sqlite") else create_engine(db), True


def resolve_ladder(survey, ladder=None, registry=None) -> Ladder:
    """The ladder of ``survey``: given, from the registry, or one of ladder's built-in ladders."""
    if isinstance(ladder, Ladder):
        return ladder
    if registry is not None and survey.ladder in registry.ladders:
        return registry.ladders[survey.ladder]
    if survey.ladder in BUILTIN_LADDERS:
        return BUILTIN_LADDERS[survey.ladder]
    raise ValueError(f"survey {survey.slug!r} uses ladder {survey.ladder!r}: pass ladder= or registry=")


# --- column plans: what to select for a question and how to turn the values into pandas columns ----

@dataclass
class _Col:
    """One output column: its name, pandas kind, and the pieces gathered chunk by chunk."""

    name: str
    kind: str  # cat, bool, int, float, str, time
    categories: list[Any] = field(default_factory=list)
    ordered: bool = False
    pieces: list[Any] = field(default_factory=list)
    lookup: dict[Any, int] = field(default_factory=dict)

    def __post_init__(self):
        self.lookup = {v: i for i, v in enumerate(self.categories)}
        if self.kind == "cat" and all(isinstance(v, int) for v in self.categories):
            # JSON numbers come back as int or as text depending on the database: accept both
            self.lookup.update({str(v): i for i, v in enumerate(self.categories)})

    def add(self, values) -> None:
        kind = self.kind
        if kind == "cat":
            get = self.lookup.get
            dtype = np.int8 if len(self.categories) < 127 else np.int32
            self.pieces.append(np.fromiter((get(v, -1) for v in values), dtype=dtype, count=len(values)))
        elif kind == "bool":  # values: True / False / None
            self.pieces.append(np.fromiter((-1 if v is None else v for v in values), dtype=np.int8,
                                           count=len(values)))
        elif kind in ("int", "float"):
            self.pieces.append(np.fromiter((np.nan if v is None else v for v in values), dtype=np.float64,
                                           count=len(values)))
        elif kind == "str":
            self.pieces.append(pa.array(values, type=pa.large_string()))
        elif kind == "time":
            self.pieces.append(_times(values))

    def series(self) -> pd.Series:
        kind, pieces = self.kind, self.pieces
        if kind == "cat":
            codes = np.concatenate(pieces) if pieces else np.array([], dtype=np.int8)
            values = pd.Categorical.from_codes(codes, categories=self.categories, ordered=self.ordered)
            return pd.Series(values, name=self.name)
        if kind == "bool":
            raw = np.concatenate(pieces) if pieces else np.array([], dtype=np.int8)
            arr = pd.arrays.BooleanArray(raw == 1, raw < 0)
            return pd.Series(arr, name=self.name)
        if kind in ("int", "float"):
            raw = np.concatenate(pieces) if pieces else np.array([], dtype=np.float64)
            s = pd.Series(raw, name=self.name)
            return s.astype("Int64") if kind == "int" and np.all(np.isnan(raw) | (raw == np.round(raw))) \
                else s.astype("Float64")
        if kind == "str":
            chunked = pa.chunked_array(pieces, type=pa.large_string()) if pieces else pa.chunked_array(
                [], type=pa.large_string())
            return pd.Series(pd.arrays.ArrowStringArray(chunked.cast(pa.large_string())), name=self.name,
                             dtype=pd.StringDtype("pyarrow"))
        if kind == "time":
            raw = np.concatenate(pieces) if pieces else np.array([], dtype="datetime64[ns]")
            return pd.Series(pd.DatetimeIndex(raw).tz_localize("UTC"), name=self.name)
        raise AssertionError(kind)


def _times(values) -> np.ndarray:
    """Datetimes (PostgreSQL) or SQLite's stored text, as UTC datetime64[ns]."""
    if len(values) and isinstance(values[0], str):
        idx = pd.to_datetime(pd.Index(values, dtype=object), format="ISO8601", utc=True)
    else:
        idx = pd.to_datetime(pd.Index(values, dtype=object), utc=True)
    return idx.tz_convert("UTC").tz_localize(None).values.astype("datetime64[ns]")


def _schema(question, question_types) -> dict:
    qtype = (question_types or {}).get(question.type)
    if qtype is None:
        return {}
    try:
        return qtype.schema(question) or {}
    except Exception:
        return {}


@dataclass
class _Plan:
    """Select expressions and a function per chunk that feeds columns from them."""

    exprs: list[Any]
    feed: Any  # feed(list_of_value_lists) -> None


def _question_plan(question, question_types) -> tuple[list[_Col], _Plan] | None:
    qid, qtype = question.id, question.type
    answers = Response.answers
    values = [c.value for c in question.choices]
    if qtype == "area":
        return None  # the response's ``area`` column holds it
    if qtype in ("single_choice",) or (values and qtype not in ("multiple_choice", "ranking")):
        col = _Col(qid, "cat", values)
        return [col], _Plan([answers[qid].as_string()], lambda vals: col.add(vals[0]))
    if qtype == "scale":
        low, high = int(question.options.get("min", 1)), int(question.options.get("max", 5))
        col = _Col(qid, "cat", list(range(low, high + 1)), ordered=True)
        return [col], _Plan([answers[qid].as_string()], lambda vals: col.add(vals[0]))
    if qtype == "multiple_choice":
        cols = [_Col(f"{qid}__{v}", "bool") for v in values]
        cache: dict[str | None, tuple] = {}

        def feed_mc(vals):
            flags = []
            for raw in vals[0]:
                hit = cache.get(raw)
                if hit is None:
                    chosen = set(json.loads(raw)) if raw else None
                    hit = cache[raw] = tuple(None if chosen is None else (v in chosen) for v in values)
                flags.append(hit)
            per_col = list(zip(*flags)) if flags else [() for _ in values]
            for col, column_values in zip(cols, per_col):
                col.add(column_values)
        return cols, _Plan([answers[qid].as_string()], feed_mc)
    if qtype == "ranking":
        top = int(question.options.get("top", len(values)))
        cols = [_Col(f"{qid}_{i}", "cat", values) for i in range(1, top + 1)]
        exprs = [answers[(qid, i)].as_string() for i in range(top)]

        def feed_rank(vals):
            for col, column_values in zip(cols, vals):
                col.add(column_values)
        return cols, _Plan(exprs, feed_rank)
    if qtype == "number":
        col = _Col(qid, "int" if question.options.get("integer", True) else "float")
        return [col], _Plan([answers[qid].as_float()], lambda vals: col.add(vals[0]))
    schema = _schema(question, question_types)
    if "enum" in schema:
        col = _Col(qid, "cat", list(schema["enum"]))
        return [col], _Plan([answers[qid].as_string()], lambda vals: col.add(vals[0]))
    if schema.get("type") in ("integer", "number"):
        col = _Col(qid, "int" if schema["type"] == "integer" else "float")
        return [col], _Plan([answers[qid].as_float()], lambda vals: col.add(vals[0]))
    # text, and anything else: the stored value as text (JSON text for lists and objects)
    col = _Col(qid, "str")
    return [col], _Plan([answers[qid].as_string()], lambda vals: col.add(vals[0]))


def frame_columns(survey, ladder: Ladder, question_types=None) -> list[tuple[str, str]]:
    """(column, question id or role) for each column of the frame, in frame order."""
    out = [("area", "area")]
    for question in survey.questions:
        plan = _question_plan(question, question_types)
        if plan:
            out += [(c.name, question.id) for c in plan[0]]
    out += [(f"rung_{a}", "rung") for a in aspect_ids(survey)]
    out += [("survey_version", "meta"), ("locale", "meta"), ("created_at", "meta")]
    return out


def aspect_ids(survey) -> list[str]:
    return list(survey.aspects) or ["rung"]


def response_frame(db: str | Engine, survey, *, chunksize: int = DEFAULT_CHUNKSIZE, ladder=None, registry=None,
                   question_types=None, include_text: bool = True) -> pd.DataFrame:
    """One row per (not withdrawn) response to ``survey``, read from ``db`` in chunks of ``chunksize``.

    ``db`` is a database URL or a SQLAlchemy engine. Columns: ``area``; per question its answer
    (multiple choice as ``<qid>__<value>`` booleans, ranking as ``<qid>_1..<qid>_k``); ``rung_<aspect>``
    per aspect (ordered categorical of the ladder's rung ids); ``survey_version``, ``locale``,
    ``created_at`` (UTC). ``frame.attrs`` holds ``survey`` (slug), ``ladder`` (id) and ``labels``
    (column -> {value: label}); see :func:`codebook`.
    """
    lad = resolve_ladder(survey, ladder, registry)
    if question_types is None and registry is not None:
        question_types = registry.question_types
    if question_types is None:
        from ..question_types import BUILTIN_TYPES
        question_types = {t.name: t for t in BUILTIN_TYPES}
    engine, owned = _engine(db)
    sqlite = engine.dialect.name == "sqlite"

    area_col = _Col("area", "cat", [a.code for a in survey.areas])
    plans: list[_Plan] = [_Plan([Response.area], lambda vals: area_col.add(vals[0]))]
    columns: list[_Col] = [area_col]
    for question in survey.questions:
        plan = _question_plan(question, question_types)
        if plan is None or (not include_text and plan[0][0].kind == "str"):
            continue
        columns += plan[0]
        plans.append(plan[1])

    aspects = aspect_ids(survey)
    rung_ids = [r.id for r in lad.rungs]
    rung_cols = {a: _Col(f"rung_{a}", "cat", rung_ids, ordered=True) for a in aspects}
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

    version_col = _Col("survey_version", "str")
    locale_col = _Col("locale", "cat", list(dict.fromkeys([*survey.locales, "nl", "fy", "en"])))
    time_col = _Col("created_at", "time")
    created = type_coerce(Response.created_at, String) if sqlite else Response.created_at
    plans.append(_Plan([Response.survey_version, Response.locale, created],
                       lambda vals: (version_col.add(vals[0]), locale_col.add(vals[1]), time_col.add(vals[2]))))
    columns += [version_col, locale_col, time_col]

    exprs = [e for p in plans for e in p.exprs]
    spans, start = [], 0
    for p in plans:
        spans.append((start, start + len(p.exprs)))
        start += len(p.exprs)
    query = (select(*exprs)
             .where(Response.survey_slug == survey.slug, Response.withdrawn_at.is_(None))
             .order_by(Response.id))
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=chunksize).execute(query)
            for rows in result.partitions(chunksize):
                cols = list(zip(*rows))
                for plan, (a, b) in zip(plans, spans):
                    plan.feed(cols[a:b])
                del rows, cols
    finally:
        if owned:
            engine.dispose()

    frame = pd.DataFrame({c.name: c.series() for c in columns})
    frame.attrs.update({"survey": survey.slug, "ladder": lad.id, "labels": value_labels(survey, lad)})
    return frame


def value_labels(survey, ladder: Ladder, locale: str = "nl") -> dict[str, dict[Any, str]]:
    """Column -> {value: label} for every coded column of the frame of ``survey``."""
    labels: dict[str, dict[Any, str]] = {"area": {a.code: pick(a.name, locale) for a in survey.areas}}
    for q in survey.questions:
        choice_labels = {c.value: pick(c.label, locale) for c in q.choices}
        if q.type == "area":
            continue
        if q.type == "multiple_choice":
            for c in q.choices:
                labels[f"{q.id}__{c.value}"] = {True: "gekozen", False: "niet gekozen"}
        elif q.type == "ranking":
            top = int(q.options.get("top", len(q.choices)))
            for i in range(1, top + 1):
                labels[f"{q.id}_{i}"] = dict(choice_labels)
        elif q.type == "scale":
            low, high = int(q.options.get("min", 1)), int(q.options.get("max", 5))
            scale = {i: str(i) for i in range(low, high + 1)}
            for key, value in (("min_label", low), ("max_label", high)):
                if q.options.get(key):
                    text = q.options[key]
                    scale[value] = f"{value} {pick(text, locale) if isinstance(text, Mapping) else text}"
            labels[q.id] = scale
        elif choice_labels:
            labels[q.id] = choice_labels
    rung_titles = {r.id: pick(r.title, locale) for r in ladder.rungs}
    for a in aspect_ids(survey):
        labels[f"rung_{a}"] = dict(rung_titles)
    return labels


def codebook(survey, ladder=None, registry=None, locale: str = "nl", question_types=None) -> pd.DataFrame:
    """One row per frame column and value: column, question, type, label, value, value_label.

    Columns without coded values (numbers, text, times) get one row with an empty value.
    """
    lad = resolve_ladder(survey, ladder, registry)
    if question_types is None and registry is not None:
        question_types = registry.question_types
    labels = value_labels(survey, lad, locale)
    questions = {q.id: q for q in survey.questions}
    rows = []
    for column, role in frame_columns(survey, lad, question_types):
        q = questions.get(role)
        if q is not None:
            label, qtype = pick(q.label, locale), q.type
            if q.type == "multiple_choice":
                label = f"{label}: {q.choice_label(column.split('__', 1)[1], locale)}"
            elif q.type == "ranking":
                label = f"{label} (plaats {column.rsplit('_', 1)[1]})"
        elif role == "area":
            area_q = survey.area_question
            label, qtype = (pick(area_q.label, locale) if area_q else "Gebied"), "area"
        elif role == "rung":
            aspect = column.removeprefix("rung_")
            label = f"Trede ({pick(survey.aspects.get(aspect), locale) or aspect})"
            qtype = f"rung ({lad.id})"
        else:
            label, qtype = {"survey_version": "Versie van de vragenlijst", "locale": "Taal",
                            "created_at": "Ingestuurd (UTC)"}[column], "meta"
        values = labels.get(column)
        if values:
            rows += [{"column": column, "question": role if q else "", "type": qtype, "label": label,
                      "value": str(v), "value_label": vl} for v, vl in values.items()]
        else:
            rows.append({"column": column, "question": role if q else "", "type": qtype, "label": label,
                         "value": "", "value_label": ""})
    return pd.DataFrame(rows, columns=["column", "question", "type", "label", "value", "value_label"])
