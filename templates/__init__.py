"""Documents the secretariat owns and restyles in Word: the board paper template lives here as data."""

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent
BOARD_PAPER = TEMPLATES_DIR / "board_paper.docx"

# The styles the paper's code writes into its content by id: a template must define each (the paper checks).
STYLE_IDS = {
    "paragraph": ("Normal", "Heading2", "Heading3", "ListBullet", "Caption", "FieldLabel", "TableText",
                  "TableHeading", "TableBullet", "DataQualityNote", "Provenance"),
    "character": ("TrendArrow",),
    "table": ("TableGrid",),
}
