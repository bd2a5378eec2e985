"""Attacks on the published results (issue 19), each done as an attacker would: against ``/r/<slug>.json``
and ``/r/<slug>``, the API, the receipt and the survey definition (public), never against the internals.

Every count the publication shows is perturbed by the cell-key method; the attacker knows the public
perturbation table, so a published ``v`` leaves the true count anywhere in ``cellkey.possible(v)``.
What the attacker must never get is a count (shown or hidden) pinned to a range narrower than the
protection interval (``PROTECTION``, 3): these tests compute the attacker's range from what is published
and assert it is at least that wide. The random-table attacker is an independent linear program
(scipy's HiGHS), written here from the survey definition, not ``ladder.publication.audit``.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import re
from collections import defaultdict
from pathlib import Path

import highspy
import numpy as np
import pytest
from scipy.optimize import brentq
from sqlalchemy import func, select

from conftest import make_app
from report_back_seed import answers_for, seed, set_status
from test_resident import token
from test_staff import signed_in

from ladder import db, lifecycle, report_back
from ladder.conditions import evaluate, questions_in
from ladder.publication.cellkey import possible

PROTECTION = 3  # the promise in docs/privacy.rst: no count narrower than this, given everything published
MIN_CHANGES = 10  # RESULTS_MIN_CHANGES' default: responses that must come or go between two snapshots
BUNDLED = ["molenwaard-dorpsoverleg", "sudwest-fryslan-belangen", "rotterdam-buurt-bestuurt",
           "rotterdam-participatiekompas", "haarlemmermeer-rollen-dorps-en-wijkraden",
           "zwijndrecht-dorpsraad-heerjansdam"]
SEEDED = 300  # "a few hundred seeded responses" per survey
Z95 = 1.959963984540054  # the 95 % normal quantile, as any reader of "waarschijnlijk tussen" would take it

# Rungs that are a one-to-one map of one question's answer (read in the plugins' public rung code): an
# attacker knows these cells count the same people. Haarlemmermeer places a role's rung exactly when that
# role is ticked in ``rollen``.
RUNG_OF_ANSWER = {
    "rotterdam-buurt-bestuurt": [("betrokkenheid", "betrokkenheid", {
        "uitkomst": "informeren", "mening": "raadplegen", "meedenken": "adviseren", "meedoen": "coproduceren",
        "groep": "meebeslissen", "zelf": "zelfbeheer"})],
    "sudwest-fryslan-belangen": [
        ("nu", "prioriteiten_hoe", {"achteraf": "informeren", "gemeente_vraagt": "raadplegen",
                                    "doorgeven": "adviseren", "samen": "coproduceren", "zelf": "zelfbeheer"}),
        ("gewenst", "rol_gemeente", {"advies": "adviseren", "samenwerken": "coproduceren",
                                     "faciliteren": "meebeslissen", "overlaten": "zelfbeheer"})],
    "zwijndrecht-dorpsraad-heerjansdam": [
        ("budget", "zeggenschap_budget", {"horen": "informeren", "mening": "raadplegen", "voorstellen": "adviseren",
                                          "samen": "coproduceren", "stemmen": "meebeslissen", "zelf": "zelfbeheer"}),
        ("dorpszaken", "zeggenschap_dorpszaken", {"horen": "informeren", "mening": "raadplegen",
                                                  "advies": "adviseren", "samen": "coproduceren",
                                                  "beslissen": "meebeslissen", "zelf": "zelfbeheer"})],
}
FEW_NO = [{"area": "streefkerk", "initiatief": "ja"}] * 8 + [{"area": "streefkerk", "initiatief": "nee"}] * 3
# population figures, so that the publication also holds the ladder weighted to the inhabitants per area
MARGINS = {"molenwaard-dorpsoverleg": str(Path(__file__).parents[1] / "plugins/molenwaard/ladder_molenwaard/data/"
                                                                       "sample_margins.csv")}
ROLE_PLACES_RUNG = {"haarlemmermeer-rollen-dorps-en-wijkraden": "rollen"}  # aspect placed iff role ticked


# --- the attacker's tools -----------------------------------------------------------------------------

def app_with(tmp_path, slug=None, n=0, key="attacks"):
    """An app (SQLite); ``n`` seeded responses to ``slug``, whose record keys come from a fixed secret seed
    (``key``) so that the noise, and what these tests print, is the same on every run."""
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path, SURVEY_MARGINS=MARGINS)
    if slug:
        from ladder.models import PublicationKey
        with app.app_context():
            secret = hashlib.sha256(f"{slug}/{key}".encode()).hexdigest()
            db.session().add(PublicationKey(survey_slug=slug, seed=secret))
            db.session().commit()
    if slug and n:
        assert seed(app, slug, n) == n
    return app


def survey_of(app, slug):
    from ladder.registry import registry
    with app.test_request_context():
        reg = registry()
        return reg, reg.survey(slug)



def set_sealed(app, slug, sealed):
    """Staff's own choice, as on the report-back settings form."""
    from ladder.registry import registry
    with app.test_request_context():
        report_back.save_settings(registry().survey(slug), None, sealed)
        db.session().commit()


