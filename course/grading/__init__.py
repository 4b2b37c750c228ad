"""The autograder: grade returned notebooks safely, with per-exercise feedback.

Instructors use it through the ``course grade`` and ``course gradescope-bundle`` commands
(see ``docs/instructors.md``). The pieces, one job each:

- ``submission``     read and validate a notebook; find its lesson from its metadata
- ``limits``         the time and memory limits, the per-test limit, the watchdog
- ``runner``         run it in its own Jupyter kernel: the student's cells, then one cell a test
- ``sandbox``        confine that kernel with the operating system (bubblewrap, else Landlock)
                     and say what the confinement protects
- ``harness``        the helper inside the kernel that calls the student's function on a test
- ``protocol``       the only owner of what crosses the kernel boundary: cases, signed results,
                     the ``Status`` of a test
- ``static_checks``  spot a function that just calls the course's reference implementation
- ``grader``         one submission from file to report, scored with ``course.exercises``
- ``reports``        per-submission JSON, the CSV gradebook, Gradescope's results.json
- ``cli``, ``bundle``, ``gradescope``  the commands and the Gradescope autograder

Student code never runs in the grader's process: the kernel sends back plain data only
(``.npz`` read with ``allow_pickle=False`` and JSON), and every comparison happens here.
"""
