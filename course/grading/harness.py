"""The small piece of the grader that runs *inside* the student's kernel.

Nothing here decides a score. Its only job is to call the student's functions on the
hidden inputs the trusted grader wrote to disk and to write back what they returned, as
plain data (a ``.npz`` of float64 / text arrays and a JSON status list). The trusted process
reads those files with ``allow_pickle=False`` and does all the comparing.

How it defends itself, given that the student's code shares this process:

* :func:`make_grader` runs in a cell the grader executes *before* any student cell, and
  captures the functions it needs (``numpy.load``, ``numpy.savez``, ``open``,
  ``json.dumps``, ``sys.setprofile``) in a closure, so a student who later replaces
  ``numpy.load`` or ``builtins.open`` does not change how results are written.
* Input and output file names contain fresh random nonces chosen by the grader after the
  student's cells have run, and the results are signed (:func:`sign`) with a key that only
  appears in the grader's own cell (run without history), so neither a file written earlier
  nor one rewritten later can pass for a result.
* While the registry converts a case's result (``Exercise.run_case``, captured before the
  student's code ran, so patching the class changes nothing), a profile hook watches for
  calls into the exercise's answer key: the course's reference implementation, the
  expected-answer function and the known-mistake functions. Such a call is reported and the
  trusted process gives the exercise 0 points. Removing the hook, or bypassing the call to
  the student's function, is reported too.
* Threads or processes that the notebook started and left running could overwrite a result
  file between the moment the harness writes it and the moment the grader reads it, so
  when any is alive (before or after the student's function runs) the exercise is reported
  as not gradable. The lessons themselves start none.
* Every exception, including ``SystemExit`` and ``KeyboardInterrupt`` (the grader's
  time-limit interrupt), is caught per case and reported as text.

A student who deliberately digs into this closure (for example with ``gc``) could still
interfere with their *own* run; they can never see the hidden expected values, and no
other submission shares the process.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import io
import json
import sys
import threading
import time

import numpy
import psutil

#: Key in the inputs file holding the JSON description of every case.
SCHEMA_KEY = "__schema__"


def encode_cases(cases: list[dict]) -> dict[str, numpy.ndarray]:
    """Flatten a list of cases (dicts of arrays, numbers, text or lists of arrays) for ``savez``.

    >>> flat = encode_cases([{"z": numpy.zeros(2), "b": 0.5, "layers": [numpy.ones(1)]}])
    >>> sorted(flat)
    ['0:b', '0:layers:0', '0:z', '__schema__']
    >>> decode_cases(flat)[0]["b"], decode_cases(flat)[0]["layers"][0]
    (0.5, array([1.]))
    """
    arrays, schema = {}, []
    for index, case in enumerate(cases):
        kinds = {}
        for name, value in case.items():
            if isinstance(value, (list, tuple)):
                kinds[name] = ["list", len(value)]
                for position, item in enumerate(value):
                    arrays[f"{index}:{name}:{position}"] = numpy.asarray(item)
                continue
            if isinstance(value, (bool, numpy.bool_)):
                kinds[name] = "bool"
            elif isinstance(value, (int, numpy.integer)):
                kinds[name] = "int"
            elif isinstance(value, (float, numpy.floating)):
                kinds[name] = "float"
            elif isinstance(value, str):
                kinds[name] = "str"
            else:
                kinds[name] = "array"
            arrays[f"{index}:{name}"] = numpy.asarray(value)
        schema.append(kinds)
    arrays[SCHEMA_KEY] = numpy.array(json.dumps(schema))
    return arrays


def decode_cases(arrays) -> list[dict]:
    """Rebuild the cases written by :func:`encode_cases` (scalars come back as Python types)."""
    schema = json.loads(str(arrays[SCHEMA_KEY]))
    convert = {"bool": bool, "int": int, "float": float, "str": str}
    cases = []
    for index, kinds in enumerate(schema):
        case = {}
        for name, kind in kinds.items():
            if isinstance(kind, list):
                case[name] = [numpy.array(arrays[f"{index}:{name}:{position}"])
                              for position in range(kind[1])]
            elif kind == "array":
                case[name] = numpy.array(arrays[f"{index}:{name}"])
            else:
                case[name] = convert[kind](arrays[f"{index}:{name}"][()])
        cases.append(case)
    return cases


#: Threads whose class comes from these packages belong to Jupyter itself (pyzmq starts a
#: garbage-collector thread when a widget sends a large image, for example).
INFRASTRUCTURE_MODULES = ("zmq.", "ipykernel.", "IPython.", "jupyter_client.", "comm.",
                          "debugpy.", "tornado.")


class BackgroundWork(Exception):
    """Threads or processes the notebook started are still running, and could tamper with
    result files after the harness wrote them; the exercise is then not graded."""


def answer_key_codes(exercise) -> set:
    """Code objects a graded function must never run: the reference, the expected-answer
    function and the known-mistake functions of ``exercise``."""
    from course.exercises import forbidden_codes
    return set(forbidden_codes(exercise))


def sign(key: str, archive: bytes, statuses_text: str, _new=hmac.new, _sha256=hashlib.sha256,
         _encode=str.encode) -> str:
    """HMAC-SHA256 of a result (its ``.npz`` bytes and JSON statuses) under ``key``.

    The key reaches the kernel only inside the grader's own cell, run without history, so
    code that rewrites result files after the harness wrote them cannot sign its forgery.

    >>> sign("k", b"npz", "[]") == sign("k", b"npz", "[]") != sign("k", b"npz", "[{}]")
    True
    """
    message = archive + b"\n" + _encode(statuses_text, "utf-8")
    return _new(_encode(key, "ascii"), message, _sha256).hexdigest()


def make_grader(user_namespace: dict, registry=None):
    """Return ``run(exercise_id, function_name, inputs_path, outputs_stem)`` bound to pristine tools.

    Args:
        user_namespace: the kernel's global namespace, where the student's functions live.
        registry: the exercise registry module (default ``course.exercises``).

    Everything ``run`` relies on (the registry's exercises and ``Exercise.run_case``, the code
    objects of the answer key, NumPy's file functions, ``sys.setprofile``) is looked up *now*,
    before any student cell runs.
    """
    try:
        if registry is None:
            from course import exercises as registry
        exercises = {exercise.id: exercise for exercise in registry.all_exercises()}
        run_case = registry.Exercise.run_case
        forbidden = {exercise_id: answer_key_codes(exercise)
                     for exercise_id, exercise in exercises.items()}
        setup_error = None
    except Exception as error:  # reported per exercise by run()
        exercises, run_case, forbidden, setup_error = {}, None, {}, error
    type_ = type
    list_threads, this_process = threading.enumerate, psutil.Process()
    baseline_threads = {thread.ident for thread in list_threads()}
    baseline_children = {child.pid for child in this_process.children(recursive=True)}

    def background_work() -> list:
        """Threads and processes started by the notebook that are still running."""
        names = [f"thread {thread.name!r}" for thread in list_threads()
                 if thread.ident not in baseline_threads and thread.is_alive()
                 and not type_(thread).__module__.startswith(INFRASTRUCTURE_MODULES)]
        try:
            names += [f"process {child.pid}" for child in this_process.children(recursive=True)
                      if child.pid not in baseline_children and child.is_running()
                      and child.status() != psutil.STATUS_ZOMBIE]
        except psutil.Error:
            pass
        return names

    load, savez, asarray = numpy.load, numpy.savez, numpy.asarray
    dumps, open_file, clock, bytes_io = json.dumps, builtins.open, time.monotonic, io.BytesIO
    sign_ = sign
    getprofile, setprofile, set_thread_profile = sys.getprofile, sys.setprofile, threading.setprofile
    base_exception, type_, bool_, round_, callable_, len_, range_, enumerate_ = (
        BaseException, type, bool, round, callable, len, range, enumerate)
    not_implemented, interrupted = NotImplementedError, KeyboardInterrupt

    def describe(error) -> str:
        text = f"{type_(error).__name__}: {error}"
        return text if len_(text) <= 300 else text[:297] + "..."

    def call_watched(exercise, function, case, codes, seen):
        """``run_case`` with a profile hook that notices any call into the answer key."""
        def profiler(frame, event, argument):
            if event == "call" and frame.f_code in codes:
                seen["reference"] = True

        def student_function(*args, **kwargs):
            seen["called"] = True
            return function(*args, **kwargs)

        previous = getprofile()
        setprofile(profiler)
        set_thread_profile(profiler)          # threads the student's code starts
        try:
            return run_case(exercise, student_function, case)
        finally:
            seen["tampered"] = getprofile() is not profiler
            setprofile(previous)
            set_thread_profile(None)

    def run(exercise_id: str, function_name: str, inputs_path: str, outputs_stem: str,
            key: str = "") -> None:
        statuses, arrays = [], {}
        try:
            if setup_error is not None:
                raise setup_error
            exercise, codes = exercises[exercise_id], forbidden[exercise_id]
            with load(inputs_path, allow_pickle=False) as stored:
                cases = decode_cases({key: stored[key] for key in stored.files})
            function = user_namespace.get(function_name)
            if background_work():
                raise BackgroundWork(background_work())
            for index, case in enumerate_(cases):
                if function is None or not callable_(function):
                    statuses.append({"status": "missing"})
                    continue
                seen = {"reference": False, "called": False, "tampered": False}
                started = clock()
                try:
                    plain = call_watched(exercise, function, case, codes, seen)
                    for name, value in plain.items():
                        value = asarray(value)
                        if value.dtype.kind not in "fU":
                            raise TypeError(f"result part {name!r} is not plain data")
                        arrays[f"{index}:{name}"] = value
                    status = {"status": "ok"}
                    if not seen["called"]:      # the grader's call was bypassed
                        seen["tampered"] = True
                except not_implemented as error:
                    status = {"status": "not_implemented", "message": describe(error)}
                except interrupted:
                    statuses.extend({"status": "timeout"} for _ in range_(index, len_(cases)))
                    break
                except base_exception as error:  # SystemExit too: the student's code, not ours
                    status = {"status": "error", "message": describe(error)}
                status["seconds"] = round_(clock() - started, 4)
                status["called_reference"] = bool_(seen["reference"])
                status["tampered"] = bool_(seen["tampered"])
                statuses.append(status)
            if background_work():
                raise BackgroundWork(background_work())
        except BackgroundWork as error:
            statuses = [{"status": "background", "message": ", ".join(error.args[0][:5])}]
            arrays = {}
        except base_exception as error:
            statuses = [{"status": "harness_error", "message": describe(error)}]
            arrays = {}
        buffer = bytes_io()
        savez(buffer, **arrays)
        archive, text = buffer.getvalue(), dumps(statuses)
        with open_file(outputs_stem + ".npz", "wb") as handle:
            handle.write(archive)
        with open_file(outputs_stem + ".json", "w", encoding="utf-8") as handle:
            # written last: its presence means "finished"; the signature shows it is ours
            handle.write(dumps({"statuses": statuses, "signature": sign_(key, archive, text)}))

    return run


def preamble_source(grader_name: str) -> str:
    """The code of the first cell the grader runs in a fresh kernel, before any student cell."""
    return (f"from course.grading.harness import make_grader as _course_make_grader\n"
            f"{grader_name} = _course_make_grader(get_ipython().user_ns)\n"
            f"del _course_make_grader\n")


def call_source(grader_name: str, exercise_id: str, function_name: str,
                inputs_path: str, outputs_stem: str, key: str) -> str:
    """The code of the cell that grades one exercise after all student cells have run."""
    return (f"{grader_name}({exercise_id!r}, {function_name!r}, "
            f"{inputs_path!r}, {outputs_stem!r}, {key!r})\n")
