"""Property-based test of the staff side (issue 24): every staff route and form, as a signed-in admin, editor
and analyst, with hostile text (NUL, control characters), numbers out of every range and unknown fields, on
SQLite and PostgreSQL. Never a 5xx; afterwards the survey's dashboard, exports and public page still work.

The number of examples per role and database is ``LADDER_PROPERTY_EXAMPLES`` (default 60, the same on every run).
"""
import io
import zipfile
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_properties import EXAMPLES, PROPERTY
from test_resident import token
from test_staff import MINE, OTHER, signed_in

# Field names of every staff form, so the views get past "missing field" and reach their checks.
FIELDS = ("status", "opens_on", "closes_on", "invite_only", "count", "results_text", "next_rung", "action", "code",
          "confirm", "slug", "topic", "question", "decision", "due_on", "results_expected", "sealed_until_closed",
          "item", "channel", "label", "locale", "double", "large_print", "letters", "invite_code", "checked",
          "survey_file", "email", "password", "password_again", "als", "municipality", "bevestig", "gebied", "kanaal",
          "actie", "persoon", "pagina", "pdf", "lang", "next")
# Numbers around every limit: small, PostgreSQL's integer, SQLite's and Python's floats; no large valid counts,
# which would only make the test slow (100,000 codes, 2,000 letters).
NUMBERS = st.one_of(st.integers(-3, 12), st.integers(2**31 - 2, 2**31 + 1), st.integers(2**63 - 1, 2**63 + 1),
                    st.just(10**20), st.just(-(10**20))).map(str)
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # NUL and every control character included
VALUE = st.one_of(TEXT, NUMBERS, st.sampled_from(["", "open", "closed", "draft", "raadplegen", "intrekken", "ja",
                                                   "2027-03-31", "31-03-2027", "paper", "nl", MINE, "y"]))
SKIPPED = {"/beheer/uitloggen"}  # would end the signed-in session the run depends on
ROLES = {"admin": None, "editor": "Testgemeente", "analyst": "Testgemeente"}


def _workbook() -> bytes:
    """A small valid .xlsx (an XLSForm's survey sheet), to upload whole and cut short."""
    from openpyxl import Workbook
    book = Workbook()
    book.active.title = "survey"
    for row in (("type", "name", "label"), ("text", "opmerking", "Opmerking")):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    assert zipfile.is_zipfile(io.BytesIO(out.getvalue()))
    return out.getvalue()


WORKBOOK = _workbook()


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.rule.startswith("/beheer") and r.rule not in SKIPPED),
                  key=lambda r: r.rule)


def _argument(name):
    if name == "slug":
        return st.one_of(st.sampled_from([MINE, OTHER]), TEXT)
    if name == "entry_id":
        return st.one_of(st.just("1"), NUMBERS)
    if name == "fmt":
        return st.one_of(st.sampled_from(["csv", "xlsx", "json", "parquet", "sav"]), TEXT)
    return st.one_of(st.sampled_from(["over-u", "x"]), TEXT)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_any_input_on_any_staff_route_is_never_a_server_error(app, role):
    client = signed_in(app, role, ROLES[role])
    rules = _rules(app)
    seen = {"tried": 0, "2xx/3xx": 0, "4xx": 0}

    @PROPERTY
    @given(data=st.data())
    def send(data):
        rule = data.draw(st.sampled_from(rules), label="rule")
        path = rule.rule
        for name in rule.arguments:
            value = data.draw(_argument(name), label=name)
            path = path.replace(f"<int:{name}>", quote(value, safe="")).replace(f"<{name}>", quote(value, safe=""))
        method = data.draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})), label="method")
        query = data.draw(st.dictionaries(st.sampled_from(FIELDS) | TEXT, VALUE, max_size=3), label="query")
        fields = data.draw(st.dictionaries(st.sampled_from(FIELDS) | TEXT, VALUE, max_size=6), label="form")
        if method == "POST" and data.draw(st.booleans(), label="with token"):
            fields["csrf_token"] = token(client.get("/beheer/").data)
        if method == "POST" and data.draw(st.integers(0, 3), label="with a file") == 0:  # damaged uploads too
            content = data.draw(st.one_of(st.binary(max_size=64), st.sampled_from([WORKBOOK[:n] for n in (30, 300, 3000)])
                                          | st.just(WORKBOOK)), label="file")
            fields["form_file"] = (io.BytesIO(content), data.draw(st.sampled_from(["form.xlsx", "f.xls", "x"])))
        response = client.open(path, method=method, query_string=query, data=fields if method == "POST" else None)
        assert response.status_code < 500, (method, path, query, fields, response.data[:300])
        seen["tried"] += 1
        seen["4xx" if response.status_code >= 400 else "2xx/3xx"] += 1

    send()
    print(f"\nstaff property {role} {app.config['DATABASE_URL'].split(':')[0]}: {seen}")
    assert seen["tried"] >= min(EXAMPLES, 50) and seen["4xx"] > 0 and seen["2xx/3xx"] > 0
    # Afterwards the survey still works, whatever the run changed (closed, published, deleted).
    editor = signed_in(app, "editor", "Testgemeente") if role != "editor" else client
    assert editor.get(f"/beheer/s/{MINE}").status_code == 200
    for fmt in sorted(app.extensions["ladder"].exporters):
        assert editor.get(f"/beheer/s/{MINE}/export/{fmt}").status_code == 200, fmt
    page = editor.get(f"/beheer/s/{MINE}/uitkomsten")
    editor.post(f"/beheer/s/{MINE}/uitkomsten", data={"csrf_token": token(page.data), "results_text": "Dank u.",
                                                      "next_rung": "raadplegen"})
    assert app.test_client().get(f"/r/{MINE}").status_code == 200
