"""The Excel side: the ribbon add-in, its entry points, and the `riskreg` command line that mirrors it."""
