"""Class mode: the teacher starts a class, students join with its code; Follow me, Predict then reveal,
a challenge with a leaderboard (ui/classroom.py, core/classroom/classes.py)."""

import ui
from ui import classroom

ui.lesson("classroom")
classroom.page()
