"""Errors the user can fix; each message names the place and the fix."""


class RiskregError(Exception):
    """Base of every error a user can act on; `user_message` is shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


class RegisterFormatError(RiskregError):
    """The register workbook does not have the layout riskreg expects."""


class ExportFormatError(RiskregError):
    """The tab-separated register export cannot be read."""


class PeriodError(RiskregError):
    """A reporting period label does not parse or does not fit."""


class OutputError(RiskregError):
    """An output file cannot be written where the user asked."""


class TemplateError(RiskregError):
    """The Word template is broken or uses an unknown placeholder."""


class UnsafeInputError(RiskregError):
    """Input refused because reading it could harm the machine or lose data."""


class ImportSourceError(RiskregError):
    """Another organisation's register (a workbook, CSV or Word table) cannot be imported as it stands."""


class RegisterErrorsError(RiskregError):
    """The register has errors, so a command that keeps its content (the paper, a closed quarter) refuses unless
    forced; `errors` are the findings and `listing` names them, for a caller that asks its own question."""

    def __init__(self, message: str, errors: list, listing: str):
        super().__init__(message)
        self.errors = errors
        self.listing = listing
