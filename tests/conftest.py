"""Test-only set-up: keep the grading corpus out of nbval's collection."""

# The corpus holds deliberately broken student notebooks for the grader's tests; they are
# inputs, not notebooks to validate.
collect_ignore_glob = ["corpus/*", "corpus/**/*"]
