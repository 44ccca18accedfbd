"""The paper's "what changed since the last paper" block: field changes, and text as Word tracked changes."""

from __future__ import annotations

from report_builder import wordml
from report_builder.content import PaperContent
from workbook.core.changes import DELETE, INSERT, FieldChange

AUTHOR = "riskreg"  # the name Word's Review pane shows against each insertion and deletion
_AUTHOR_ATTRIBUTE = f'"{wordml.escape(AUTHOR, {chr(34): "&quot;"})}"'


def _runs(text: str, tag: str = "w:t") -> str:
    """Return w:r elements for `text`, each line break a w:br."""
    pieces = []
    for number, line in enumerate(wordml.clean(text).split("\n")):
        if number:
            pieces.append("<w:r><w:br/></w:r>")
        if line:
            pieces.append(f'<w:r><{tag} xml:space="preserve">{wordml.escape(line)}</{tag}></w:r>')
    return "".join(pieces)


class _Ids:
    """Numbers each tracked change: Word wants w:id unique in the document."""

    def __init__(self, start: int = 9000):
        self.next = start

    def __call__(self) -> int:
        self.next += 1
        return self.next


def redline(change: FieldChange, ids: _Ids, style: str = "Normal") -> str:
    """Return one w:p showing the new text with the words removed as deletions and the words added as insertions."""
    author = _AUTHOR_ATTRIBUTE
    parts = []
    for op, text in change.words:
        if op == INSERT:
            parts.append(f'<w:ins w:id="{ids()}" w:author={author}>{_runs(text)}</w:ins>')
        elif op == DELETE:
            parts.append(f'<w:del w:id="{ids()}" w:author={author}>{_runs(text, "w:delText")}</w:del>')
        else:
            parts.append(_runs(text))
    return f"<w:p>{wordml.paragraph_properties(style)}{''.join(parts)}</w:p>"


def changes_block(content: PaperContent) -> list:
    """Return the block's paragraphs: per risk what changed since the last paper, then the stale controls."""
    ids = _Ids()
    elements = []
    since = content.changes_since
    if not content.changes:
        elements.append(wordml.paragraph(
            f"No risk changed its rating, score, owner or text since the {since} paper." if since
            else "History holds no recorded quarter before this one to compare with: a quarter is recorded in "
                 "full when it is closed at the end of the quarter.", "Normal"))
    for risk in content.changes:
        elements.append(wordml.paragraph(f"{risk.risk_id} {risk.name}".strip(), "FieldLabel", keep_next=True))
        for change in risk.fields:
            if change.words:
                elements.append(wordml.paragraph(f"{change.label} (words added and removed since {since}):",
                                                 "ListBullet", keep_next=True))
                elements.append(redline(change, ids))
            else:
                elements.append(wordml.paragraph(
                    f"{change.label}: {change.before or 'none'} → {change.after or 'none'}", "ListBullet"))
    if content.stale:
        elements.append(wordml.paragraph("Controls not changed for a while:", "FieldLabel", keep_next=True))
        elements.extend(wordml.paragraph(line, "ListBullet") for line in content.stale)
    return [wordml.element(xml) for xml in elements]
