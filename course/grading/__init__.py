"""The autograder: grade returned notebooks safely, with per-exercise feedback.

Instructors use it through the ``course grade`` and ``course gradescope-bundle`` commands
(see ``docs/instructors.md``). The pieces, one job each:

- ``class_folder``   find a class's submissions: one row per file, links refused, students
- ``submission``     read and validate a notebook safely; find its lesson from its metadata
- ``limits``         the time and memory limits, the per-test limit, the watchdog
- ``runner``         run it in its own Jupyter kernel: the student's cells, then one cell a test
- ``sandbox``        confine that kernel with the operating system (bubblewrap, else Landlock)
                     and say what the confinement protects
- ``course_tree``    the copy of ``course`` a grading kernel imports: no answer keys, the
                     lesson's forbidden implementations stubbed
- ``protocol``       what crosses the kernel boundary (requests, results read as hostile
                     data), the ``Status`` of a test and the ``Verdict`` of an exercise
- ``static_checks``  spot a function that just calls the course's reference implementation
- ``grader``         one submission from file to report, scored with ``course.exercises``
- ``bounded_client`` the grader's end of the kernel connection, with size limits
- ``reports``        per-submission JSON (bounded), Gradescope's results.json, the console
- ``gradebook``      grades.csv from every report, overrides, Canvas and Moodle exports
- ``feedback_files`` the Markdown and HTML feedback; ``safe_text`` hostile text made harmless
- ``cli``, ``bundle``, ``gradescope``  the commands and the Gradescope autograder

Student code never runs in the grader's process, and nothing in the student's kernel is
trusted: there only ``course._kernel_call`` runs, which calls the student's function and
writes what it returned as plain JSON (``course._wire``); every value is turned into an
answer and compared here.
"""

import sys

# nbformat validates notebooks with jsonschema, which imports the IRI syntax checker
# rfc3987_syntax whenever it is installed (JupyterLab's dependencies install it); that import
# builds some 35 parsers and takes about 1.8 s of every grading process's start (jsonschema
# issues #1392 and #1428). No notebook schema has an "iri" format, so the grader's processes
# go without that checker: a module set to None in sys.modules is one Python never imports.
sys.modules.setdefault("rfc3987_syntax", None)
