"""The class gradebook: ``grades.csv`` from every report in ``--out``, overrides, LMS exports.

The gradebook is always rebuilt from the reports in the output folder, one row per report
(``<name>.json``), so grading one student's folder again into the same ``--out`` replaces
that student's reports and keeps everyone else's rows; ``graded_at`` says when each row was
graded. Scores an instructor changed by hand live in an overrides file (:func:`read_overrides`)
that is applied each time the gradebook is written, never in the reports, so a regrade
cannot lose them and removing a line undoes it.

Every text cell is neutralised (:func:`course.grading.safe_text.csv_cell`) and quoted.

>>> report = {"report_name": "ada", "student": "=ada", "submission": "ada.ipynb",
...           "lesson": "L", "score": 1.5, "max_score": 2.0, "error": None,
...           "graded_at": "2026-12-01T20:00:00Z", "flags": [], "exercises": [
...     {"id": "sigmoid", "score": 1.5, "max_score": 2.0}]}
>>> row = rows([report])[0]
>>> row["student"], row["sigmoid"], row["total"]
('=ada', 1.5, 1.5)
>>> [csv_cell(row[c]) for c in ("student", "sigmoid")]
["'=ada", 1.5]
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from course.exercises import all_exercises
from course.grading.safe_text import CSV_QUOTING, csv_cell

#: The gradebook's file name, in ``--out``.
GRADEBOOK = "grades.csv"
#: Report files larger than this are not read back (a report is a few kB).
MAX_REPORT_BYTES = 5 * 2**20
#: Columns before and after the exercises' (one column per exercise id, in course order).
LEADING = ("student", "submission", "lesson")
TRAILING = ("total", "max_total", "error", "flags", "graded_at", "report")
#: ``--export`` formats and the file each writes in ``--out``.
EXPORTS = {"canvas": "canvas.csv", "moodle": "moodle.csv"}


def is_report(data) -> bool:
    """True for the JSON of one submission's report (not Gradescope's, not another tool's)."""
    return isinstance(data, dict) and {"report_name", "submission", "score", "max_score",
                                       "exercises"} <= set(data)


