"""Not a lesson: the old address of Many classes (`/tasks`, before the lesson's file was named
pages/many_classes.py). A link shared with it opens Many classes with the link's settings (ui.MOVED)."""

import ui

ui.forward("tasks")
