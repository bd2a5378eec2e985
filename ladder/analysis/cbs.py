"""Population margins from CBS open data: "Kerncijfers wijken en buurten", per wijk and buurt of a
municipality, read with the ``cbsodata`` package (``pip install ladder[cbs]``).

Two steps, so that the network is needed once:

1. :func:`fetch` reads the rows of one municipality (the municipality, its wijken and buurten) from the
   year's table and :func:`write_cache` stores them in the instance folder with the year, the table id
   and the day they were read (``instance/cbs/GM1978-2018.csv``);
2. :func:`margins_for` adds those rows up to the survey's areas and gives the margins table that
   :func:`ladder.analysis.weights.read_margins` reads (column ``gebied`` plus CBS codes), for the
   weights, the representativeness index and the weighted tables of the publication.

Which rows make an area: the ``--areas`` mapping file when given (CBS code → area code); otherwise by
name: the buurten named after the area ("Streefkerk", "Verspreide huizen Streefkerk", "Buitengebied
Streefkerk"), else the wijk named after it ("Wijk 02 Streefkerk"). Areas without rows are reported.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# The "Kerncijfers wijken en buurten" table of each year on CBS StatLine (checked on cbs.nl).
TABLES = {2017: "83765NED", 2018: "84286NED", 2019: "84583NED", 2020: "84799NED", 2021: "85039NED",
          2022: "85318NED", 2023: "85618NED"}
COUNTS = ("AantalInwoners", "Mannen", "Vrouwen", "k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar",
          "k_45Tot65Jaar", "k_65JaarOfOuder")
CACHE_COLUMNS = ("code", "soort", "naam", *COUNTS)
_CODE = re.compile(r"^(GM)?(\d{4})$", re.I)


def municipality_code(value: str) -> str:
    """``GM1978`` from ``GM1978``, ``gm1978`` or ``1978``; ValueError otherwise."""
    found = _CODE.match(str(value).strip())
    if not found:
        raise ValueError(f"{value!r} is not a CBS municipality code (GM followed by four digits, e.g. GM1978)")
    return "GM" + found.group(2)


def table_of(year: int) -> str:
    if year not in TABLES:
        raise ValueError(f"no Kerncijfers wijken en buurten table known for {year} (known: "
                         f"{', '.join(map(str, TABLES))}); give its id with --table")
    return TABLES[year]


@dataclass
class Rows:
    """One municipality's rows of one table: ``rows`` are dicts with :data:`CACHE_COLUMNS`."""

    municipality: str
    year: int
    table: str
    read_on: str
    rows: list[dict] = field(default_factory=list)
    source: str = "CBS open data (cbsodata)"


def _plain(key: str) -> str:
    return re.sub(r"_\d+$", "", key)


def _number(value):
    if value is None or (isinstance(value, str) and not value.strip().lstrip("-").isdigit()):
        return None  # CBS "." (secret or unknown) and empty cells
    return int(value)