class Staff:
    """An editor who publishes the results through the staff page (the only way staff publish)."""

    def __init__(self, app, slug):
        self.app, self.slug = app, slug
        self.client = signed_in(app, "admin", None)

    def publish(self):
        reg, survey = survey_of(self.app, self.slug)
        rung = reg.ladders[survey.ladder].rungs[0].id
        page = self.client.get(f"/beheer/s/{self.slug}/uitkomsten")
        done = self.client.post(f"/beheer/s/{self.slug}/uitkomsten", data={
            "csrf_token": token(page.data), "results_text": "Dank voor het meedoen.", "next_rung": rung})
        assert done.status_code == 302, done.get_data(as_text=True)[:500]


def snapshots(app, slug):
    from ladder.models import PublicationRow
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(PublicationRow)
                                   .where(PublicationRow.survey_slug == slug))


def read(client, slug):
    """What anyone can read: the page and its JSON (bytes), and the JSON parsed (None when not public)."""
    page = client.get(f"/r/{slug}")
    data = client.get(f"/r/{slug}.json")
    return page.data, data.data, (data.get_json() if data.status_code == 200 else None)


def stable(html: bytes) -> bytes:
    """The page without what differs per request whatever is published (CSP nonce, CSRF token)."""
    html = re.sub(rb'nonce="[^"]*"', b'nonce=""', html)
    return re.sub(rb'name="csrf_token"[^>]*value="[^"]*"', b'name="csrf_token"', html)


def api_answer(client, app, slug, rng, **fixed):
    """Answer through the public API as anyone may: realistic answers, ``fixed`` ones forced. The receipt."""
    reg, survey = survey_of(app, slug)
    area_q = reg.area_question(survey)
    area = fixed.pop("area", None)
    if area_q is not None and area is None:
        area = reg.type_of(area_q).schema(area_q, survey)["enum"][0]
    with app.test_request_context():
        answers = {**answers_for(reg, survey, rng, area), **fixed}
    for _attempt in range(8):
        done = client.post(f"/api/v1/surveys/{slug}/responses", json={"answers": answers})
        if done.status_code == 201:
            return done.get_json()["receipt"]
        assert done.status_code == 422, done.get_data(as_text=True)
        for qid in done.get_json().get("errors", {}):  # skip logic or a limit the draw did not know
            assert qid not in fixed, done.get_json()
            answers.pop(qid, None)
    raise AssertionError(f"no valid answers for {slug}")


def withdraw(client, receipt):
    page = client.get("/intrekken")
    done = client.post("/intrekken", data={"csrf_token": token(page.data), "code": receipt, "bevestig": "ja"})
    assert done.status_code == 302, done.get_data(as_text=True)[:300]


def seed_with(app, slug, plan):
    """Store responses as residents would, each a dict of forced answers (``area`` included)."""
    from ladder.submit import InvalidAnswers, submit
    from ladder.registry import registry
    rng = random.Random(f"{slug}-attack")
    with app.test_request_context():
        reg = registry()
        survey = reg.survey(slug)
        state = lifecycle.editable_row(survey)
        state.status, state.opens_on, state.closes_on, state.invite_only = "open", None, None, False
        db.session().commit()
        for fixed in plan:
            fixed = dict(fixed)
            answers = {**answers_for(reg, survey, rng, fixed.pop("area", None)), **fixed}
            for _attempt in range(8):
                try:
                    submit(reg, survey, answers, channel="form")
                    break
                except InvalidAnswers as exc:
                    for qid in exc.errors:
                        assert qid not in fixed, exc.errors
                        answers.pop(qid, None)
            else:
                raise AssertionError("no valid answers")


def cell(publication, table_id, row_id, column="count"):
    table = next(t for t in publication["tables"] if t["id"] == table_id)
    row = table["total"] if row_id is None else next(r for r in table["rows"] if r["id"] == row_id)
    return row["cells"].get(column)


def possible_from(method, published: int) -> tuple[int, int]:
    """The true counts that can give ``published``, from the method the JSON itself publishes (zero stays
    zero; the perturbation table's noises per true count). Must be what ``cellkey.possible`` says."""
    table = {int(k): {d for d, p in row if p > 0} for k, row in method["ptable"].items()}
    top = max(table)
    found = [t for t in range(0, published + method["max_noise"] + 1)
             if (t == 0 and published == 0) or (t > 0 and published - t in table[min(t, top)])]
    assert (found[0], found[-1]) == possible(published), "the published method is not the one described"
    return found[0], found[-1]


METHOD = {}  # the method of the publication being attacked (set by ``attack``)


def interval(published, method=None):
    """What the published perturbation table allows for a shown count; a hidden one: anything."""
    return possible_from(method or METHOD["current"], published) if published is not None else (0, math.inf)


def attack(data):
    """Read the method as the attacker does, from the JSON itself."""
    METHOD["current"] = data["method"]
    return data


def meet(*ranges):
    return max(r[0] for r in ranges), min(r[1] for r in ranges)


_published: dict = {}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """slug -> (app, JSON) of a closed survey with SEEDED realistic responses, published by staff."""
    def get(slug):
        if slug not in _published:
            app = app_with(tmp_path_factory.mktemp(slug[:20]), slug, SEEDED)
            set_status(app, slug, "closed")
            Staff(app, slug).publish()
            _, _, data = read(app.test_client(), slug)
            assert data is not None, f"{slug}: nothing published after staff published a closed survey"
            _published[slug] = (app, data)
        return _published[slug]
    yield get
    _published.clear()


