# nbgrader's configuration for a course folder of this course (docs/instructors.md, section 7).
# Copy it into the folder where you run nbgrader; the course folder is that folder.
c = get_config()  # noqa: F821  (nbgrader defines get_config when it reads this file)

c.CourseDirectory.course_id = "train-a-neural-network"
# nbgrader stops a cell after 30 s by default; the Keras lesson trains a network for longer.
c.Execute.timeout = 300
