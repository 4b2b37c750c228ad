"""Finding the submissions of a class: one row per file, whatever the folder holds.

``course grade submissions/`` walks the folder without following links and turns every
``*.ipynb`` it meets into one :class:`Submission`, in a stable order:

1. **refused, with the reason**: a symbolic link (``alice/lesson.ipynb -> ../bob/lesson.ipynb``
   would give Alice Bob's score; a link to ``solutions/`` the course's answers), a link to a
   folder, a hard link (the same file under a second name), anything but a regular file
   (a FIFO would block the reader), a name with control characters (a newline would start
   a fake line in every listing);
2. **graded**, and flagged when two files have the same content (``same content as
   bob/lesson.ipynb``): duplicates are never merged, each keeps its own row;
3. each gets a **student** (:func:`student_of`: the roster's id, else the folder of a file
   that kept the lesson's name, else the file's name) and a **report name** that depends
   only on its own path, so regrading one student's folder writes the same files as
   grading the class.

>>> from course.exercises import LESSONS
>>> lesson = next(iter(LESSONS))
>>> student_of(Path(f"submissions/ada/{lesson}.ipynb")), student_of(Path("bob.ipynb"))
('ada', 'bob')
>>> report_name("ada", Path(f"ada/{lesson}.ipynb")), report_name("bob", Path("bob.ipynb"))
('ada-01_logistic_regression_numpy', 'bob')
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from course.exercises import _feedback
from course.grading.safe_text import file_stem, printable, unsafe_characters
from course.grading.submission import MAX_NOTEBOOK_BYTES, SubmissionError, read_untrusted

#: Folders never searched: Jupyter's own autosaves.
SKIPPED_FOLDERS = (".ipynb_checkpoints",)
#: Report names the grader keeps for files of the whole run (``results.json`` is Gradescope's
#: single-submission file; the gradebook and its exports are ``.csv``).
RESERVED_NAMES = ("results", "grades", "canvas", "moodle")


@dataclass(frozen=True)
class Submission:
    """One file of the class and what the grader makes of it before grading.

    ``path`` as found; ``shown`` how every output names it (printable); ``student`` the
    gradebook's student id (printable); ``name`` the report name (file-safe, unique in the
    run, stable across runs); ``refused`` why it is not graded, or ``None``; ``relative``
    its path below the folder it was found in (for the roster); ``flags`` notes for the
    gradebook (duplicates, not in the roster).
    """

    path: Path
    shown: str
    student: str
    name: str
    relative: str
    refused: str | None = None
    flags: tuple[str, ...] = ()
    digest: str | None = None     # SHA-256 of the file's bytes (graded files)


def _lesson_stems() -> set[str]:
    from course.exercises import LESSONS
    return set(LESSONS)


def student_of(path: Path) -> str:
    """The student a file belongs to, from its path alone: the folder's name when the file
    kept the name of a lesson (``ada/01_logistic_regression_numpy.ipynb``), else the file's
    name (``ada_lesson1.ipynb``)."""
    return (_owning_folder(path) or path.stem) if path.stem in _lesson_stems() else path.stem


def _owning_folder(path: Path) -> str:
    """The name of the folder holding ``path`` (``""`` at the root)."""
    return path.absolute().parent.name


def report_name(student: str, path: Path) -> str:
    """``<student>-<file stem>``, or just ``<student>`` when they are the same, made
    file-safe (:func:`course.grading.safe_text.file_stem`); never a reserved name."""
    owner, stem = file_stem(student), file_stem(path.stem)
    name = owner if owner.casefold() == stem.casefold() else f"{owner}-{stem}"
    return f"{name}-report" if name.casefold() in RESERVED_NAMES else name


def _refusal(path: Path, info: os.stat_result) -> str | None:
    """Why a file met in the class folder is not graded, or ``None``."""
    unsafe = unsafe_characters(str(path))
    if unsafe:
        return _feedback.submission_problem("control_characters",
                                            shown=printable("".join(unsafe)))
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        return _feedback.submission_problem("linked", target=printable(target))
    if stat.S_ISDIR(info.st_mode):
        return _feedback.submission_problem("folder")
    if not stat.S_ISREG(info.st_mode):
        return _feedback.submission_problem("special_file")
    if info.st_nlink > 1:
        return _feedback.submission_problem("hard_link", names=info.st_nlink)
    return None


def _walk(root: Path):
    """``(path, relative)`` of every ``*.ipynb`` and every symbolic link to a folder below
    ``root``, sorted, never following a link."""
    found = []
    for folder, folders, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in list(folders):
            if name in SKIPPED_FOLDERS:
                folders.remove(name)
            elif (here / name).is_symlink():
                found.append(here / name)
        found += [here / name for name in files if name.lower().endswith(".ipynb")]
    return sorted((path, path.relative_to(root).as_posix()) for path in found)


def _candidates(arguments: list[str]):
    """``(path, relative, info)`` for every file named or found, each path once (two names
    of one file are two rows: both refused as hard links)."""
    seen, out = set(), []
    for argument in arguments:
        path = Path(argument)
        if not os.path.lexists(path):
            raise FileNotFoundError(argument)
        if path.is_dir() and not path.is_symlink():
            entries = _walk(path)
        else:
            entries = [(path, path.name)]
        for entry, relative in entries:
            if os.path.abspath(entry) not in seen:
                seen.add(os.path.abspath(entry))
                out.append((entry, relative, entry.lstat()))
    return out


def find_submissions(arguments: list[str], roster: "Roster | None" = None) -> list[Submission]:
    """Every submission in ``arguments`` (notebook files and folders), in order.

    Raises ``FileNotFoundError`` for an argument that does not exist.
    """
    submissions = []
    for path, relative, info in _candidates(arguments):
        listed = roster.student_for(relative, path) if roster is not None else None
        student = listed or student_of(path)
        flags = ("not in the roster",) if roster is not None and listed is None else ()
        folder = _owning_folder(path) if path.stem in _lesson_stems() else ""
        shown = f"{folder}/{path.name}" if folder else path.name
        submissions.append(Submission(path, printable(shown), printable(student),
                                      report_name(student, path), relative,
                                      _refusal(path, info), flags))
    return _flag_duplicates(_distinct_names(submissions))


def _distinct_names(submissions: list[Submission]) -> list[Submission]:
    """Give files whose report names clash (``a/x.ipynb``, ``b/x.ipynb``) their folders'
    names as a prefix, then a number if even that clashes."""
    for depth in (1, 2, 3):
        names = [s.name.casefold() for s in submissions]
        submissions = [s if names.count(s.name.casefold()) == 1 else _prefixed(s, depth)
                       for s in submissions]
    taken: set[str] = set()
    for index, submission in enumerate(submissions):
        name, number = submission.name, 2
        while name.casefold() in taken:
            name, number = f"{submission.name}-{number}", number + 1
        taken.add(name.casefold())
        submissions[index] = replace(submission, name=name)
    return submissions


def _prefixed(submission: Submission, depth: int) -> Submission:
    """``submission`` named with the folder ``depth`` levels up as a prefix."""
    parts = submission.path.absolute().parts
    folder = parts[-1 - depth] if len(parts) > depth + 1 else ""
    return replace(submission, name=f"{file_stem(folder, 'root')}-{submission.name}",
                   shown=printable("/".join(parts[-1 - depth:])))


def _flag_duplicates(submissions: list[Submission]) -> list[Submission]:
    """Flag every graded file whose bytes equal another's, naming the others."""
    digests = {}
    for submission in submissions:
        if submission.refused is None:
            try:
                raw = read_untrusted(submission.path, MAX_NOTEBOOK_BYTES)
            except SubmissionError:
                continue               # the grader reports it, with the reason
            digests[submission.name] = hashlib.sha256(raw).hexdigest()
    flagged = []
    for submission in submissions:
        twins = [other.shown for other in submissions if other.name != submission.name
                 and digests.get(other.name) is not None
                 and digests.get(other.name) == digests.get(submission.name)]
        flags = submission.flags + ((f"same content as {', '.join(twins)}",) if twins else ())
        flagged.append(replace(submission, flags=flags, digest=digests.get(submission.name)))
    return flagged