# --- 1. skip logic as a denominator ---------------------------------------------------------------------

@pytest.mark.parametrize("key", ["a", "b", "c", "d", "e"])
def test_skip_logic_denominator_does_not_pin_the_no_answers(tmp_path, key):
    """Molenwaard: ``initiatief`` ja/nee; the initiatieffonds page (``draagvlak``, required) only after
    "ja". Its "N mensen beantwoordden" and the question's total give nee = total − answered, unless both
    are protected. Few "nee" as in the issue (ja 8 / nee 3)."""
    slug = "molenwaard-dorpsoverleg"
    app = app_with(tmp_path, slug, key=key)
    seed_with(app, slug, FEW_NO)
    set_status(app, slug, "closed")
    Staff(app, slug).publish()
    client = app.test_client()
    _, _, data = read(client, slug)
    attack(data)
    html = client.get(f"/r/{slug}").get_data(as_text=True)
    total, ja, nee = (cell(data, "question:initiatief", r) for r in (None, "ja", "nee"))
    answered = cell(data, "question:draagvlak", None)  # the follow-up's "beantwoordden"
    # what the page says must be the JSON's number (one publication)
    if answered is not None:
        assert re.search(rf"\b{answered}\b", html)
    ja_range = meet(interval(ja), interval(answered))  # the follow-up (required) is answered by exactly the ja's
    total_range = meet(interval(total), interval(data["responses"]))  # initiatief is required: everyone
    lo, hi = meet(interval(nee), (total_range[0] - ja_range[1], total_range[1] - ja_range[0]))
    print(f"\nskip-logic attacker: nee in [{lo}, {hi}] (published ja {ja}, nee {nee}, total {total}, "
          f"follow-up answered {answered})")
    assert hi - lo >= PROTECTION, (lo, hi)


# --- 9. the random-table attacker: one linear program over everything published ------------------------

MISSING = "<no answer>"
RANDOM_OBJECTIVES = 40


class Attacker:
    """Non-negative unknowns (people), linear relations known from the survey definition, and every
    published count bounded by what the public perturbation table allows. ``audited`` are the counts
    whose range is asked for: every cell of the JSON that counts people, shown or hidden."""

    def __init__(self):
        self.index: dict = {}
        self.rows: list[tuple[dict, float, float]] = []  # lo <= sum(coef * x) <= hi
        self.audited: list[tuple[str, dict, object]] = []

    def x(self, *key) -> int:
        return self.index.setdefault(key, len(self.index))

    def relate(self, expr: dict, lo: float, hi: float, published: bool = False):
        self.rows.append((dict(expr), lo, hi, published))

    def count(self, label: str, expr: dict, published):
        """A published (or hidden: None) count of the people in ``expr``."""
        self.audited.append((label, dict(expr), published))
        if published is not None:
            self.relate(expr, *interval(int(published)), published=True)

    def _program(self, rows) -> Program:
        """One HiGHS model of ``rows`` over every unknown (each at least 0)."""
        program = Program(len(self.index))
        for expr, lo, hi, _published in rows:
            # a lower bound of 0 or less on a sum of non-negative terms says nothing: left out
            if lo != hi and not (lo > 0 or any(v < 0 for v in expr.values())):
                lo = -math.inf
            program.relate(expr, lo, hi)
        return program

    def cost(self, expr):
        cost = np.zeros(len(self.index))
        for i, v in expr.items():
            cost[i] += v
        return cost

    @functools.cached_property
    def definition(self) -> Program:
        """The relations the survey definition gives, without any published count (made once, asked many times)."""
        return self._program([r for r in self.rows if not r[3]])

    def structural_zero(self, expr) -> bool:
        """Zero by the survey definition alone (no answer leads there): nothing about anyone."""
        status, value, _ = self.definition.minimum(-self.cost(expr))
        return status == "optimal" and -value < 1e-6

    def ranges(self):
        """(label, published, lowest, highest, solved) for every audited count; integer bounds (counts
        are whole); ``solved``: by its own two LPs (exact), else a range already proven wide enough."""
        n = len(self.index)
        program = self._program(self.rows)
        # Feasible points (vertices for random objectives, then each optimum found): a count that already
        # takes values PROTECTION apart at two of them has a range at least that wide; only the others need
        # their own two LPs (their range is then exact).
        points = []
        rng = np.random.default_rng(19)
        for _ in range(RANDOM_OBJECTIVES):
            status, _, x = program.minimum(rng.uniform(-1, 1, size=n))
            if status == "optimal":
                points.append(x)
        out = []
        for number, (label, expr, shown) in enumerate(self.audited):
            cost = self.cost(expr)
            reached = [float(cost @ p) for p in points]
            if reached and math.floor(max(reached) + 1e-6) - math.ceil(min(reached) - 1e-6) >= PROTECTION:
                out.append((label, shown, math.ceil(min(reached) - 1e-6), math.floor(max(reached) + 1e-6), False))
                continue
            found = []
            for sign in (1, -1):
                status, value, x = program.minimum(sign * cost)
                assert status in ("optimal", "unbounded"), f"the attacker's model is {status}: a wrong relation"
                if status == "unbounded":
                    found.append(math.inf)
                    continue
                points.append(x)
                found.append(sign * value)
            out.append((label, shown, whole(found[0], math.ceil), whole(found[1], math.floor), True))
        return out


