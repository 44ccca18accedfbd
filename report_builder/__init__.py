"""The Word board paper: what it says (content) and how it is written (render)."""
