"""The VBA project streams (MS-OVBA): compression, the `dir` stream, and renaming a module in a template.

The add-in is built from xlwings' ribbon template by swapping its demo module for ours. Office compiles
modules from their compressed source when a module has no p-code (MODULEOFFSET 0) and `_VBA_PROJECT`
carries version 0xFFFF, which is how xlwings ships its templates (MS-OVBA 2.3.4.1).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

CHUNK = 4096


class VbaProjectError(ValueError):
    """The VBA project in the template does not have the shape the build expects."""


# --- MS-OVBA 2.4.1: compression --------------------------------------------------------------------


def _copy_token_split(position: int) -> tuple[int, int]:
    """Return (offset bits, length mask) for a copy token at `position` in the decompressed chunk."""
    bits = max((position - 1).bit_length(), 4)
    return bits, 0xFFFF >> bits


def decompress(data: bytes) -> bytes:
    """Return the decompressed bytes of a CompressedContainer."""
    if not data or data[0] != 1:
        raise VbaProjectError("compressed container does not start with signature byte 0x01")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        compressed = header >> 15
        end = min(pos + size, len(data))
        pos += 2
        start = len(out)
        if not compressed:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                offset_bits, length_mask = _copy_token_split(len(out) - start)
                length = (token & length_mask) + 3
                offset = (token >> (16 - offset_bits)) + 1
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """Return one CompressedChunk (header included) for up to 4096 bytes."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions, to find matches quickly
    pos = 0
    while pos < len(chunk):
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(chunk):
                break
            offset_bits, length_mask = _copy_token_split(pos)
            max_length = length_mask + 3
            best_length, best_offset = 0, 0
            # MS-OVBA 2.4.1.3.19.4: the longest match wins, measured to the chunk's end, nearest first on ties;
            # only then is it cut to what a copy token can hold.
            for candidate in reversed(heads.get(chunk[pos:pos + 3], ())):
                length = 0
                limit = len(chunk) - pos
                while length < limit and chunk[candidate + length] == chunk[pos + length]:
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, pos - candidate
                    if length == limit:
                        break
            best_length = min(best_length, max_length)
            if best_length >= 3:
                token = ((best_offset - 1) << (16 - offset_bits)) | (best_length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_length
            else:
                out.append(chunk[pos])
                step = 1
            for p in range(pos, pos + step):
                heads.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        out[flag_index] = flags
    if len(out) > CHUNK:
        if len(chunk) < CHUNK:
            # A short raw chunk would be padded with zeros (MS-OVBA 2.4.1.3.10); source text never needs one.
            raise VbaProjectError("data does not compress; module source must be text")
        return struct.pack("<H", 0x3000 | (CHUNK - 1)) + chunk
    return struct.pack("<H", 0xB000 | (len(out) - 1)) + bytes(out)


def compress(data: bytes) -> bytes:
    """Return `data` as a CompressedContainer."""
    return b"\x01" + b"".join(_compress_chunk(data[i:i + CHUNK]) for i in range(0, len(data), CHUNK))


# --- MS-OVBA 2.3.4.2: the dir stream ----------------------------------------------------------------

MODULE_NAME, MODULE_NAME_UNICODE, MODULE_STREAM_NAME, MODULE_STREAM_NAME_UNICODE = 0x19, 0x47, 0x1A, 0x32
MODULE_OFFSET, MODULE_TERMINATOR, PROJECT_NAME, PROJECT_VERSION, PROJECT_CODEPAGE = 0x31, 0x2B, 0x04, 0x09, 0x03


@dataclass
class Record:
    id: int
    data: bytes
    size: int | None = None  # the size field when it differs from len(data) (PROJECTVERSION)

    def pack(self) -> bytes:
        size = len(self.data) if self.size is None else self.size
        return struct.pack("<HI", self.id, size) + self.data


def parse_dir(data: bytes) -> list[Record]:
    """Return the records of a decompressed `dir` stream, in order."""
    records = []
    pos = 0
    while pos < len(data):
        record_id, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if record_id == PROJECT_VERSION:
            # Its size field says 4 but MajorVersion (4 bytes) and MinorVersion (2 bytes) follow.
            records.append(Record(record_id, data[pos:pos + 6], size=size))
            pos += 6
            continue
        records.append(Record(record_id, data[pos:pos + size]))
        pos += size
    return records


def pack_dir(records: list[Record]) -> bytes:
    return b"".join(record.pack() for record in records)


def codepage(records: list[Record]) -> str:
    """Return the Python codec of the project's code page (PROJECTCODEPAGE)."""
    page = next(struct.unpack("<H", r.data)[0] for r in records if r.id == PROJECT_CODEPAGE)
    return f"cp{page}"


@dataclass
class Module:
    name: str
    stream: str
    offset: int


def modules(records: list[Record]) -> list[Module]:
    """Return the modules the `dir` stream declares, with their stream names and source offsets."""
    found = []
    encoding = codepage(records)
    name = stream = None
    offset = 0
    for record in records:
        if record.id == MODULE_NAME:
            name = record.data.decode(encoding)
        elif record.id == MODULE_STREAM_NAME:
            stream = record.data.decode(encoding)
        elif record.id == MODULE_OFFSET:
            offset = struct.unpack("<I", record.data)[0]
        elif record.id == MODULE_TERMINATOR and name is not None:
            found.append(Module(name, stream or name, offset))
            name = stream = None
            offset = 0
    return found


def module_source(dir_records: list[Record], streams: dict[str, bytes], name: str) -> str:
    """Return the source text of module `name` (decompressed, decoded, CRLF kept)."""
    module = next((m for m in modules(dir_records) if m.name == name), None)
    if module is None:
        raise VbaProjectError(f"no module named {name!r} in the VBA project")
    return decompress(streams[f"VBA/{module.stream}"][module.offset:]).decode(codepage(dir_records))


def replace_module(streams: dict[str, bytes], old: str, new: str, source: str,
                   project_name: str | None = None) -> dict[str, bytes]:
    """Return `streams` with module `old` replaced by module `new` holding `source` (no p-code).

    `source` is the module text as exported (.bas, starting with `Attribute VB_Name = "new"`), with any
    line ends; VBA stores CRLF.
    """
    records = parse_dir(decompress(streams["VBA/dir"]))
    encoding = codepage(records)
    if old not in {m.name for m in modules(records)}:
        raise VbaProjectError(f"the template has no module {old!r} to replace")
    text = source.replace("\r\n", "\n").replace("\n", "\r\n")
    first = text.split("\r\n", 1)[0]
    if first != f'Attribute VB_Name = "{new}"':
        raise VbaProjectError(f"module source must start with 'Attribute VB_Name = \"{new}\"', found {first!r}")

    patched: list[Record] = []
    inside = False
    for record in records:
        if record.id == MODULE_NAME:
            inside = record.data.decode(encoding) == old
        if record.id == PROJECT_NAME and project_name:
            record = Record(PROJECT_NAME, project_name.encode(encoding))
        elif inside and record.id in (MODULE_NAME, MODULE_STREAM_NAME):
            record = Record(record.id, new.encode(encoding))
        elif inside and record.id in (MODULE_NAME_UNICODE, MODULE_STREAM_NAME_UNICODE):
            record = Record(record.id, new.encode("utf-16-le"))
        elif inside and record.id == MODULE_OFFSET:
            record = Record(MODULE_OFFSET, struct.pack("<I", 0))
        elif record.id == MODULE_TERMINATOR:
            inside = False
        patched.append(record)

    result = {path: data for path, data in streams.items() if path != f"VBA/{old}"}
    result["VBA/dir"] = compress(pack_dir(patched))
    result[f"VBA/{new}"] = compress(text.encode(encoding))
    result["PROJECT"] = _patch_project(streams["PROJECT"], old, new, project_name, encoding)
    result["PROJECTwm"] = _patch_project_wm(streams["PROJECTwm"], old, new, encoding)
    return result


def _patch_project(data: bytes, old: str, new: str, project_name: str | None, encoding: str) -> bytes:
    """Rename the module in the PROJECT stream's `Module=` and `[Workspace]` lines (MS-OVBA 2.3.1)."""
    text = data.decode(encoding)
    count = 0
    for pattern, replacement in ((rf"(?m)^Module={re.escape(old)}\r$", f"Module={new}\r"),
                                 (rf"(?m)^{re.escape(old)}=", f"{new}=")):
        text, n = re.subn(pattern, replacement, text)
        count += n
    if count != 2:
        raise VbaProjectError(f"PROJECT stream: expected one Module= line and one [Workspace] line for {old!r}")
    if project_name:
        text, n = re.subn(r'(?m)^Name="[^"]*"\r$', f'Name="{project_name}"\r', text)
        if n != 1:
            raise VbaProjectError("PROJECT stream: no Name= line")
    return text.encode(encoding)


def _patch_project_wm(data: bytes, old: str, new: str, encoding: str) -> bytes:
    """Rename the module in PROJECTwm: pairs of MBCS and UTF-16 names, each null-terminated."""
    old_pair = old.encode(encoding) + b"\0" + old.encode("utf-16-le") + b"\0\0"
    if data.count(old_pair) != 1:
        raise VbaProjectError(f"PROJECTwm stream: no entry for module {old!r}")
    return data.replace(old_pair, new.encode(encoding) + b"\0" + new.encode("utf-16-le") + b"\0\0")


def replace_in_module(streams: dict[str, bytes], name: str, old_line: str, new_line: str) -> dict[str, bytes]:
    """Return `streams` with one whole line of module `name` replaced; its p-code is dropped (offset 0)."""
    records = parse_dir(decompress(streams["VBA/dir"]))
    encoding = codepage(records)
    source = module_source(records, streams, name)
    lines = source.splitlines(keepends=True)  # xlwings stores LF, the VBA editor CRLF: keep whichever is there
    found = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == old_line]
    if len(found) != 1:
        raise VbaProjectError(f"module {name!r}: expected the line {old_line!r} exactly once")
    line = lines[found[0]]
    lines[found[0]] = new_line + line[len(line.rstrip("\r\n")):]
    patched: list[Record] = []
    inside = False
    for record in records:
        if record.id == MODULE_NAME:
            inside = record.data.decode(encoding) == name
        if inside and record.id == MODULE_OFFSET:
            record = Record(MODULE_OFFSET, struct.pack("<I", 0))
        elif record.id == MODULE_TERMINATOR:
            inside = False
        patched.append(record)
    stream = next(m.stream for m in modules(records) if m.name == name)
    result = dict(streams)
    result["VBA/dir"] = compress(pack_dir(patched))
    result[f"VBA/{stream}"] = compress("".join(lines).encode(encoding))
    return result