class Program:
    """The attacker's linear program: relations ``lo <= sum(coef * x) <= hi`` over unknowns ``x >= 0``, minimised
    for one objective after another in one HiGHS model (each solve starts from the last one's basis: the same
    optimal values as a fresh program per objective, at possibly other optimal points, in a fraction of the time)."""

    def __init__(self, n: int):
        self.n = n
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.addVars(n, np.zeros(n), np.full(n, highspy.kHighsInf))

    def relate(self, expr: dict, lo: float, hi: float):
        inf = highspy.kHighsInf
        self.highs.addRow(max(lo, -inf), min(hi, inf), len(expr), np.array(list(expr), dtype=np.int32),
                          np.array(list(expr.values()), dtype=float))

    def minimum(self, cost) -> tuple[str, float, np.ndarray | None]:
        """("optimal", the least value, where) or ("unbounded" / "infeasible" / another status, nan, None)."""
        h = self.highs
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), np.asarray(cost, dtype=float))
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return "optimal", h.getInfo().objective_function_value, np.array(h.getSolution().col_value)
        if status == highspy.HighsModelStatus.kUnbounded:
            return "unbounded", math.nan, None
        return h.modelStatusToString(status).lower(), math.nan, None


def whole(value, rounding):
    """A bound on a count, made whole (counts are integers); infinite stays infinite."""
    return value if math.isinf(value) else rounding(value + (1e-6 if rounding is math.floor else -1e-6))


