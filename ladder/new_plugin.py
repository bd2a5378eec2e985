"""``ladder new-plugin NAME``: a new municipality plugin from the template in ``ladder/plugin_template``.

The template is rendered with cookiecutter, without prompts (every value comes from here), into an
installable distribution: setup.cfg with the ``ladder`` entry point and the survey as package data,
a survey file, rung logic, tests using ``ladder.testing`` and a README.
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import click

TEMPLATE = Path(__file__).parent / "plugin_template"
# the plugin name is a Python identifier part (ladder_NAME) and an entry point name: keep it simple
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def generate(name: str, output_dir: str | Path = ".", municipality: str | None = None,
             village: str | None = None) -> Path:
    """Write the distribution ``participatieladder-NAME`` into ``output_dir`` and return its folder.

    Raises ValueError for a name that is not lower-case letters, digits and underscores, or when
    the folder already exists (nothing is overwritten).
    """
    from cookiecutter.main import cookiecutter  # loaded only for this command

    if not NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a plugin name: use lower-case letters, digits and _, "
                         "starting with a letter (e.g. voorbeelddorp)")
    output_dir = Path(output_dir)
    target = output_dir / f"participatieladder-{name.replace('_', '-')}"
    if target.exists():
        raise ValueError(f"{target} already exists; nothing was written")
    title = name.replace("_", " ").title()
    context = {"name": name, "municipality": municipality or title, "village": village or title}
    with tempfile.TemporaryDirectory() as scratch:
        # cookiecutter writes a replay file; keep it out of the user's home folder
        config = Path(scratch) / "config.yaml"
        config.write_text(f"replay_dir: {Path(scratch) / 'replay'}\ncookiecutters_dir: {Path(scratch) / 'cc'}\n")
        made = cookiecutter(str(TEMPLATE), no_input=True, extra_context=context, output_dir=str(output_dir),
                            config_file=str(config), accept_hooks=False)
    return Path(made)


@click.command("new-plugin")
@click.argument("name")
@click.option("--municipality", help="The municipality's name in the survey, without \"Gemeente\" (default: NAME).")
@click.option("--village", help="The place named in the survey's questions (default: NAME).")
@click.option("-o", "--output-dir", default=".", type=click.Path(file_okay=False), show_default=True,
              help="Where to write the plugin's folder.")
def new_plugin(name, municipality, village, output_dir):
    """Write a new plugin, participatieladder-NAME: survey, rung logic, tests, packaging."""
    try:
        folder = generate(name, output_dir, municipality=municipality, village=village)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Wrote {folder}. Next: pip install -e {folder} && python -m pytest {folder}")