class RosterError(ValueError):
    """The roster file cannot be used; the message names the file, the row and the column."""


class Roster:
    """``--roster FILE``: a CSV mapping submissions to student ids.

    Columns: ``submission`` (a file name, a folder name, or a path below the class folder)
    and ``student`` (the id the gradebook shows); any other column (``name``, ``email``,
    ``canvas_id``, ``sis_user_id``, ``sis_login_id``, ``section``, ``username``, ``idnumber``)
    is kept for the LMS exports (:mod:`course.grading.gradebook`). A submission matches the
    row of its path below the class folder, else of its folder's name, else of its file's
    name or stem.
    """

    def __init__(self, rows: list[dict[str, str]], source: str = "roster"):
        self.by_submission: dict[str, dict[str, str]] = {}
        self.by_student: dict[str, dict[str, str]] = {}
        for number, row in enumerate(rows, start=2):
            key, student = (row.get("submission") or "").strip(), (row.get("student") or "").strip()
            if not key or not student:
                raise RosterError(f"{source}, row {number}: both `submission` and `student` "
                                  f"are needed, got {key!r} and {student!r}")
            if key in self.by_submission:
                raise RosterError(f"{source}, row {number}: `submission` {key!r} appears twice")
            self.by_submission[key] = self.by_student[student] = {**row, "student": student}

    @classmethod
    def read(cls, path: str | Path) -> "Roster":
        """Read a roster CSV (UTF-8, with or without Excel's byte-order mark)."""
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = {"submission", "student"} - set(reader.fieldnames or ())
                if missing:
                    raise RosterError(f"{path}: the header needs the columns `submission` and "
                                      f"`student` (missing: {', '.join(sorted(missing))})")
                return cls(list(reader), str(path))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise RosterError(f"{path}: cannot be read ({error})") from None

    def student_for(self, relative: str, path: Path) -> str | None:
        """The student id of the file at ``relative`` (below its class folder), if listed."""
        for key in (relative, path.parent.name, path.name, path.stem):
            if key in self.by_submission:
                return self.by_submission[key]["student"]
        return None

    def details(self, student: str) -> dict[str, str]:
        """The roster's row of ``student`` (empty when not listed)."""
        return self.by_student.get(student, {})
