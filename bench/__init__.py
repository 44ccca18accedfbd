"""The benchmark: every stage of riskreg timed beside its alternatives and the file formats' floor (`python -m bench`)."""
