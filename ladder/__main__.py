"""The ``ladder`` program: Flask's CLI for this app (run, routes, shell) plus ladder's and the plugins' commands."""
import click
from flask.cli import FlaskGroup

from .app import create_app


@click.group(cls=FlaskGroup, create_app=create_app)
def main():
    """Participation surveys on the participation ladder."""


if __name__ == "__main__":
    main()