def fetch(municipality: str, year: int, table: str | None = None, get_data=None) -> Rows:
    """The municipality's own row and those of its wijken and buurten from CBS (needs the network and
    ``cbsodata``; ``get_data`` replaces ``cbsodata.get_data`` in tests)."""
    code = municipality_code(municipality)
    table = table or table_of(year)
    if get_data is None:
        try:
            import cbsodata
        except ImportError:
            raise RuntimeError("reading CBS open data needs the cbsodata package: pip install 'ladder[cbs]'") from None
        get_data = cbsodata.get_data
    digits = code[2:]
    wanted = (f"startswith(WijkenEnBuurten,'GM{digits}') or startswith(WijkenEnBuurten,'WK{digits}') "
              f"or startswith(WijkenEnBuurten,'BU{digits}')")
    found = []
    for raw in get_data(table, filters=wanted):
        row = {_plain(k): (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
        cbs_code = row.get("Codering") or ""
        if not cbs_code[2:6] == digits:
            continue
        found.append({"code": cbs_code, "soort": row.get("SoortRegio", ""), "naam": row.get("WijkenEnBuurten", ""),
                      **{c: _number(row.get(c)) for c in COUNTS}})
    if not found:
        raise ValueError(f"CBS table {table} has no rows for {code}")
    return Rows(code, year, table, date.today().isoformat(), found)


def cache_path(instance: str | Path, municipality: str, year: int) -> Path:
    return Path(instance) / "cbs" / f"{municipality_code(municipality)}-{year}.csv"


def write_cache(rows: Rows, path: Path) -> Path:
    """The rows as CSV, with the source, table id, year and day read in ``#`` lines above them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        out.write(f"# source: {rows.source}\n# table: {rows.table}\n# year: {rows.year}\n"
                  f"# municipality: {rows.municipality}\n# read on: {rows.read_on}\n")
        writer = csv.DictWriter(out, CACHE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows.rows:
            writer.writerow({k: "" if row.get(k) is None else row[k] for k in CACHE_COLUMNS})
    return path


def read_cache(path: str | Path) -> Rows:
    """Rows stored by :func:`write_cache` (or a fixture in the same shape)."""
    meta, lines = {}, []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                meta[key.strip()] = value.strip()
            else:
                lines.append(line)
    rows = [{k: (_number(v) if k in COUNTS else v) for k, v in row.items()} for row in csv.DictReader(lines)]
    missing = [k for k in ("table", "year", "municipality") if k not in meta]
    if missing:
        raise ValueError(f"{path}: no {', '.join(missing)} line (a '# table: 84286NED' comment above the rows)")
    return Rows(meta["municipality"], int(meta["year"]), meta["table"], meta.get("read on", ""), rows,
                meta.get("source", ""))


def _name(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def _rows_of_area(area, rows: list[dict]) -> list[dict]:
    name = _name(area.name if isinstance(area.name, str) else area.name.get("nl", area.code))
    buurten = [r for r in rows if r["soort"].lower() == "buurt"
               and _name(r["naam"]) in (name, f"verspreide huizen {name}", f"buitengebied {name}")]
    if buurten:
        return buurten
    return [r for r in rows if r["soort"].lower() == "wijk" and re.sub(r"^wijk \d+ ", "", _name(r["naam"])) == name]


@dataclass
class Margins:
    """The margins of a survey's areas: ``table`` rows for :func:`write_margins`, what went where."""

    table: list[dict]
    used: dict[str, list[str]]  # area code -> CBS codes added up
    missing: list[str]  # area codes without rows


def margins_for(survey, rows: Rows, mapping: dict[str, str] | None = None) -> Margins:
    """The CBS rows added up per area of ``survey`` (``mapping``: CBS code -> area code, else by name)."""
    table, used, missing = [], {}, []
    for area in survey.areas:
        if mapping:
            mine = [r for r in rows.rows if mapping.get(r["code"]) == area.code]
        else:
            mine = _rows_of_area(area, rows.rows)
        if not mine:
            missing.append(area.code)
            continue
        counts = {}
        for column in COUNTS:
            values = [r[column] for r in mine]
            # a sum is known only when every row is known (CBS leaves small buurten out as ".")
            counts[column] = None if any(v is None for v in values) else sum(values)
        used[area.code] = [r["code"] for r in mine]
        table.append({"gebied": area.code, **counts})
    return Margins(table, used, missing)


def write_margins(margins: Margins, rows: Rows, path: Path) -> Path:
    """The margins file ``SURVEY_MARGINS`` points at, with where each area's figures came from."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = ["gebied", *(c for c in COUNTS if all(r[c] is not None for r in margins.table))]
    with path.open("w", newline="", encoding="utf-8") as out:
        out.write(f"# CBS {rows.table} (Kerncijfers wijken en buurten {rows.year}), {rows.municipality}, "
                  f"read on {rows.read_on} ({rows.source})\n")
        for area, codes in margins.used.items():
            out.write(f"# {area}: {' + '.join(codes)}\n")
        writer = csv.DictWriter(out, columns, delimiter=";", extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(margins.table)
    return path


def read_mapping(path: str | Path) -> dict[str, str]:
    """A CSV with columns ``code`` (CBS wijk or buurt code) and ``gebied`` (the survey's area code)."""
    with Path(path).open(encoding="utf-8") as fh:
        reader = csv.DictReader(line for line in fh if not line.startswith("#"))
        if not reader.fieldnames or not {"code", "gebied"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: needs the columns code and gebied")
        return {row["code"].strip(): row["gebied"].strip() for row in reader}