def model(survey, reg, data) -> Attacker:
    """Everything in ``data`` (the JSON of /r/) and every relation the survey definition gives."""
    att = Attacker()
    tables = {t["id"]: t for t in data["tables"]}
    areas = [r["id"] for r in tables["areas"]["rows"]]
    size = {a: att.x("N", a) for a in areas}
    everyone = {size[a]: 1 for a in areas}
    for r in tables["areas"]["rows"]:
        att.count(f"areas[{r['id']}]", {size[r['id']]: 1}, r["cells"]["count"])
    att.count("areas[total]", everyone, tables["areas"]["total"]["cells"]["count"])
    att.count("responses", everyone, data["responses"])

    placed = {}  # aspect -> expression of everyone placed on a rung
    rung_total = {}  # (aspect, rung) -> expression
    for aspect in survey.aspects:
        by_area, whole = tables.get(f"ladder-by-area:{aspect}"), tables.get(f"ladder:{aspect}")
        if whole is None:
            continue
        rungs = [r["id"] for r in whole["rows"]]
        for a in areas:  # every area's people are on one rung or none
            att.relate({**{att.x(aspect, a, r): 1 for r in [*rungs, MISSING]}, size[a]: -1}, 0, 0)
        for r in rungs:
            rung_total[aspect, r] = {att.x(aspect, a, r): 1 for a in areas}
        placed[aspect] = {att.x(aspect, a, r): 1 for a in areas for r in rungs}
        for row in whole["rows"]:
            att.count(f"ladder:{aspect}[{row['id']}]", rung_total[aspect, row["id"]], row["cells"]["count"])
        att.count(f"ladder:{aspect}[total]", placed[aspect], whole["total"]["cells"]["count"])
        if by_area is None:
            continue
        assert [r["id"] for r in by_area["rows"]] == areas, "the per-area ladder leaves out areas"
        for row in by_area["rows"]:
            a = row["id"]
            for r in rungs:
                att.count(f"ladder-by-area:{aspect}[{a}][{r}]", {att.x(aspect, a, r): 1}, row["cells"][r])
            att.count(f"ladder-by-area:{aspect}[{a}][total]", {att.x(aspect, a, r): 1 for r in rungs},
                      row["cells"]["total"])
        for r in rungs:
            att.count(f"ladder-by-area:{aspect}[total][{r}]", rung_total[aspect, r], by_area["total"]["cells"][r])
        att.count(f"ladder-by-area:{aspect}[total][total]", placed[aspect], by_area["total"]["cells"]["total"])

    answered, shown_by_value, ticked = {}, {}, {}
    questions = {q.id: q for q in survey.questions}
    for qid, question in questions.items():
        table = tables.get(f"question:{qid}")
        if table is None:
            continue
        schema = reg.type_of(question).schema(question, survey)
        values = [r["id"] for r in table["rows"]]
        if table["kind"] == "ranking":
            k = int(table["params"]["k"])
            weights = [k - i for i in range(k)]
            gave = att.x(qid, "gave")
            answered[qid] = {gave: 1}
            att.relate({gave: 1, **{size[a]: -1 for a in areas}}, -math.inf, 0)
            for i in range(k):  # exactly k places, each taken by one value, a value at most once
                att.relate({**{att.x(qid, i, v): 1 for v in values}, gave: -1}, 0, 0)
            for v in values:
                att.relate({**{att.x(qid, i, v): 1 for i in range(k)}, gave: -1}, -math.inf, 0)
            for row in table["rows"]:
                v = row["id"]
                att.count(f"{table['id']}[{v}][first]", {att.x(qid, 0, v): 1}, row["cells"]["first"])
                for i in range(1, k):  # every place's count is published (for how sure the order is)
                    att.count(f"{table['id']}[{v}][place {i + 1}]", {att.x(qid, i, v): 1},
                              row["cells"].get(f"place_{i + 1}"))
                if row["cells"]["points"] is not None:  # points = sum of weight × published count per place
                    shown_at = {i: att.x(qid, "shown", i, v) for i in range(k)}
                    for i in range(k):
                        att.relate({shown_at[i]: 1, att.x(qid, i, v): -1}, -3, 3)
                    for i, place in enumerate(["first", *(f"place_{j}" for j in range(2, k + 1))]):
                        if row["cells"].get(place) is not None:
                            att.relate({shown_at[i]: 1}, row["cells"][place], row["cells"][place])
                    att.relate({shown_at[i]: w for i, w in enumerate(weights)}, row["cells"]["points"],
                               row["cells"]["points"])
            att.count(f"{table['id']}[total]", answered[qid], table["total"]["cells"]["count"])
        elif schema.get("type") == "array":  # more answers possible
            some = att.x(qid, "answered")
            answered[qid] = {some: 1}
            att.relate({some: 1, **{size[a]: -1 for a in areas}}, -math.inf, 0)
            picks = {v: att.x(qid, "ticked", v) for v in values}
            ticked[qid] = picks
            for v in values:
                att.relate({picks[v]: 1, some: -1}, -math.inf, 0)
            least, most = schema.get("minItems", 1), schema.get("maxItems", len(values))
            att.relate({**{picks[v]: 1 for v in values}, some: -least}, 0, math.inf)
            att.relate({**{picks[v]: 1 for v in values}, some: -most}, -math.inf, 0)
            for row in table["rows"]:
                att.count(f"{table['id']}[{row['id']}]", {picks[row['id']]: 1}, row["cells"]["count"])
            att.count(f"{table['id']}[total]", answered[qid], table["total"]["cells"]["count"])
        else:
            chose = {v: att.x(qid, v) for v in [*values, MISSING]}
            att.relate({**{chose[v]: 1 for v in chose}, **{size[a]: -1 for a in areas}}, 0, 0)
            shown_by_value[qid] = chose
            answered[qid] = {chose[v]: 1 for v in values}
            for row in table["rows"]:
                att.count(f"{table['id']}[{row['id']}]", {chose[row['id']]: 1}, row["cells"]["count"])
            att.count(f"{table['id']}[total]", answered[qid], table["total"]["cells"]["count"])

    # skip logic: who answered a question is a part of who gave the answers that show it (all of them if required)
    page_of = {q.id: p for p in survey.pages for q in p.questions}
    for qid in answered:
        question = questions[qid]
        conditions = [c for c in (question.show_if, page_of[qid].show_if) if c]
        exprs = []
        for condition in conditions:
            sources = questions_in(condition)
            source = next(iter(sources)) if len(sources) == 1 else None
            if source in shown_by_value:
                chose = shown_by_value[source]
                exprs.append({chose[v]: 1 for v in chose
                              if evaluate(condition, {source: v} if v != MISSING else {})})
            elif source in ticked:
                choices = list(ticked[source])
                hits = [v for v in choices if evaluate(condition, {source: [v]})]
                others = [v for v in choices if v not in hits]
                if len(hits) == 1 and not evaluate(condition, {}) and not evaluate(condition, {source: others}):
                    exprs.append({ticked[source][hits[0]]: 1})  # "contains": a part of who ticked it
                elif condition.get("answered") is True:
                    exprs.append(answered[source])
        for expr in exprs:
            exact = question.required and len(exprs) == len(conditions) == 1
            att.relate({**answered[qid], **{i: -v for i, v in expr.items()}}, 0 if exact else -math.inf, 0)
        if not conditions and question.required:
            att.relate({**answered[qid], **{size[a]: -1 for a in areas}}, 0, 0)

    # rungs that are a one-to-one map of an answer count the same people as that answer
    for aspect, qid, rung_of in RUNG_OF_ANSWER.get(survey.slug, []):
        chose = shown_by_value[qid]
        for value, rung in rung_of.items():
            att.relate({**rung_total[aspect, rung], chose[value]: -1}, 0, 0)
    if survey.slug in ROLE_PLACES_RUNG:
        roles = ticked[ROLE_PLACES_RUNG[survey.slug]]
        for aspect in placed:
            att.relate({**placed[aspect], roles[aspect]: -1}, 0, 0)
    return att


@pytest.mark.parametrize("slug", BUNDLED)
def test_random_table_attacker_cannot_narrow_any_count_below_the_protection_interval(published, slug):
    app, data = published(slug)
    attack(data)
    reg, survey = survey_of(app, slug)
    with app.test_request_context():
        attacker = model(survey, reg, data)
    found = attacker.ranges()
    solved = [f for f in found if f[4]]
    structural = {i for i, f in enumerate(found) if f[3] - f[2] < PROTECTION and f[3] == 0
                  and attacker.structural_zero(attacker.audited[i][1])}
    narrow = [f for i, f in enumerate(found) if f[3] - f[2] < PROTECTION and i not in structural]
    kept = [f for i, f in enumerate(found) if i not in structural]
    print(f"\n{slug}: {len(found)} counts ({sum(f[1] is None for f in found)} hidden or unpublished, "
          f"{len(structural)} zero by the survey definition), {len(attacker.index)} unknowns, {len(solved)} "
          f"solved by LP")
    for what, among in (("any count", kept), ("a count published as 1 or more", [f for f in kept if f[1]])):
        if not among:
            continue
        f = min(among, key=lambda f: f[3] - f[2])
        print(f"  tightest, {what}: {f[0]} (published {f[1]}) in [{f[2]}, {f[3]}], width {f[3] - f[2]}"
              f"{'' if f[4] else ' or wider'}")
    assert not narrow, narrow[:20]


