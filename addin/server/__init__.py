"""`riskreg serve`: the ribbon's buttons as xlwings scripts on a FastAPI server, for Excel without Python on the PC."""
