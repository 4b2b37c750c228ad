"""The ``course`` command: one entry point for instructors, with a subcommand per job.

Each subcommand lives in the module that does the work and registers itself here through
an ``add_parser(subparsers)`` function, so this file only wires them together.
"""

from __future__ import annotations

import argparse
import sys

from course import __version__

# (module, attribute) pairs: each attribute is a function that adds one subcommand.
_SUBCOMMANDS = [
    ("course.authoring", "add_parser"),        # course build-lessons
    ("course.grading.cli", "add_grade_parser"),  # course grade
    ("course.grading.cli", "add_bundle_parser"),  # course gradescope-bundle
    ("course.grading.class_report.cli", "add_parser"),  # course class-report
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand that is installed."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="course",
        description="Tools for the 'Train a Neural Network' course.",
        epilog="Example: course build-lessons   (regenerate lessons/ from solutions/)",
    )
    parser.add_argument("--version", action="version", version=f"course {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name, function_name in _SUBCOMMANDS:
        module = importlib.import_module(module_name)
        getattr(module, function_name)(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``course`` command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