PROJECT_MODULES, DIR_TERMINATOR = 0x0F, 0x10


def _module_records(records: list[Record], name: str, encoding: str) -> list[Record]:
    """Return the records of module `name`, MODULENAME to MODULETERMINATOR, from a parsed `dir` stream."""
    found, inside = [], False
    for record in records:
        if record.id == MODULE_NAME:
            inside = record.data.decode(encoding) == name
        if inside:
            found.append(record)
            if record.id == MODULE_TERMINATOR:
                return found
    raise VbaProjectError(f"no module named {name!r} in the VBA project")


def add_modules(streams: dict[str, bytes], donor: dict[str, bytes], names: list[str]) -> dict[str, bytes]:
    """Return `streams` with modules `names` copied from the `donor` project (source only, no p-code).

    Each module keeps its `dir` records (name, stream, type: procedural or class) with its source offset set to 0,
    its `Module=`/`Class=` line of the donor's PROJECT stream and its PROJECTwm names.
    """
    records = parse_dir(decompress(streams["VBA/dir"]))
    donor_records = parse_dir(decompress(donor["VBA/dir"]))
    encoding, donor_encoding = codepage(records), codepage(donor_records)
    present = {m.name for m in modules(records)}
    clash = sorted(set(names) & present)
    if clash:
        raise VbaProjectError(f"the project already has a module {clash[0]!r}")
    added: list[Record] = []
    result = dict(streams)
    project = streams["PROJECT"].decode(encoding)
    donor_project = donor["PROJECT"].decode(donor_encoding)
    wm = streams["PROJECTwm"]
    if not wm.endswith(b"\0\0"):
        raise VbaProjectError("PROJECTwm stream: no terminator")
    for name in names:
        copied = [Record(MODULE_OFFSET, struct.pack("<I", 0)) if r.id == MODULE_OFFSET else r
                  for r in _module_records(donor_records, name, donor_encoding)]
        added.extend(copied)
        stream = next(r.data.decode(donor_encoding) for r in copied if r.id == MODULE_STREAM_NAME)
        source = module_source(donor_records, donor, name)
        result[f"VBA/{stream}"] = compress(source.encode(encoding))
        line = re.search(rf"(?m)^(Module|Class)={re.escape(name)}\r$", donor_project)
        if line is None:
            raise VbaProjectError(f"donor PROJECT stream: no Module= or Class= line for {name!r}")
        last = list(re.finditer(r"(?m)^(Document|Module|Class|Package)=[^\r]*\r\n", project))[-1]
        project = project[:last.end()] + line.group(0) + "\n" + project[last.end():]
        wm = wm[:-2] + name.encode(encoding) + b"\0" + name.encode("utf-16-le") + b"\0\0" + b"\0\0"
    patched = []
    for record in records:
        if record.id == PROJECT_MODULES:
            record = Record(PROJECT_MODULES, struct.pack("<H", struct.unpack("<H", record.data)[0] + len(names)))
        if record.id == DIR_TERMINATOR:
            patched.extend(added)
        patched.append(record)
    result["VBA/dir"] = compress(pack_dir(patched))
    result["PROJECT"] = project.encode(encoding)
    result["PROJECTwm"] = wm
    return result
