"""Invitation letters (issue 12): full links from BASE_URL, a link that carries the code, QR codes, A4 letters."""
import csv
import io
import re

import pytest

from conftest import make_app
from ladder.testing import need_module
from test_resident import token
from test_staff import MINE, signed_in

BASE = "https://inspraak.testgemeente.nl"


@pytest.fixture
def app(sqlite_url, tmp_path):
    return make_app(sqlite_url, tmp_path, BASE_URL=BASE + "/")


@pytest.fixture
def editor(app):
    return signed_in(app, "editor")


def make(editor, count, als):
    page = editor.get(f"/beheer/s/{MINE}")
    return editor.post(f"/beheer/s/{MINE}/codes", data={"csrf_token": token(page.data), "count": str(count),
                                                       "als": als})


def test_the_csv_gives_each_code_its_full_address_and_a_link_that_carries_it(editor):
    response = make(editor, 3, "csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3
    for row in rows:
        assert row["adres"] == f"{BASE}/s/{MINE}"
        assert row["link"] == f"{BASE}/s/{MINE}/uitnodiging#{row['code']}"


def test_letters_have_one_qr_code_and_one_code_each_and_no_style_attributes(editor):
    response = make(editor, 4, "brieven")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert html.count('<article class="letter"') == 4
    assert html.count('class="qr"') == 4
    codes = re.findall(r'<dd class="letter__secret">([^<]+)</dd>', html)
    assert len(set(codes)) == 4
    assert not re.search(r"\sstyle=", html)


def test_the_qr_code_encodes_the_link_with_the_code():
    from ladder.invites import qr_svg
    import segno
    link = f"{BASE}/s/{MINE}/uitnodiging#ABCD-EFGH"
    assert qr_svg(link).startswith("<svg")
    # same symbol as segno makes for that text: the SVG's path data follow the modules
    expected = io.BytesIO()
    segno.make(link, error="m").save(expected, kind="svg", scale=4, border=2, xmldecl=False)
    assert re.search(r' d="([^"]+)"', qr_svg(link)).group(1) == \
        re.search(r' d="([^"]+)"', expected.getvalue().decode()).group(1)


def test_the_invitation_page_posts_the_code_to_the_start_and_the_code_never_reaches_the_server_in_a_url(app, editor):
    page = editor.get(f"/beheer/s/{MINE}")
    editor.post(f"/beheer/s/{MINE}/status", data={"csrf_token": token(page.data), "status": "open", "invite_only": "ja"})
    response = make(editor, 1, "csv")
    code = next(csv.DictReader(io.StringIO(response.get_data(as_text=True))))["code"]
    resident = app.test_client()
    invitation = resident.get(f"/s/{MINE}/uitnodiging")  # the browser drops "#code"
    html = invitation.get_data(as_text=True)
    assert 'name="invite_code"' in html and "invitation.js" in html and "<script>" not in html
    started = resident.post(f"/s/{MINE}", data={"csrf_token": token(invitation.data), "invite_code": code,
                                                "action": "start"})
    assert started.status_code == 302 and "/s/" in started.headers["Location"]


def test_letters_as_pdf_one_a4_page_each(editor):
    need_module("weasyprint")
    response = make(editor, 3, "pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    from pypdf import PdfReader
    pages = PdfReader(io.BytesIO(response.get_data())).pages
    assert len(pages) == 3  # one page per letter: the print CSS breaks after each and keeps each on one page
    codes = [re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page.extract_text().replace(" ", "")) for page in pages]
    assert all(codes) and len({c.group(0) for c in codes}) == 3
