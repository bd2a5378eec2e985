"""Starting the app is what every ``ladder`` command, every server process and every resident's first page
pays for. The libraries that compute (pandas, numpy, HiGHS, matplotlib) and the migrations (alembic) load
when something uses them: a command such as ``ladder routes`` took 1.5 s of CPU with them and 0.8 s without."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ladder.testing import migrate, new_sqlite_database

ROOT = Path(__file__).resolve().parents[1]
LATER = ("numpy", "pandas", "highspy", "matplotlib", "alembic", "scipy", "statsmodels")

# In a fresh interpreter: the app with the bundled plugins, a resident's pages and staff's plans register,
# then a command; prints the libraries of LATER that were imported after each step.
SCRIPT = """
import json, sys
from ladder import create_app
later = lambda: sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)
steps = {}
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "start", "TESTING": True}, instance_path=sys.argv[3])
steps["create_app"] = later()
client = app.test_client()
for path in ("/", "/s/molenwaard-dorpsoverleg", "/s/molenwaard-dorpsoverleg?lang=fy", "/plannen", "/-/health"):
    assert client.get(path).status_code == 200, path
steps["pages"] = later()
result = app.test_cli_runner().invoke(args=["plugins", "--json"])
assert result.exit_code == 0, result.output
steps["ladder plugins"] = later()
print(json.dumps(steps))
"""


def _start(tmp_path, later=LATER) -> dict:
    url = new_sqlite_database(tmp_path / "ladder.sqlite3")
    migrate(url)
    done = subprocess.run([sys.executable, "-c", SCRIPT, url, json.dumps(later), str(tmp_path / "instance")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_app_its_pages_and_a_command_start_without_the_analysis_libraries(tmp_path):
    steps = _start(tmp_path)
    assert steps == {"create_app": [], "pages": [], "ladder plugins": []}


@pytest.mark.parametrize("module", ["json", "ladder.plugins"])
def test_the_check_sees_a_module_that_is_imported(tmp_path, module):
    """The check above can fail: a module the start does import is reported at every step."""
    steps = _start(tmp_path, later=(module,))
    assert steps == {"create_app": [module], "pages": [module], "ladder plugins": [module]}
