"""Copy a part from one zip package into another as it is stored: no unpacking, no compressing again."""

from __future__ import annotations

import copy
import struct
import zipfile


def copy_compressed(package: bytes, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Copy part `info` of the zip file `package` (its bytes) into `out` as stored: compressed bytes, checksum and
    sizes unchanged.

    zipfile has no public call for this; the local header is rebuilt from the part's own ZipInfo."""
    name_length, extra_length = struct.unpack("<HH", package[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    data = package[start:start + info.compress_size]
    entry = copy.copy(info)
    entry.flag_bits &= ~0x08  # sizes and checksum go in the local header, not in a trailing descriptor
    entry.extra = b""
    entry.header_offset = out.fp.tell()
    out.fp.write(entry.FileHeader(zip64=entry.file_size > zipfile.ZIP64_LIMIT
                                  or entry.compress_size > zipfile.ZIP64_LIMIT))
    out.fp.write(data)
    out.filelist.append(entry)
    out.NameToInfo[entry.filename] = entry
    out.start_dir = out.fp.tell()
    out._didModify = True
