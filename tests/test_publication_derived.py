"""Numbers the publication derives from its own published cells (issue 27): the ladder weighted to the
inhabitants per area, how sure a ranking's order is, the caution when many areas are compared, and the
CBS population figures they need (from a stored fixture: no network in tests)."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from conftest import make_app
from report_back_seed import publish, seed
from test_staff import signed_in

from ladder.publication.tables import Column, Row, Table

MOLENWAARD = "molenwaard-dorpsoverleg"
SAMPLE_MARGINS = Path(__file__).parents[1] / "plugins/molenwaard/ladder_molenwaard/data/sample_margins.csv"
CBS_FIXTURE = Path(__file__).parent / "data" / "cbs_GM1978_2018.csv"
Z95 = 1.959963984540054


def wilson(p, n):
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return (0.0 if p <= 0 else max(centre - half, 0.0)), (1.0 if p >= 1 else min(centre + half, 1.0))


def logit_or_wilson(p, se, n):
    # R survey's svyciprop(method="xlogit"); Wilson where the logit has no width
    if not (0 < p < 1) or se <= 0:
        return wilson(p, n)
    half = Z95 * se / (p * (1 - p))
    logit = math.log(p / (1 - p))
    return 1 / (1 + math.exp(-(logit - half))), 1 / (1 + math.exp(-(logit + half)))


def inhabitants(path) -> dict[str, int]:
    rows = [line.split(";") for line in Path(path).read_text().splitlines() if line and not line.startswith("#")]
    head = rows[0]
    return {r[0]: int(r[head.index("aantal inwoners")]) for r in rows[1:]}


@pytest.fixture(scope="module")
def weighted_app(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("weighted")
    app = make_app(f"sqlite:///{tmp_path / 'ladder.sqlite3'}", tmp_path,
                   SURVEY_MARGINS={MOLENWAARD: str(SAMPLE_MARGINS)})
    assert seed(app, MOLENWAARD, 200) == 200
    publish(app, MOLENWAARD)
    return app


# --- the weighted ladder ------------------------------------------------------------------------------

def test_weighted_shares_equal_a_hand_computation_from_the_published_per_area_cells(weighted_app):
    data = weighted_app.test_client().get(f"/r/{MOLENWAARD}.json").get_json()
    tables = {t["id"]: t for t in data["tables"]}
    population = inhabitants(SAMPLE_MARGINS)
    checked = 0
    for aspect in ("huidig", "gewenst"):
        table, by_area = tables[f"weighted:{aspect}"], tables[f"ladder-by-area:{aspect}"]
        rungs = [r["id"] for r in tables[f"ladder:{aspect}"]["rows"]]
        used = [r for r in by_area["rows"] if r["cells"]["total"] and all(r["cells"][k] is not None for k in rungs)]
        assert [r["id"] for r in used] == table["params"]["areas"]
        everyone = sum(population[r["id"]] for r in used)
        n_eff = 1 / sum((population[r["id"]] / everyone) ** 2 * (1 - r["cells"]["total"] / population[r["id"]])
                        / r["cells"]["total"] for r in used)
        for row in table["rows"]:
            parts = {r["id"]: min(r["cells"][row["id"]] / r["cells"]["total"], 1) for r in used}
            share = sum(population[a] / everyone * part for a, part in parts.items())
            # stratified design, areas as strata, finite population correction (R survey's svymean)
            se = math.sqrt(sum((population[r["id"]] / everyone) ** 2 * (1 - r["cells"]["total"] / population[r["id"]])
                               * parts[r["id"]] * (1 - parts[r["id"]]) / (r["cells"]["total"] - 1)
                               for r in used if r["cells"]["total"] > 1))
            assert row["cells"]["weighted"] == pytest.approx(share, abs=1e-12), (aspect, row["id"])
            assert (row["cells"]["weighted_low"], row["cells"]["weighted_high"]) == \
                pytest.approx(logit_or_wilson(share, se, n_eff), abs=1e-12), (aspect, row["id"])
            checked += 1
        # weighting moves the shares: the big villages count for more than their share of the answers
        plain = {r["id"]: r["cells"]["share"] for r in tables[f"ladder:{aspect}"]["rows"]}
        assert any(abs(r["cells"]["weighted"] - plain[r["id"]]) > 0.005 for r in table["rows"])
    assert checked == 2 * len(rungs)


def test_the_weighted_ladder_is_said_in_words_on_the_page_and_in_the_verslag(weighted_app):
    page = weighted_app.test_client().get(f"/r/{MOLENWAARD}").get_data(as_text=True)
    assert "gewogen naar het aantal inwoners per gebied" in page
    assert "gewogen naar het aantal inwoners" in page.lower()
    verslag = signed_in(weighted_app, "admin", None).get(f"/beheer/s/{MOLENWAARD}/participatieverslag").get_data(
        as_text=True)
    assert "gewogen naar het aantal inwoners per gebied" in verslag
    assert "Gewogen deel" in verslag


def test_no_weighted_table_without_population_figures(sqlite_url, tmp_path):
    app = make_app(sqlite_url, tmp_path)
    assert seed(app, MOLENWAARD, 120) == 120
    publish(app, MOLENWAARD)
    data = app.test_client().get(f"/r/{MOLENWAARD}.json").get_json()
    assert not [t["id"] for t in data["tables"] if t["kind"] == "weighted"]
    assert "gewogen" not in app.test_client().get(f"/r/{MOLENWAARD}").get_data(as_text=True).lower()


def test_a_margins_file_without_inhabitants_gives_no_weighted_table(tmp_path):
    from ladder.publication.weighted import populations, weighted_ladders
    path = tmp_path / "margins.csv"
    path.write_text("gebied;mannen;vrouwen\nstreefkerk;10;12\n")
    assert populations(path) == {} and populations(None) == {} and populations(tmp_path / "missing.csv") == {}
    assert weighted_ladders(object(), {}) == []


# --- how sure a ranking's order is ----------------------------------------------------------------------

def ranking(counts: dict[str, list[int]]) -> Table:
    rows = [Row(v, {"nl": v}, {"points": sum((3 - i) * n for i, n in enumerate(c)), "first": c[0],
                               "place_2": c[1], "place_3": c[2]}) for v, c in counts.items()]
    rows.sort(key=lambda r: -r.cells["points"])
    return Table("question:q", "ranking", {"nl": "q"}, [Column("points", "Punten", "points")], rows,
                 Row(None, "Gaven een volgorde", {"count": 100}), params={"k": 3})


def test_items_far_apart_have_one_place_and_items_close_together_are_too_close_to_call():
    from ladder.publication.ranking import certainty
    table = ranking({"verkeer": [60, 20, 10], "groen": [30, 40, 20], "zorg": [6, 22, 36], "jeugd": [4, 18, 34]})
    certainty(table)
    cells = {r.id: r.cells for r in table.rows}
    assert [r.id for r in table.rows] == ["verkeer", "groen", "zorg", "jeugd"]
    assert (cells["verkeer"]["rank_low"], cells["verkeer"]["rank_high"]) == (1, 1)
    assert cells["verkeer"]["above_next"] >= 0.98 and cells["verkeer"]["close"] == 0
    assert cells["zorg"]["close"] == 1 and 0.5 < cells["zorg"]["above_next"] < 0.95  # 98 against 82 points
    assert (cells["zorg"]["rank_low"], cells["zorg"]["rank_high"]) == (3, 4)
    assert cells["jeugd"]["above_next"] is None and cells["jeugd"]["close"] is None


def test_the_pseudo_respondents_give_back_the_published_counts_and_nobody_places_an_item_twice():
    import numpy as np
    from ladder.publication.ranking import pseudo_respondents
    counts = np.array([[60, 30, 6, 4], [20, 40, 22, 18], [10, 20, 36, 34]])  # positions x items
    placed = pseudo_respondents(counts, np.random.default_rng(1))
    assert len(placed) == 100
    for position in range(3):
        assert np.bincount(placed[placed[:, position] >= 0, position], minlength=4).tolist() == counts[position].tolist()
    assert all(len(set(row[row >= 0])) == len(row[row >= 0]) for row in placed)


def test_a_hidden_position_count_gives_no_order_certainty():
    from ladder.publication.ranking import certainty
    table = ranking({"verkeer": [60, 20, 10], "groen": [30, 40, 20]})
    table.rows[1].cells["place_3"] = None
    certainty(table)
    assert table.params["order"] == "hidden" and "rank_low" not in table.rows[0].cells


def test_the_published_order_certainty_is_computed_from_the_published_cells_alone(weighted_app):
    """Recomputed from /r/<slug>.json alone (its position counts), it is the same: nothing else went in."""
    from ladder.publication.ranking import certainty
    from ladder.publication.tables import Publication
    data = weighted_app.test_client().get(f"/r/{MOLENWAARD}.json").get_json()
    publication = Publication.from_json(data)
    table = publication.table("question:themas")
    assert table.params["order"] == "shown"
    published = [dict(r.cells) for r in table.rows]
    for row in table.rows:
        for key in ("rank_low", "rank_high", "above_next", "close"):
            del row.cells[key]
    table.columns = [c for c in table.columns if c.kind not in ("rank", "probability")]
    certainty(table)
    assert [r.cells for r in table.rows] == published
    page = weighted_app.test_client().get(f"/r/{MOLENWAARD}").get_data(as_text=True)
    assert "Hoe zeker is deze volgorde?" in page and "waarschijnlijk op plaats" in page


def test_every_published_count_of_every_row_is_in_the_audit_a_rankings_places_included(weighted_app):
    """A count shown but left out of the audit's linear program is a count nobody checked: every place of a
    ranking must be audited like "Op 1 gezet" (the order's certainty is computed from them)."""
    from ladder import db
    from ladder.analysis import response_frame
    from ladder.publication.build import build
    from ladder.publication.store import seed_of
    from ladder.registry import registry
    with weighted_app.test_request_context():
        reg = registry()
        survey = reg.survey(MOLENWAARD)
        frame = response_frame(db.engine(), survey, registry=reg, include_id=True, include_text=False)
        publication, structure = build(survey, reg, frame, seed_of(MOLENWAARD))
    audited = {(c.table, str(c.row), c.column) for c in structure.counted}
    shown = {(t.id, str(r.id), c.id) for t in publication.tables for r in t.rows for c in t.columns
             if c.kind in ("count", "points") and c.id in r.cells}
    assert shown - audited == set()
    places = {key for key in shown if key[0] == "question:themas" and key[2].startswith("place_")}
    assert len(places) == 2 * 8  # places 2 and 3 of eight topics


# --- many areas at once ------------------------------------------------------------------------------------

def test_a_table_of_thirteen_villages_says_that_some_differences_arise_by_chance(weighted_app):
    data = weighted_app.test_client().get(f"/r/{MOLENWAARD}.json").get_json()
    by_area = next(t for t in data["tables"] if t["kind"] == "ladder-by-area")
    assert by_area["params"] == {"n": 13, "expected": 1, "chance": 49}
    page = weighted_app.test_client().get(f"/r/{MOLENWAARD}").get_data(as_text=True)
    assert "U vergelijkt hier 13 gebieden tegelijk" in page and "49%" in page


def test_few_areas_get_no_caution():
    from ladder.publication.caution import many_areas
    from ladder.publication.tables import Publication
    rows = [Row(str(i), str(i), {"total": 5}) for i in range(4)]
    publication = Publication("s", "2026-01-01", 20, {}, [Table("ladder-by-area:x", "ladder-by-area", "x", [], rows)])
    many_areas(publication)
    assert publication.tables[0].note == ""
    publication.tables[0].rows = [Row(str(i), str(i), {"total": 5}) for i in range(80)]
    many_areas(publication)
    assert publication.tables[0].params == {"n": 80, "expected": 4, "chance": 98}


# --- CBS margins -----------------------------------------------------------------------------------------

def molenwaard(app):
    from ladder.registry import registry
    with app.test_request_context():
        return registry().survey(MOLENWAARD)


def test_the_cbs_fixture_becomes_margins_for_molenwaards_kernen(sqlite_app, tmp_path):
    from ladder.analysis import cbs
    from ladder.analysis.weights import read_margins
    from ladder.publication.weighted import populations
    rows = cbs.read_cache(CBS_FIXTURE)
    assert (rows.municipality, rows.year, rows.table) == ("GM1978", 2018, "84286NED")
    margins = cbs.margins_for(molenwaard(sqlite_app), rows)
    assert margins.used == {"bleskensgraaf": ["WK197801"], "brandwijk": ["WK197802"], "goudriaan": ["WK197803"],
                            "molenaarsgraaf": ["WK197804"], "nieuw-lekkerland": ["WK197800"]}
    assert len(margins.missing) == 8 and "kinderdijk" in margins.missing
    path = cbs.write_margins(margins, rows, tmp_path / "margins.csv")
    read = read_margins(path)
    assert read.loc["goudriaan", "AantalInwoners"] == 920 and list(read.columns) == ["AantalInwoners"]
    assert populations(path) == {"bleskensgraaf": 2910, "brandwijk": 1305, "goudriaan": 920, "molenaarsgraaf": 1140,
                                 "nieuw-lekkerland": 9270}
    text = path.read_text()
    assert "84286NED" in text and "2018" in text and "# nieuw-lekkerland: WK197800" in text


def test_margins_fetch_uses_the_cached_rows_and_writes_the_surveys_margins(sqlite_app):
    import shutil
    cache = Path(sqlite_app.instance_path) / "cbs" / "GM1978-2018.csv"
    cache.parent.mkdir(parents=True)
    shutil.copy(CBS_FIXTURE, cache)
    done = sqlite_app.test_cli_runner().invoke(args=["margins", "fetch", "GM1978", "--year", "2018",
                                                     "--survey", MOLENWAARD])
    assert done.exit_code == 0, done.output
    written = Path(sqlite_app.instance_path) / "margins" / f"{MOLENWAARD}.csv"
    assert "gebied;AantalInwoners" in written.read_text()
    assert "no CBS rows for area 'kinderdijk'" in done.output and "SURVEY_MARGINS" in done.output


def test_fetch_keeps_only_the_municipalitys_rows_and_strips_cbs_suffixes():
    from ladder.analysis import cbs
    asked = {}

    def get_data(table, filters):
        asked.update(table=table, filters=filters)
        return [{"WijkenEnBuurten": "Wijk 02 Streefkerk", "SoortRegio_2": "Wijk     ", "Codering_3": "WK197802  ",
                 "AantalInwoners_5": 3500, "Mannen_6": 1780, "Vrouwen_7": 1720, "k_0Tot15Jaar_8": 660},
                {"WijkenEnBuurten": "Elders", "SoortRegio_2": "Wijk", "Codering_3": "WK019780",
                 "AantalInwoners_5": 10}]
    rows = cbs.fetch("1978", 2018, get_data=get_data)
    assert asked["table"] == "84286NED" and "startswith(WijkenEnBuurten,'BU1978')" in asked["filters"]
    assert [r["code"] for r in rows.rows] == ["WK197802"]
    assert rows.rows[0]["Mannen"] == 1780 and rows.rows[0]["k_15Tot25Jaar"] is None and rows.rows[0]["soort"] == "Wijk"


@pytest.mark.parametrize("args, says", [
    (["margins", "fetch", "Molenwaard", "--year", "2018"], "not a CBS municipality code"),
    (["margins", "fetch", "GM1978", "--year", "1850"], "no Kerncijfers wijken en buurten table known for 1850"),
    (["margins", "fetch", "GM1978", "--year", "2018", "--survey", "nope"], "no survey 'nope'"),
])
def test_margins_fetch_says_what_is_wrong_and_writes_nothing(sqlite_app, args, says):
    done = sqlite_app.test_cli_runner().invoke(args=args)
    assert done.exit_code == 1 and says in done.output, done.output
    assert not (Path(sqlite_app.instance_path) / "cbs").exists()


def test_margins_fetch_without_network_says_so(sqlite_app, monkeypatch):
    from ladder.analysis import cbs

    def offline(*args, **kwargs):
        raise OSError("Could not resolve host: opendata.cbs.nl")
    monkeypatch.setattr(cbs, "fetch", offline)
    done = sqlite_app.test_cli_runner().invoke(args=["margins", "fetch", "GM1978", "--year", "2018"])
    assert done.exit_code == 1 and "cannot read CBS open data" in done.output
    assert not (Path(sqlite_app.instance_path) / "cbs" / "GM1978-2018.csv").exists()
