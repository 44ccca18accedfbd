"""Write a compound file (MS-CFB version 3): the container format of xl/vbaProject.bin.

olefile reads compound files but can only overwrite streams of the same size, so the add-in build writes a
new one. The writer is deliberately small: version 3 (512-byte sectors), no DIFAT sectors (files up to
about 7 MB), zero CLSIDs and timestamps so that the same streams always give the same bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
ENTRY_SIZE = 128
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
HEADER_DIFAT_SLOTS = 109
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
MAX_NAME = 31  # UTF-16 code units, plus the terminating null


class CompoundFileError(ValueError):
    """The streams cannot be stored in a version 3 compound file."""


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    colour: int = BLACK
    start: int = 0
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    """Order siblings the way MS-CFB 2.6.4 compares names: shorter first, then case-insensitive."""
    return len(name.encode("utf-16-le")) // 2, name.upper()


def _tree(paths: Mapping[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", ROOT)
    for path, data in paths.items():
        parts = path.split("/")
        node = root
        for depth, part in enumerate(parts):
            if not part or len(part) > MAX_NAME or any(c in part for c in "!:\\"):
                raise CompoundFileError(f"stream path {path!r}: {part!r} is not a valid compound-file name")
            is_stream = depth == len(parts) - 1
            found = next((c for c in node.children if c.name.upper() == part.upper()), None)
            if found is None:
                found = _Entry(part, STREAM if is_stream else STORAGE, data if is_stream else b"")
                node.children.append(found)
            elif is_stream or found.kind != STORAGE:
                raise CompoundFileError(f"stream path {path!r} clashes with another stream or storage")
            node = found
    return root


def _number(root: _Entry) -> list[_Entry]:
    """Give every entry its stream ID, breadth first (root is 0), siblings in name order."""
    entries = [root]
    queue = [root]
    while queue:
        node = queue.pop(0)
        node.children.sort(key=lambda e: _sort_key(e.name))
        for child in node.children:
            child.sid = len(entries)
            entries.append(child)
            queue.append(child)
    return entries


def _link_siblings(node: _Entry) -> None:
    """Build each storage's sibling tree: balanced, its deepest incomplete level red, the rest black.

    A balanced tree whose leaves differ in depth by at most one is a valid red-black tree when the
    nodes on the deepest level are red: every path then passes the same number of black nodes.
    """
    children = node.children
    if not children:
        return
    depth_of: dict[int, int] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo > hi:
            return NOSTREAM
        mid = (lo + hi + 1) // 2
        entry = children[mid]
        depth_of[mid] = depth
        entry.left = build(lo, mid - 1, depth + 1)
        entry.right = build(mid + 1, hi, depth + 1)
        return entry.sid

    node.child = build(0, len(children) - 1, 0)
    deepest = max(depth_of.values())
    perfect = len(children) == 2 ** (deepest + 1) - 1
    for index, entry in enumerate(children):
        entry.colour = RED if depth_of[index] == deepest and not perfect and deepest > 0 else BLACK
    for child in children:
        _link_siblings(child)


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _pad(data: bytes, unit: int) -> bytes:
    return data + b"\0" * (-len(data) % unit)


def _direntry(entry: _Entry | None) -> bytes:
    if entry is None:
        return b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 36 + \
            struct.pack("<IQ", 0, 0)
    name = entry.name.encode("utf-16-le")
    return (name.ljust(64, b"\0") + struct.pack("<HBBIII", len(name) + 2, entry.kind, entry.colour,
                                                 entry.left, entry.right, entry.child)
            + b"\0" * 16  # CLSID
            + b"\0" * 4  # state bits
            + b"\0" * 16  # creation and modification times: zero keeps builds reproducible
            + struct.pack("<IQ", entry.start, entry.size))


def write_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """Return a compound file holding `streams` ('VBA/dir' -> bytes); storages come from the paths."""
    root = _tree(streams)
    entries = _number(root)
    _link_siblings(root)

    big = [e for e in entries if e.kind == STREAM and len(e.data) >= MINI_CUTOFF]
    small = [e for e in entries if e.kind == STREAM and len(e.data) < MINI_CUTOFF]

    ministream = b""
    minifat: list[int] = []
    for entry in small:
        entry.size = len(entry.data)
        if not entry.data:
            entry.start = ENDOFCHAIN
            continue
        count = -(-len(entry.data) // MINI_SECTOR)
        entry.start = len(minifat)
        minifat.extend([0] * count)
        _chain(minifat, entry.start, count)
        ministream += _pad(entry.data, MINI_SECTOR)
    minifat_bytes = _pad(b"".join(struct.pack("<I", n) for n in minifat), SECTOR)
    per_sector = SECTOR // ENTRY_SIZE
    dir_count = -(-len(entries) // per_sector)

    # Sector layout after the header: big streams, mini stream, mini FAT, directory, then the FAT itself.
    sectors: list[bytes] = []
    runs: list[tuple[int, int]] = []  # (first sector, count) of every chain

    def place(data: bytes) -> int:
        if not data:
            return ENDOFCHAIN
        first = len(sectors)
        chunk = _pad(data, SECTOR)
        sectors.extend(chunk[i:i + SECTOR] for i in range(0, len(chunk), SECTOR))
        runs.append((first, len(sectors) - first))
        return first

    for entry in big:
        entry.size = len(entry.data)
        entry.start = place(entry.data)
    root.start = place(ministream)
    root.size = len(ministream)
    first_minifat = place(minifat_bytes) if minifat else ENDOFCHAIN
    minifat_sectors = len(minifat_bytes) // SECTOR if minifat else 0
    # Directory entries hold the start sectors, so they are written last; reserve their sectors now.
    first_dir = len(sectors)
    sectors.extend([b""] * dir_count)
    runs.append((first_dir, dir_count))

    fat_count = 1
    while (len(sectors) + fat_count) > fat_count * (SECTOR // 4):
        fat_count += 1
    if fat_count > HEADER_DIFAT_SLOTS:
        raise CompoundFileError("streams too large for a compound file without DIFAT sectors (about 7 MB)")
    first_fat = len(sectors)
    fat = [FREESECT] * (fat_count * SECTOR // 4)
    for first, count in runs:
        _chain(fat, first, count)
    for i in range(fat_count):
        fat[first_fat + i] = FATSECT

    dir_bytes = b"".join(_direntry(e) for e in entries)
    dir_bytes += b"".join(_direntry(None) for _ in range(dir_count * per_sector - len(entries)))
    for i in range(dir_count):
        sectors[first_dir + i] = dir_bytes[i * SECTOR:(i + 1) * SECTOR]
    fat_bytes = b"".join(struct.pack("<I", n) for n in fat)
    sectors.extend(fat_bytes[i * SECTOR:(i + 1) * SECTOR] for i in range(fat_count))

    difat = [first_fat + i for i in range(fat_count)] + [FREESECT] * (HEADER_DIFAT_SLOTS - fat_count)
    header = (SIGNATURE + b"\0" * 16
              + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, fat_count, first_dir, 0, MINI_CUTOFF,
                            first_minifat, minifat_sectors, ENDOFCHAIN, 0)
              + b"".join(struct.pack("<I", n) for n in difat))
    assert len(header) == SECTOR
    return header + b"".join(sectors)


def read_streams(data: bytes) -> dict[str, bytes]:
    """Return every stream of the compound file `data` by path ('VBA/dir'), for patching and tests."""
    import io

    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {"/".join(path): ole.openstream(path).read() for path in ole.listdir(streams=True)}
