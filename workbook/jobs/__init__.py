"""The use cases every front end calls (new, import, export, validate, trends, roll quarter, paper, past paper).

Each job decides its policy here and returns a typed result that carries its own sentences; the CLI, the ribbon
and the server only do I/O and show them. The heavy libraries load inside the jobs that need them.
"""

from workbook.jobs.common import (
    Written,
    check_output,
    free_path,
    period_or_none,
    period_or_today,
    rating_counts,
    read_register,
    risks_with_ratings,
    set_command,
    write_text,
    writing,
)
from workbook.jobs.export import Exported, export_register
from workbook.jobs.importing import Imported, import_register, import_sample, is_register_export
from workbook.jobs.new import Created, create_register, new_register, paper_settings
from workbook.jobs.paper import (
    Paper,
    build_paper,
    default_paper_path,
    free_paper_path,
    is_previous_paper,
    pdf_available,
)
from workbook.jobs.past_paper import build_past_paper
from workbook.jobs.roll import Roll, plan_quarter, roll_edit, roll_quarter
from workbook.jobs.trends import (
    TrendsWritten,
    fills_edit,
    refresh_trends,
    refresh_trends_file,
    trends_edit,
    trends_message,
    write_trends,
)
from workbook.jobs.validate import Validation, findings_edit, validate, validate_file, write_validation
from workbook.jobs.values import scratch_copy

__all__ = [
    "Created", "Exported", "Imported", "Paper", "Roll", "TrendsWritten", "Validation", "Written", "build_paper",
    "build_past_paper", "check_output", "create_register", "default_paper_path", "export_register", "fills_edit", "findings_edit",
    "free_paper_path", "free_path", "import_register", "import_sample", "is_previous_paper", "is_register_export",
    "new_register", "paper_settings", "pdf_available", "period_or_none", "period_or_today", "plan_quarter",
    "rating_counts", "trends_message", "read_register", "refresh_trends", "refresh_trends_file", "risks_with_ratings", "roll_edit",
    "roll_quarter", "scratch_copy", "set_command", "trends_edit", "validate", "validate_file", "write_text", "write_trends",
    "write_validation", "writing",
]
