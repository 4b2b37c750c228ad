"""Small solution notebooks built in code, for the authoring, check and lesson tests."""

import nbformat

SETUP = ('import os\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"\nimport numpy as np\n'
         'from course import check\ncheck.setup_notebook()')

SIGMOID_ANSWER = '''def sigmoid(z):
    """Return 1 / (1 + exp(-z)), element-wise."""
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))      # 1 / (1 + exp(-z)) without overflow
    ### END SOLUTION'''

COST_ANSWER = '''def compute_cost(X, y, w, b):
    """The mean logistic loss."""
    ### BEGIN SOLUTION
    f = sigmoid(X @ w + b)
    return np.mean(-y * np.log(f) - (1 - y) * np.log(1 - f))
    ### END SOLUTION'''


def answer_cell(source, grade_id):
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "schema_version": 3, "grade": False, "solution": True, "locked": False,
        "grade_id": grade_id}})


def check_cell(grade_id, points):
    return nbformat.v4.new_code_cell(f'check.exercise("{grade_id}", {grade_id})', metadata={
        "nbgrader": {"schema_version": 3, "grade": True, "solution": False, "locked": True,
                     "grade_id": f"check_{grade_id}", "points": points}})


def solution_notebook(lesson="01_logistic_regression_numpy"):
    """A two-exercise solution notebook in the course's conventions (cells with fixed ids)."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "course": {"lesson": lesson}}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A tiny lesson\nThe sigmoid and the cost."),
        nbformat.v4.new_code_cell(SETUP),
        answer_cell(SIGMOID_ANSWER, "sigmoid"),
        check_cell("sigmoid", 2),
        nbformat.v4.new_code_cell('print(f"{sigmoid(0.0):.3f}")'),
        answer_cell(COST_ANSWER, "compute_cost"),
        check_cell("compute_cost", 3),
        nbformat.v4.new_code_cell(
            'X = np.array([[0.5, 1.5], [1, 1], [3, 0.5]])\ny = np.array([0.0, 0.0, 1.0])\n'
            'print(f"{compute_cost(X, y, np.array([1.0, 1.0]), -3.0):.6f}")'),
    ]
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    return notebook


def write(notebook, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path
