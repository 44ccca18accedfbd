"""The `riskreg` command line: the ribbon's twin. Each command opens, calls one function, reports."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

import click

from workbook.errors import RiskregError


class UserError(click.ClickException):
    """A RiskregError shown as `Error: …` with exit code 2, never a traceback."""

    exit_code = 2


def user_errors(command: Callable) -> Callable:
    """Turn the project's own errors into `Error: …` and exit code 2; let real bugs raise."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RiskregError as err:
            raise UserError(err.user_message) from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="riskreg")
def cli() -> None:
    """Keep the corporate risk register in Excel, check it, work out trends and build the board paper."""


def main(argv: list[str] | None = None) -> None:
    """Run the command line (entry point of the `riskreg` script)."""
    cli.main(args=argv, prog_name="riskreg")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