# --- 2. two publications, two protections -----------------------------------------------------------

def summary_cells(printed: dict) -> dict:
    """(table id, row id, column) -> number, of what ``ladder summary --format json`` prints, in the
    publication's own cells: its tables when it prints the publication, else its rows per area and rung."""
    out = {}
    if "tables" in printed:
        for table in printed["tables"]:
            for row in table["rows"] + ([table["total"]] if table.get("total") else []):
                for column, value in row["cells"].items():
                    out[table["id"], row["id"], column] = value
        out["responses"] = printed.get("responses")
        return out
    for row in printed.get("summaries", {}).get("rungs-per-area", []):
        out[f"ladder-by-area:{row['aspect']}", row["area"], row["rung"]] = row["count"]
    for row in printed.get("summaries", {}).get("ranking-borda", []):
        if "first" in row:
            out[f"question:{row['question']}", row["value"], "first"] = row["first"]
    out["responses"] = printed.get("responses")
    return out


def publication_cells(data: dict) -> dict:
    out = {"responses": data["responses"]}
    for table in data["tables"]:
        for row in table["rows"] + ([table["total"]] if table.get("total") else []):
            for column, value in row["cells"].items():
                out[table["id"], row["id"], column] = value
    return out


def test_two_publications_summary_and_r_json_give_the_same_numbers_for_the_same_cells(published):
    """Haarlemmermeer's small areas: /r/ and `ladder summary` must not protect the same cells two ways
    (the issue: Hoofddorp 12 on /r/, 10 in the report, so Floriande = 2)."""
    slug = "haarlemmermeer-rollen-dorps-en-wijkraden"
    app, data = published(slug)
    printed = app.test_cli_runner().invoke(args=["summary", slug, "--format", "json"])
    assert printed.exit_code == 0, printed.output
    theirs, ours = summary_cells(json.loads(printed.stdout)), publication_cells(data)
    same = [key for key in theirs if key in ours]
    print(f"\n`ladder summary` and /r/<slug>.json: {len(same)} cells in both")
    assert len(same) > 20, f"only {len(same)} cells in both"
    differ = {key: (theirs[key], ours[key]) for key in same if theirs[key] != ours[key]}
    assert not differ, f"{len(differ)} of {len(same)} cells differ (summary, /r/): {dict(list(differ.items())[:8])}"


# --- 3. padding and withdrawal ------------------------------------------------------------------------

def padded_molenwaard(tmp_path):
    """Molenwaard with few "nee" to `initiatief` (as in the issue), staff having published the results."""
    slug = "molenwaard-dorpsoverleg"
    app = app_with(tmp_path, slug)
    seed_with(app, slug, FEW_NO)
    return app, slug


def test_padding_while_open_shows_nothing_with_the_default_settings(tmp_path):
    """The attacker pads while the survey is open: with the default settings /r/ shows no numbers then,
    even after staff published (results are sealed until the survey closes by default)."""
    app, slug = padded_molenwaard(tmp_path)
    Staff(app, slug).publish()
    attacker = app.test_client()
    rng = random.Random("padding")
    for _ in range(2):
        api_answer(attacker, app, slug, rng, initiatief="nee", area="streefkerk")
    page, raw, data = read(attacker, slug)
    assert data is None, "/r/<slug>.json is public while the survey is open"
    assert "nog niet bekendgemaakt" in page.decode()


def test_padding_and_withdrawal_leave_the_original_count_protected_and_r_unchanged(tmp_path):
    app, slug = padded_molenwaard(tmp_path)
    staff = Staff(app, slug)
    attacker = app.test_client()
    rng = random.Random("padding")
    receipts = [api_answer(attacker, app, slug, rng, initiatief="nee", area="streefkerk") for _ in range(2)]
    set_status(app, slug, "closed")
    staff.publish()
    page, raw, data = read(attacker, slug)
    attack(data)
    assert data is not None
    # the attacker takes off their own two "nee": what is left for the others?
    total, ja = interval(cell(data, "question:initiatief", None)), interval(cell(data, "question:initiatief", "ja"))
    nee = meet(interval(cell(data, "question:initiatief", "nee")), (total[0] - ja[1], total[1] - ja[0]))
    others = (max(nee[0], 2) - 2, nee[1] - 2)
    print(f"\npadding attacker: published nee {cell(data, 'question:initiatief', 'nee')}; the others' nee in {others}")
    assert others[1] - others[0] >= PROTECTION, others
    before = snapshots(app, slug)
    for receipt in receipts:  # both withdrawn with their receipts
        withdraw(attacker, receipt)
    after_page, after_raw, _ = read(attacker, slug)
    assert after_raw == raw, "/r/<slug>.json changed after two withdrawals"
    assert stable(after_page) == stable(page), "/r/ changed after two withdrawals"
    staff.publish()  # staff publish again: 2 changes, fewer than MIN_CHANGES
    again_page, again_raw, _ = read(attacker, slug)
    assert again_raw == raw and stable(again_page) == stable(page)
    assert snapshots(app, slug) == before == 1


