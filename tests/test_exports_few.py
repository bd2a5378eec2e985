"""Every exporter on a survey with no responses, with one, and with only withdrawn ones (issue 24): from the
dashboard and from ``ladder export``, on SQLite and PostgreSQL."""
import pytest

from test_resident import token
from test_staff import MINE, VALID, signed_in

STATES = ("none", "one", "withdrawn")


def _prepare(app, state):
    client = app.test_client()
    if state == "none":
        return
    response = client.post(f"/api/v1/surveys/{MINE}/responses", json={"answers": VALID})
    assert response.status_code == 201
    if state == "withdrawn":
        receipt = response.get_json()["receipt"]
        page = client.get("/intrekken")
        done = client.post("/intrekken", data={"csrf_token": token(page.data), "code": receipt, "bevestig": "ja"})
        assert done.status_code in (200, 302)


@pytest.mark.parametrize("state", STATES)
def test_every_export_works_with_none_one_or_only_withdrawn_responses(app, tmp_path, state):
    _prepare(app, state)
    editor = signed_in(app, "editor")
    formats = sorted(app.extensions["ladder"].exporters)
    assert "sav" in formats
    for fmt in formats:
        response = editor.get(f"/beheer/s/{MINE}/export/{fmt}")
        assert response.status_code == 200, (fmt, state)
        assert response.data, (fmt, state)
        out = tmp_path / f"export.{fmt}"
        result = app.test_cli_runner().invoke(args=["export", MINE, "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, (fmt, state, result.output, result.exception)
        assert out.stat().st_size > 0


def test_the_dashboard_and_the_command_export_through_one_check(app, tmp_path, monkeypatch):
    """One export path (issue 22): the staff download and ``ladder export`` both write through
    ``ladder.analysis.export``, so both pass the one option check (``exporter_for``)."""
    from ladder.analysis import exporters
    checked = []
    real = exporters.exporter_for

    def spy(registry, fmt, **options):
        checked.append(fmt)
        return real(registry, fmt, **options)
    monkeypatch.setattr(exporters, "exporter_for", spy)
    _prepare(app, "one")
    editor = signed_in(app, "editor")
    assert editor.get(f"/beheer/s/{MINE}/export/json").status_code == 200
    web = len(checked)
    result = app.test_cli_runner().invoke(args=["export", MINE, "--format", "json", "-o", str(tmp_path / "a.json")])
    assert result.exit_code == 0, result.output
    assert web >= 2 and checked.count("json") == len(checked) >= web + 2  # looked up first, then export() checks
    assert editor.get(f"/beheer/s/{MINE}/export/nonsense").status_code == 404
