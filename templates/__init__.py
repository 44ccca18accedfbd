"""Documents the secretariat owns and restyles in Word: the board paper template lives here as data."""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
BOARD_PAPER = TEMPLATES_DIR / "board_paper.docx"