# --- 4. differencing over time -----------------------------------------------------------------------

def test_differencing_one_new_response_changes_nothing_and_a_new_snapshot_needs_min_changes(tmp_path):
    slug = "zwijndrecht-dorpsraad-heerjansdam"
    app = app_with(tmp_path, slug, 150)
    set_sealed(app, slug, False)  # staff chose to show results while the survey is open
    staff = Staff(app, slug)
    staff.publish()
    reader = app.test_client()
    page, raw, data = read(reader, slug)
    assert data is not None
    rng = random.Random("differencing")
    api_answer(app.test_client(), app, slug, rng)  # one new resident
    one_page, one_raw, _ = read(reader, slug)
    assert one_raw == raw and stable(one_page) == stable(page), "/r/ follows a single new response"
    for _ in range(MIN_CHANGES - 2):
        api_answer(app.test_client(), app, slug, rng)
    staff.publish()  # MIN_CHANGES - 1 changes: still the same snapshot
    few_page, few_raw, _ = read(reader, slug)
    assert few_raw == raw and stable(few_page) == stable(page) and snapshots(app, slug) == 1
    api_answer(app.test_client(), app, slug, rng)
    staff.publish()  # MIN_CHANGES changes: a new publication moment
    _, new_raw, new = read(reader, slug)
    assert snapshots(app, slug) == 2, "staff published again after MIN_CHANGES new responses: no new snapshot"
    assert new_raw != raw and new["tables"] != data["tables"]


# --- 5. zero-cell intervals ----------------------------------------------------------------------------