def reports_in(out: Path) -> list[dict]:
    """Every submission report in ``out``, sorted by student then report name."""
    found = []
    for path in sorted(Path(out).glob("*.json")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_REPORT_BYTES:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if is_report(data) and data["report_name"] == path.stem:
            found.append(data)
    return sorted(found, key=lambda r: (str(r.get("student") or r["report_name"]),
                                        r["report_name"]))


def columns(reports: list[dict]) -> list[str]:
    """Exercise ids in a stable order: the registry's order, then any other in first-seen."""
    seen = [entry["id"] for report in reports for entry in report.get("exercises", [])]
    known = [exercise.id for exercise in all_exercises() if exercise.id in seen]
    return known + sorted(set(seen) - set(known))


@dataclass(frozen=True)
class Override:
    """One line of the overrides file: set ``exercise`` (an exercise id, or ``total``) of
    ``who`` (a student id or a report name) to ``points``, because of ``reason``."""

    who: str
    exercise: str
    points: float
    reason: str = ""
    line: int = 0


class OverrideError(ValueError):
    """The overrides file cannot be used; the message names the file, line and column."""


def read_overrides(path: str | Path) -> list[Override]:
    """Read ``--override FILE``: columns ``student``, ``exercise``, ``points``, ``reason``.

    ``student`` is a student id or a report name; ``exercise`` an exercise id or ``total``;
    ``points`` a number of points (not a fraction), at least 0.
    """
    known = {exercise.id for exercise in all_exercises()} | {"total"}
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = {"student", "exercise", "points"} - set(reader.fieldnames or ())
            if missing:
                raise OverrideError(f"{path}: the header needs `student`, `exercise` and "
                                    f"`points` (missing: {', '.join(sorted(missing))})")
            lines = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise OverrideError(f"{path}: cannot be read ({error})") from None
    overrides = []
    for number, line in enumerate(lines, start=2):
        who, exercise = (line["student"] or "").strip(), (line["exercise"] or "").strip()
        if not who or exercise not in known:
            raise OverrideError(f"{path}, line {number}: `student` must name a student and "
                                f"`exercise` an exercise id or `total`, got {who!r} and "
                                f"{exercise!r}")
        try:
            points = float(line["points"])
        except (TypeError, ValueError):
            points = -1.0
        if not points >= 0:
            raise OverrideError(f"{path}, line {number}: `points` must be a number of points "
                                f"≥ 0, got {line['points']!r}")
        overrides.append(Override(who, exercise, points, (line.get("reason") or "").strip(),
                                  number))
    return overrides


def rows(reports: list[dict], overrides: list[Override] = ()) -> list[dict]:
    """One gradebook row per report: the columns of :data:`LEADING`, each exercise's score
    (absent for an exercise of another lesson), :data:`TRAILING`; every override that
    matches applies (a ``total`` override only when it matches one report), noted in
    ``flags``; :func:`unmatched` says which did not."""
    table = []
    for report in reports:
        scores = {entry["id"]: float(entry["score"]) for entry in report["exercises"]}
        table.append({
            "student": report.get("student") or report["report_name"],
            "submission": report["submission"], "lesson": report.get("lesson") or "",
            **scores, "total": float(report["score"]), "max_total": float(report["max_score"]),
            "error": report.get("error") or "", "flags": list(report.get("flags") or []),
            "graded_at": report.get("graded_at") or "", "report": report["report_name"],
            "_scores": scores})
    _flag_duplicates(table, reports)
    for override in overrides:
        matches = _matches(table, override)
        for row in matches if override.exercise != "total" or len(matches) == 1 else ():
            _apply(row, override)
    return [{key: value for key, value in row.items() if key != "_scores"} for row in table]


def _flag_duplicates(table: list[dict], reports: list[dict]) -> None:
    """Flag rows whose file had the same bytes (``sha256``) as another report's in the
    folder, graded in the same run or not (a flag from the run itself is kept as it is)."""
    for row, report in zip(table, reports):
        twins = [other["submission"] for other in reports if other is not report
                 and report.get("sha256") and other.get("sha256") == report["sha256"]]
        if twins and not any(flag.startswith("same content as") for flag in row["flags"]):
            row["flags"].append(f"same content as {', '.join(twins)}")


def _matches(table: list[dict], override: Override) -> list[dict]:
    return [row for row in table if override.who in (row["report"], row["student"])
            and (override.exercise in row["_scores"] or override.exercise == "total")]


def unmatched(reports: list[dict], overrides: list[Override]) -> list[str]:
    """A sentence for each override that changed nothing, naming its line."""
    table = [{"report": r["report_name"], "student": r.get("student") or r["report_name"],
              "_scores": {e["id"]: e["score"] for e in r["exercises"]}} for r in reports]
    problems = []
    for override in overrides:
        matches = _matches(table, override)
        if not matches:
            problems.append(f"override line {override.line}: no report of {override.who!r} "
                            f"has the exercise {override.exercise!r}; nothing changed")
        elif override.exercise == "total" and len(matches) > 1:
            problems.append(f"override line {override.line}: {override.who!r} has "
                            f"{len(matches)} reports; name one by its report name to set a "
                            f"total")
    return problems


def _apply(row: dict, override: Override) -> None:
    note = f" ({override.reason})" if override.reason else ""
    if override.exercise == "total":
        row["total"] = override.points
    else:
        row[override.exercise] = override.points
        row["total"] = round(row["total"] - row["_scores"][override.exercise]
                             + override.points, 4)
        row["_scores"][override.exercise] = override.points
    row["flags"].append(f"override: {override.exercise} = {override.points:g}{note}")


def _cell(value) -> str | float:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return csv_cell("; ".join(value))
    return csv_cell(value)


def _write(path: Path, header: list[str], records: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=CSV_QUOTING)
        writer.writerow([csv_cell(name) for name in header])
        writer.writerows([[_cell(value) for value in record] for record in records])


def write_gradebook(table: list[dict], path: Path) -> None:
    """Write ``grades.csv`` from :func:`rows`: one row per report, one column per exercise."""
    header = [*LEADING, *columns_of(table), *TRAILING]
    _write(path, header, [[row.get(column, "") for column in header] for row in table])


def columns_of(table: list[dict]) -> list[str]:
    """The exercise columns of gradebook rows, in course order."""
    fixed = set(LEADING) | set(TRAILING)
    seen = [{"exercises": [{"id": key} for key in row if key not in fixed]} for row in table]
    return columns(seen)


def _latest_by_student(table: list[dict]) -> dict[str, dict[str, dict]]:
    """student -> lesson -> the row graded last."""
    latest: dict[str, dict[str, dict]] = {}
    for row in sorted(table, key=lambda r: r["graded_at"]):
        if row["lesson"]:
            latest.setdefault(row["student"], {})[row["lesson"]] = row
    return latest


def write_canvas(table: list[dict], path: Path, roster=None) -> None:
    """Canvas' gradebook import layout: ``Student``, ``ID``, ``SIS User ID``,
    ``SIS Login ID``, ``Section``, then one column per lesson (its total). The identity
    columns come from the roster (``name``, ``canvas_id``, ``sis_user_id``,
    ``sis_login_id``, ``section``); without one, ``Student`` is the student id."""
    latest = _latest_by_student(table)
    lessons = sorted({lesson for per in latest.values() for lesson in per})
    records = []
    for student, per in sorted(latest.items()):
        info = roster.details(student) if roster is not None else {}
        records.append([info.get("name") or student, info.get("canvas_id", ""),
                        info.get("sis_user_id", ""), info.get("sis_login_id", ""),
                        info.get("section", ""),
                        *(per[lesson]["total"] if lesson in per else "" for lesson in lessons)])
    _write(path, ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *lessons], records)


def write_moodle(table: list[dict], path: Path, roster=None) -> None:
    """A CSV for Moodle's "Import grades: CSV file": ``ID number``, ``Email address``,
    ``Username``, ``Student``, then one column per lesson (its total). Moodle asks which
    column identifies the user ("Map from" -> "Map to") and which grade item each lesson
    column fills; the identity columns come from the roster (``idnumber``, ``email``,
    ``username``)."""
    latest = _latest_by_student(table)
    lessons = sorted({lesson for per in latest.values() for lesson in per})
    records = []
    for student, per in sorted(latest.items()):
        info = roster.details(student) if roster is not None else {}
        records.append([info.get("idnumber", ""), info.get("email", ""),
                        info.get("username", ""), student,
                        *(per[lesson]["total"] if lesson in per else "" for lesson in lessons)])
    _write(path, ["ID number", "Email address", "Username", "Student", *lessons], records)


def write_all(out: Path, overrides: list[Override] = (), exports: list[str] = (),
              roster=None) -> list[str]:
    """Rebuild ``grades.csv`` (and each of ``exports``) from every report in ``out``; return
    the overrides that changed nothing (:func:`unmatched`)."""
    reports = reports_in(out)
    table = rows(reports, overrides)
    write_gradebook(table, out / GRADEBOOK)
    writers = {"canvas": write_canvas, "moodle": write_moodle}
    for export in exports:
        writers[export](table, out / EXPORTS[export], roster)
    return unmatched(reports, overrides)
