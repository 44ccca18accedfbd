"""The register's columns, lists, settings and sheet names: the one declaration, as data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Sheet names, as staff see them in Excel.
REGISTER_SHEET = "Register"
LISTS_SHEET = "Lists"
HISTORY_SHEET = "History"
SETTINGS_SHEET = "Settings"
VALIDATION_SHEET = "Validation"
SUMMARY_SHEET = "Summary"
MATRIX_SHEET = "Matrix"
APPETITE_SHEET = "Appetite"
ACTIONS_SHEET = "Actions"
REGISTER_TABLE = "RiskRegister"
HISTORY_TABLE = "RatingHistory"
APPETITE_TABLE = "RiskAppetite"
ACTIONS_TABLE = "RiskActions"

# Excel's own limit for the text of one cell.
EXCEL_CELL_LIMIT = 32_767


@dataclass(frozen=True)
class Column:
    """One column of the Register sheet."""

    key: str
    header: str
    kind: str  # text | id | rating | trend | date | score | status
    required: bool = False
    list_name: str | None = None  # named list on the Lists sheet that holds the allowed values
    width: float = 20
    help: str = ""
    optional: bool = False  # a column real registers may carry; absent is fine


# The trend columns carry the quarter in their header ("Q4 Trending"); oldest first.
TREND_COUNT = 3
TREND_HEADER = "Q{quarter} Trending"
TREND_HEADER_PATTERN = re.compile(r"^Q([1-4]) Trending$")
TREND_KEYS = tuple(f"trend{i}" for i in range(1, TREND_COUNT + 1))

CORE_COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", "id", required=True, width=9,
           help="Risk reference, e.g. CRR07. Unique in the register."),
    Column("name", "Risk Name", "text", required=True, width=28,
           help="Short name of the risk as the committee knows it."),
    Column("description", "Description", "text", required=True, width=60,
           help="What could happen and why."),
    Column("impact", "Impact", "text", required=True, width=50,
           help="What it would mean for the organisation."),
    Column("controls", "Key Controls and Activities", "text", required=True, width=70,
           help="Controls in place and actions under way; one bullet per line."),
    *(Column(key, TREND_HEADER.format(quarter="n"), "trend", required=True, list_name="Trends", width=11,
             help="Direction of travel that quarter: New, ↗ (escalating), → (no change), "
                  "↘ (de-escalating), N/A (not on the register yet).")
      for key in TREND_KEYS),
    Column("rating", "Residual Risk Rating", "rating", required=True, list_name="Ratings", width=14,
           help="Residual rating after controls: Critical, High, Medium or Low."),
)

OPTIONAL_COLUMNS: tuple[Column, ...] = (
    Column("owner", "Risk Owner", "text", optional=True, width=18, help="Accountable owner of the risk."),
    Column("portfolio", "Portfolio/Department", "text", optional=True, width=18,
           help="Portfolio or department the risk sits in."),
    Column("date_raised", "Date Raised", "date", optional=True, width=12, help="Date the risk was raised."),
    Column("last_reviewed", "Last Reviewed", "date", optional=True, width=12,
           help="Date of the last review; checked against the review cycle in Settings."),
    Column("likelihood", "Likelihood", "score", optional=True, list_name="Scores", width=10,
           help="Residual likelihood score on the matrix in Settings (1 = lowest)."),
    Column("impact_score", "Impact Score", "score", optional=True, list_name="Scores", width=10,
           help="Residual impact score on the matrix in Settings (1 = lowest)."),
    Column("status", "Status", "status", optional=True, list_name="Statuses", width=10,
           help="Open or Closed. Closed risks leave the board paper."),
)

# Risk management in depth: inherent, residual and target positions, category and proximity. Each group is
# optional: `riskreg new` writes them only when asked (`--full`), and a register without them reads as before.
POSITIONS = ("inherent", "residual", "target")
DEPTH_COLUMNS: tuple[Column, ...] = (
    Column("category", "Category", "category", optional=True, list_name="Categories", width=16,
           help="Risk category; its appetite and tolerance are on the Appetite sheet."),
    Column("inherent_likelihood", "Inherent Likelihood", "score", optional=True, list_name="Scores", width=10,
           help="Likelihood before any controls (1 = lowest)."),
    Column("inherent_impact", "Inherent Impact", "score", optional=True, list_name="Scores", width=10,
           help="Impact before any controls (1 = lowest)."),
    Column("inherent_score", "Inherent Score", "number", optional=True, width=9,
           help="Inherent score; worked out from likelihood and impact on the Matrix sheet when both are given."),
    Column("residual_score", "Residual Score", "number", optional=True, width=9,
           help="Residual score; worked out from Likelihood and Impact Score on the Matrix sheet when both are given."),
    Column("target_likelihood", "Target Likelihood", "score", optional=True, list_name="Scores", width=10,
           help="Likelihood the planned actions should bring the risk to."),
    Column("target_impact", "Target Impact", "score", optional=True, list_name="Scores", width=10,
           help="Impact the planned actions should bring the risk to."),
    Column("target_score", "Target Score", "number", optional=True, width=9,
           help="Target score; worked out from the target likelihood and impact when both are given."),
    Column("target_date", "Target Date", "date", optional=True, width=12,
           help="Date by which the risk should be at its target."),
    Column("proximity", "Proximity", "proximity", optional=True, list_name="Proximities", width=14,
           help="When the risk could happen: Imminent, Within 6 months, Within a year or Beyond a year."),
)
# (likelihood, impact, score) column keys of each position; the residual one is the register's own pair.
POSITION_KEYS: dict[str, tuple[str, str, str]] = {
    "inherent": ("inherent_likelihood", "inherent_impact", "inherent_score"),
    "residual": ("likelihood", "impact_score", "residual_score"),
    "target": ("target_likelihood", "target_impact", "target_score"),
}

# Exempt information (issue 28): the paragraph of Schedule 12A to the Local Government Act 1972 (Part 1) under which a
# risk is reported in the exempt appendix, not the public paper. Optional: a register without it has no exempt risks.
EXEMPT_LIST = "Exempt"
EXEMPT_COLUMNS: tuple[Column, ...] = (
    Column("exempt", "Exempt", "exempt", optional=True, list_name=EXEMPT_LIST, width=10,
           help="Blank for a public risk; for exempt information, the Schedule 12A paragraph (Para 1 to Para 7) "
                "under which it goes in the paper's exempt appendix instead of the public paper."),
)
# Local Government Act 1972 Schedule 12A Part 1 (as substituted by SI 2006/88): the descriptions of exempt
# information, by paragraph, as the exempt appendix names them.
SCHEDULE_12A: dict[str, str] = {
    "Para 1": "Information relating to any individual.",
    "Para 2": "Information which is likely to reveal the identity of an individual.",
    "Para 3": "Information relating to the financial or business affairs of any particular person (including the "
              "authority holding that information).",
    "Para 4": "Information relating to any consultations or negotiations, or contemplated consultations or "
              "negotiations, in connection with any labour relations matter arising between the authority or a "
              "Minister of the Crown and employees of, or office holders under, the authority.",
    "Para 5": "Information in respect of which a claim to legal professional privilege could be maintained in legal "
              "proceedings.",
    "Para 6": "Information which reveals that the authority proposes (a) to give under any enactment a notice under or "
              "by virtue of which requirements are imposed on a person; or (b) to make an order or direction under "
              "any enactment.",
    "Para 7": "Information relating to any action taken or to be taken in connection with the prevention, "
              "investigation or prosecution of crime.",
}

COLUMNS: tuple[Column, ...] = CORE_COLUMNS + OPTIONAL_COLUMNS
# An import keeps columns of another layout that have no place here after these, under their own headers;
# their values travel in a risk's values under this prefix and the header.
USER_COLUMN_PREFIX = "user:"
ALL_COLUMNS: tuple[Column, ...] = COLUMNS + DEPTH_COLUMNS + EXEMPT_COLUMNS
COLUMN_BY_KEY = {column.key: column for column in ALL_COLUMNS}
TEXT_KEYS = tuple(c.key for c in COLUMNS if c.kind == "text")


def trend_header(quarter: int) -> str:
    """Return the header of a trend column for `quarter` (1–4)."""
    return TREND_HEADER.format(quarter=quarter)


@dataclass(frozen=True)
class Rating:
    name: str
    severity: int  # higher is worse
    fill: str  # RGB hex, no '#'
    font: str


# Most severe first: the order the committee reads them.
RATINGS: tuple[Rating, ...] = (
    Rating("Critical", 4, "8B0000", "FFFFFF"),
    Rating("High", 3, "C62828", "FFFFFF"),
    Rating("Medium", 2, "FFBF00", "000000"),
    Rating("Low", 1, "2E7D32", "FFFFFF"),
)
RATING_BY_NAME = {r.name: r for r in RATINGS}


@dataclass(frozen=True)
class Trend:
    symbol: str
    meaning: str
    word: str  # what a sentence says when the arrow cannot be shown


TRENDS: tuple[Trend, ...] = (
    Trend("New", "New risk added to the register this quarter", "new"),
    Trend("↗", "Risk escalating: likelihood or impact rising", "escalating"),
    Trend("→", "No change in the risk's residual rating", "unchanged"),
    Trend("↘", "Risk de-escalating: likelihood or impact falling", "de-escalating"),
    Trend("N/A", "Risk not on the register that quarter", "not applicable"),
)
ESCALATING, UNCHANGED, DEESCALATING, NEW, NOT_APPLICABLE = "↗", "→", "↘", "New", "N/A"

STATUSES = ("Open", "Closed")

# The Lists sheet: one column per list, each a workbook-level named range.
DEFAULT_LISTS: dict[str, tuple[str, ...]] = {
    "Ratings": tuple(r.name for r in RATINGS),
    "Trends": tuple(t.symbol for t in TRENDS),
    "Statuses": STATUSES,
    "Scores": ("1", "2", "3", "4", "5"),
    "Markings": ("OFFICIAL", "OFFICIAL-SENSITIVE"),
    "TrendBasis": ("score", "rating"),
}


# The lists the in-depth sheets and columns use; on the Lists sheet of a register made with `riskreg new --full`.
# Categories: the risk categories of HM Treasury's Orange Book (2020). Appetite levels: its Risk Appetite
# Guidance Note, least risk first.
APPETITE_LEVELS = ("Averse", "Minimal", "Cautious", "Open", "Eager")
ACTION_OPEN_STATUSES = ("Not started", "In progress")
ACTION_DONE_STATUS = "Done"
DEPTH_LISTS: dict[str, tuple[str, ...]] = {
    "Categories": ("Strategy", "Governance", "Operations", "Legal", "Property", "Financial", "Commercial",
                   "People", "Technology", "Information", "Security", "Project", "Reputational"),
    "AppetiteLevels": APPETITE_LEVELS,
    "ActionStatuses": ACTION_OPEN_STATUSES + (ACTION_DONE_STATUS, "Cancelled"),
    "Proximities": ("Imminent", "Within 6 months", "Within a year", "Beyond a year"),
    "Scoring": ("Likelihood × Impact", "Grid"),
}
# The Exempt list is on the Lists sheet of a register that has the Exempt column (`riskreg new --exempt`).
EXEMPT_LISTS: dict[str, tuple[str, ...]] = {EXEMPT_LIST: tuple(SCHEDULE_12A)}
ALL_DEFAULT_LISTS: dict[str, tuple[str, ...]] = DEFAULT_LISTS | DEPTH_LISTS | EXEMPT_LISTS


@dataclass(frozen=True)
class SheetColumn:
    """One column of a sheet that is an Excel Table of its own (Actions, Appetite)."""

    key: str
    header: str
    kind: str = "text"  # text | id | date | list
    width: float = 14
    list_name: str | None = None
    help: str = ""


ACTION_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("risk_id", "Risk ID", "id", 10, help="ID of the risk on the Register the action treats."),
    SheetColumn("action", "Action", "text", 50, help="What will be done."),
    SheetColumn("owner", "Owner", "text", 18, help="Who is doing it."),
    SheetColumn("due", "Due date", "date", 12, help="When it is due; overdue once the reporting period ends."),
    SheetColumn("status", "Status", "list", 12, "ActionStatuses", "Not started, In progress, Done or Cancelled."),
    SheetColumn("completed_on", "Completed on", "date", 13, help="Date a Done action was completed."),
    SheetColumn("update", "Update", "text", 50, help="Latest progress, for the board paper."),
)
APPETITE_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("category", "Category", "list", 18, "Categories", "A category from the Categories list."),
    SheetColumn("level", "Appetite", "list", 12, "AppetiteLevels", "Averse, Minimal, Cautious, Open or Eager."),
    SheetColumn("tolerance", "Tolerance", "text", 12,
                help="The highest acceptable residual score (e.g. 8) or rating (e.g. Medium)."),
    SheetColumn("statement", "Appetite statement", "text", 60, help="The appetite in words, as the board agreed it."),
)

# The Matrix sheet: scoring method, then bands (rating, lowest score), then for the Grid method the score of each
# likelihood (rows) and impact (columns). The matrix's size is the Likelihood and impact scale in Settings.
MATRIX_SCORING_LABEL = "Scoring"
MATRIX_BANDS_HEADER = ("Rating", "Lowest score")
MATRIX_GRID_CORNER = "Likelihood \\ Impact"
MATRIX_PRODUCT, MATRIX_GRID = DEPTH_LISTS["Scoring"]
# Default bands, as shares of the highest score, most severe rating first: on 5×5, 15+ Critical, 9+ High,
# 4+ Medium; on 4×4, 10+ Critical, 6+ High, 3+ Medium. The heat map has always been shaded this way.
DEFAULT_BAND_SHARES = (0.6, 0.35, 0.15)


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: object  # what `riskreg new` writes; a setting the paper needs has no default when read
    help: str = ""
    list_name: str | None = None
    paper: bool = False  # the board paper prints it: blank is an error, never filled in from elsewhere
    kind: str = "text"  # text | date

    @property
    def placeholder(self) -> str:
        """What `riskreg new` writes for a setting the paper needs and nobody gave: validation flags it."""
        return f"[{self.label}]"


SETTINGS: tuple[Setting, ...] = (
    Setting("title", "Register title", "Corporate Risk Register", "Title used on the board paper.", paper=True),
    Setting("organisation", "Organisation", "", "Organisation that owns the register.", paper=True),
    Setting("committee", "Committee", "", "Committee the board paper goes to, e.g. Joint Audit Committee.",
            paper=True),
    Setting("period", "Reporting period", "2021/22 Q2",
            "Financial-year quarter the register reports, e.g. 2021/22 Q2 (April–June is Q1)."),
    Setting("marking", "Protective marking", "OFFICIAL", "Shown on every page of the paper.", "Markings",
            paper=True),
    Setting("author", "Report of", "", "Who the paper is from (post title or name).", paper=True),
    Setting("contact", "Author", "", "Contact officer named on the paper.", paper=True),
    Setting("meeting_date", "Meeting date", "", "Date of the committee meeting, e.g. 30 September 2021.",
            kind="date"),
    Setting("agenda_item", "Agenda item", "", "Agenda item number for the paper."),
    Setting("id_pattern", "Risk ID pattern", r"CRR\d{2}",
            "Regular expression every risk ID must match, e.g. CRR\\d{2} for CRR01."),
    Setting("review_cycle_days", "Review cycle (days)", 92,
            "A risk whose Last Reviewed date is older than this is flagged."),
    Setting("score_scale", "Likelihood and impact scale", 4, "Highest score on the matrix: 4 or 5."),
    Setting("trend_basis", "Trend basis", "score",
            "Compare scores (when the register has them) or rating bands to work out arrows.", "TrendBasis"),
    Setting("stale_quarters", "Stale controls after (quarters)", 2,
            "A risk whose Key Controls text has not changed for this many closed quarters is flagged."),
    Setting("appendix_columns", "Appendix columns", "Risk Owner, Last Reviewed",
            "Optional Register columns the board paper's appendix shows, by header, separated by commas "
            "(e.g. Risk Owner, Portfolio/Department, Last Reviewed); None for none."),
    Setting("backups_keep", "Backups to keep", 10,
            "How many backups of this workbook riskreg keeps in its 'riskreg backups' folder; older ones are "
            "removed (each write says which)."),
    Setting("reviewing_body", "Reviewed by", "",
            "Body that reviews the register before it goes to the Committee, e.g. Force Executive Team, Corporate "
            "Management Team or Full Council; the paper leaves the sentence out when blank."),
    Setting("framework", "Risk framework", "",
            "Name of the framework or policy risk is managed under, e.g. Risk Management Framework or Risk "
            "Management Strategy; the paper leaves it out when blank."),
    Setting("not_collected", "Not collected", "",
            "Register columns an imported register's source had none of, by header, separated by commas (e.g. "
            "Impact): their blank cells are one warning, not an error each. Take a header out once you collect it."),
    Setting("trends_from", "Trends recorded from", "",
            "First quarter whose trend cells must be filled, e.g. 2024/25 Q3: an imported register's source had no "
            "trends before it. Blank: every quarter."),
    Setting("exempt_marking", "Exempt marking", "",
            "Protective marking of the board paper's exempt appendix (Schedule 12A), e.g. OFFICIAL-SENSITIVE; when "
            "blank the appendix carries the paper's own marking."),
)
BACKUPS_RANGE = range(1, 1000)  # 'Backups to keep': at least the one made before the write
SETTING_BY_KEY = {s.key: s for s in SETTINGS}
PAPER_SETTINGS = tuple(s for s in SETTINGS if s.paper)


@dataclass(frozen=True)
class HistoryColumn:
    key: str
    header: str
    width: float = 14


HISTORY_COLUMNS: tuple[HistoryColumn, ...] = (
    HistoryColumn("risk_id", "Risk ID", 10),
    HistoryColumn("period", "Period", 12),
    HistoryColumn("rating", "Rating", 12),
    HistoryColumn("trend", "Trend", 9),
    HistoryColumn("likelihood", "Likelihood", 11),
    HistoryColumn("impact", "Impact", 9),
    HistoryColumn("score", "Score", 8),
    HistoryColumn("reviewed_on", "Reviewed on", 13),
    HistoryColumn("source", "Source", 11),
    # Recorded at roll-over since issue 12; a History sheet without them still reads (old rows count as open).
    HistoryColumn("status", "Status", 9),
    HistoryColumn("owner", "Owner", 18),
    HistoryColumn("fingerprint", "Text fingerprint", 14),
)
HISTORY_SOURCES = ("recorded", "imported", "rolled")
# History columns a workbook made before they existed may lack: roll-over adds their headers.
HISTORY_ADDED_KEYS = ("status", "owner", "fingerprint")

# The words of each closed quarter, on a very hidden sheet, one row per key and field: each risk's text once per
# text fingerprint (History names the fingerprint), and each quarter's paper settings and rating scale under
# 'quarter 2021/22 Q3'. History stays one short row per risk and quarter.
TEXT_SHEET = "Record"
TEXT_COLUMNS: tuple[HistoryColumn, ...] = (
    HistoryColumn("key", "Key", 22), HistoryColumn("field", "Field", 14), HistoryColumn("text", "Text", 80))
RECORDED_TEXT_KEYS = ("name", "description", "impact", "controls", "portfolio", "date_raised")
# The settings a paper shows, recorded with each closed quarter so that its paper can be built again the same.
RECORDED_SETTING_KEYS = ("title", "organisation", "committee", "marking", "author", "contact", "meeting_date",
                         "agenda_item")
# The configuration a closed quarter keeps (issue 24): its paper is scored, drawn and listed as it was then. A
# quarter closed before they were recorded has none, and is shown with today's.
RECORDED_CONFIG_KEYS = ("score_scale", "trend_basis", "stale_quarters", "appendix_columns", "review_cycle_days",
                        "id_pattern")


@dataclass(frozen=True)
class ExportLayout:
    """The tab-separated export real registers come in."""

    title: str = "Corporate Risks"
    headers: tuple[str, ...] = field(default_factory=lambda: tuple(c.header for c in CORE_COLUMNS))
    rows_per_block: int = 6  # the export repeats its title and headers every few risks


EXPORT_LAYOUT = ExportLayout()