def wilson(share, n):
    centre = (share + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(share * (1 - share) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return (0.0 if share <= 0 else max(centre - half, 0.0)), (1.0 if share >= 1 else min(centre + half, 1.0))


@pytest.mark.parametrize("slug", BUNDLED)
def test_zero_cell_intervals_give_no_group_size_beyond_the_published_total(published, slug):
    """The attacker inverts every interval ("waarschijnlijk tussen") for the group size it was computed
    on: it must be the table's published total, and there is none where that total is hidden."""
    _, data = published(slug)
    checked = zeros = 0
    for table in data["tables"]:
        for row in table["rows"]:
            c = row["cells"]
            if "high" not in c:
                continue
            total = table["total"]["cells"].get("count")
            if total is None or c.get("count") is None:
                assert c.get("share") is None and c.get("low") is None and c.get("high") is None, (table["id"], row)
                continue
            if c["high"] is None:
                continue
            assert c["share"] == pytest.approx(min(c["count"] / total, 1.0)), (table["id"], row)
            if c["share"] <= 0:  # high = z²/(n + z²): the group size it was computed on
                n = Z95 ** 2 * (1 - c["high"]) / c["high"]
                zeros += 1
            else:
                n = brentq(lambda m: wilson(c["share"], m)[1] - c["high"], 0.01, 1e7) if c["high"] < 1 else total
            assert n == pytest.approx(total, abs=0.01), (table["id"], row["id"], n, total)
            assert (c["low"], c["high"]) == pytest.approx(wilson(c["share"], total)), (table["id"], row["id"])
            checked += 1
    print(f"\n{slug}: {checked} intervals checked, {zeros} of zero cells")
    assert checked > 10


# --- 6. means and standard errors ---------------------------------------------------------------------

SUMS = re.compile(r"(^|_)(mean|average|avg|se|sd|std|stderr|variance|sum|gemiddeld|per_person)($|_)", re.I)


def keys_and_ids(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            if k in ("id", "kind") and isinstance(v, str):
                yield v
            yield from keys_and_ids(v)
    elif isinstance(value, list):
        for v in value:
            yield from keys_and_ids(v)


@pytest.mark.parametrize("slug", BUNDLED)
def test_means_and_standard_errors_are_not_published(published, slug):
    """A mean and its standard error from exact values give sums (mean × n, Σx²). Nothing in the JSON is
    a mean or a spread; the page prints none either ("gemiddeld", "standaardfout", "per persoon")."""
    app, data = published(slug)
    found = sorted({k for k in keys_and_ids(data["tables"]) if isinstance(k, str) and SUMS.search(k)})
    assert not found, found
    kinds = {c["kind"] for t in data["tables"] for c in t["columns"]}
    # a ranking's places and the probability that it ranks above the next (computed from published counts) are
    # neither a mean nor a spread
    assert kinds <= {"count", "share", "low", "high", "points", "rank", "probability"}, kinds
    html = app.test_client().get(f"/r/{slug}").get_data(as_text=True).lower()
    for word in ("gemiddeld", "standaardfout", "per persoon", "standard error"):
        assert word not in html, word


# --- 7. row presence and order ------------------------------------------------------------------------

def test_row_presence_an_area_with_one_respondent_is_listed_with_all_its_rungs(tmp_path):
    """Rows are never left out for being empty: every area of the survey in every per-area table, every
    rung in every row, every answer in every question table (whatever the counts)."""
    slug = "rotterdam-buurt-bestuurt"
    app = app_with(tmp_path, slug, 200)
    reg, survey = survey_of(app, slug)
    empty = [a.code for a in survey.areas][-1]
    api_answer(app.test_client(), app, slug, random.Random("one"), area=empty)
    set_status(app, slug, "closed")
    Staff(app, slug).publish()
    _, _, data = read(app.test_client(), slug)
    rungs = [r.id for r in reg.ladders[survey.ladder].rungs]
    codes = [a.code for a in survey.areas]
    tables = {t["id"]: t for t in data["tables"]}
    assert [r["id"] for r in tables["areas"]["rows"]] == codes
    for aspect in survey.aspects:
        by_area = tables[f"ladder-by-area:{aspect}"]
        assert [r["id"] for r in by_area["rows"]] == codes
        for row in by_area["rows"]:
            assert list(row["cells"]) == [*rungs, "total"], (aspect, row["id"])
        assert [r["id"] for r in tables[f"ladder:{aspect}"]["rows"]] == rungs
        one = next(r for r in by_area["rows"] if r["id"] == empty)
        print(f"\nthe area with one respondent ({empty}): {one['cells']}")
    for question in survey.questions:
        table = tables.get(f"question:{question.id}")
        if table is not None and question.choices:
            assert sorted(r["id"] for r in table["rows"]) == sorted(str(c.value) for c in question.choices), question.id


@pytest.mark.parametrize("slug", ["rotterdam-buurt-bestuurt", "zwijndrecht-dorpsraad-heerjansdam"])
@pytest.mark.parametrize("key", ["a", "b", "c"])
def test_row_order_of_a_ranking_follows_the_published_points_only(tmp_path, slug, key):
    """Rows in order of the *published* points (ties and hidden points in the survey's order, hidden last):
    an order by hidden or exact points gives away what the numbers hide. Few responses, so that the points
    lie close together and the noise can swap them."""
    app = app_with(tmp_path, slug, 15, key=key)
    set_status(app, slug, "closed")
    Staff(app, slug).publish()
    _, _, data = read(app.test_client(), slug)
    _, survey = survey_of(app, slug)
    rankings = [t for t in data["tables"] if t["kind"] == "ranking"]
    assert rankings
    for table in rankings:
        question = next(q for q in survey.questions if f"question:{q.id}" == table["id"])
        order = [str(c.value) for c in question.choices]
        points = {r["id"]: r["cells"]["points"] for r in table["rows"]}
        expected = sorted(order, key=lambda v: (points[v] is None, -(points[v] or 0), order.index(v)))
        assert [r["id"] for r in table["rows"]] == expected, (table["id"], points)


# --- 8. duplicated tables --------------------------------------------------------------------------------

def duplicates(survey, data):
    """Pairs of published cells that count the same people (known from the survey definition)."""
    tables = {t["id"]: t for t in data["tables"]}
    pairs = []
    for aspect, qid, rung_of in RUNG_OF_ANSWER.get(survey.slug, []):
        for value, rung in rung_of.items():
            pairs.append(((f"ladder:{aspect}", rung, "count"), (f"question:{qid}", value, "count")))
    if survey.slug in ROLE_PLACES_RUNG:
        for aspect in survey.aspects:
            roles = f"question:{ROLE_PLACES_RUNG[survey.slug]}"
            pairs.append(((f"ladder:{aspect}", None, "count"), (roles, aspect, "count")))
    for aspect in survey.aspects:  # the per-area table's total row is the whole-survey ladder
        if f"ladder-by-area:{aspect}" in tables:
            for row in tables[f"ladder:{aspect}"]["rows"]:
                pairs.append(((f"ladder:{aspect}", row["id"], "count"), (f"ladder-by-area:{aspect}", None, row["id"])))
            pairs.append(((f"ladder:{aspect}", None, "count"), (f"ladder-by-area:{aspect}", None, "total")))
    pairs.append((("areas", None, "count"), ("responses",)))
    if survey.slug == "molenwaard-dorpsoverleg":  # the initiatieffonds page (required) only after "ja"
        pairs.append((("question:initiatief", "ja", "count"), ("question:draagvlak", None, "count")))
    return pairs


def value_of(data, key):
    return data["responses"] if key == ("responses",) else cell(data, *key)


@pytest.mark.parametrize("slug", BUNDLED)
def test_duplicated_tables_publish_the_same_value_for_the_same_people(published, slug):
    """A rung that is a one-to-one map of one question, a follow-up's answerers, a total repeated: the
    same people must have the same published number (or both hidden), else the two versions give the
    true count away. The page shows the JSON's numbers (a ranking's first place included)."""
    app, data = published(slug)
    _, survey = survey_of(app, slug)
    pairs = duplicates(survey, data)
    differ = [(a, value_of(data, a), b, value_of(data, b)) for a, b in pairs if value_of(data, a) != value_of(data, b)]
    print(f"\n{slug}: {len(pairs)} duplicated cells compared")
    assert not differ, differ[:10]
    html = app.test_client().get(f"/r/{slug}").get_data(as_text=True)
    for table in (t for t in data["tables"] if t["kind"] == "ranking"):
        rows = re.findall(r'<tr><th scope="row">[^<]*</th><td class="num">([^<]*)</td>'
                          r'<td class="num">([^<]*)</td></tr>', html)
        want = [(f"{r['cells']['points']}" if r["cells"]["points"] is not None else "verborgen",
                 f"{r['cells']['first']}" if r["cells"]["first"] is not None else "verborgen") for r in table["rows"]]
        assert any(rows[i:i + len(want)] == want for i in range(len(rows))), (table["id"], want)
