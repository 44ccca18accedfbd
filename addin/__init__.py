"""The front ends: the riskreg command line, the Excel ribbon and the tooling that builds its add-in."""
