"""The ``course`` command: one entry point for instructors, with a subcommand per job.

Each subcommand lives in the module that does the work and registers itself here through
an ``add_parser(subparsers)`` function, so this file only wires them together.
"""

from __future__ import annotations

import argparse
import sys

from course import __version__

# (subcommands, module, attribute): each attribute is a function that adds the subcommands
# named before it. Only the module of the subcommand asked for is imported (the others pull
# in nbformat and jsonschema, over a second of start-up); `course --help` imports them all.
_SUBCOMMANDS = [
    (("build-lessons", "run-solutions"), "course.authoring", "add_parser"),
    (("grade",), "course.grading.cli", "add_grade_parser"),
    (("gradescope-bundle",), "course.grading.cli", "add_bundle_parser"),
    (("class-report",), "course.grading.class_report.cli", "add_parser"),
]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: with only ``command``'s subcommands when it names one, else with
    every subcommand that is installed."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="course",
        description="Tools for the 'Train a Neural Network' course.",
        epilog="Example: course build-lessons   (regenerate lessons/ from solutions/)",
    )
    parser.add_argument("--version", action="version", version=f"course {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    known = command in {name for names, _, _ in _SUBCOMMANDS for name in names}
    for names, module_name, function_name in _SUBCOMMANDS:
        if not known or command in names:
            module = importlib.import_module(module_name)
            getattr(module, function_name)(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``course`` command and return its exit status."""
    arguments = sys.argv[1:] if argv is None else argv
    parser = build_parser(arguments[0] if arguments else None)
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help()
        return 0
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
