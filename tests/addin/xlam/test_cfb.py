"""The compound-file writer, read back with olefile in strict mode and checked against MS-CFB's rules."""

from __future__ import annotations

import io
import struct

import olefile
import pytest

from addin.xlam.cfb import BLACK, NOSTREAM, RED, CompoundFileError, read_streams, write_compound_file

STREAMS = {
    "PROJECT": b"ID=\"{0}\"\r\n" * 40,
    "PROJECTwm": b"x\0x\0\0\0",
    "VBA/dir": bytes(range(256)) * 3,
    "VBA/_VBA_PROJECT": bytes.fromhex("cc61ffff000100"),
    "VBA/Big": bytes(range(256)) * 40,  # over 4096 bytes: regular sectors, not the mini stream
    "VBA/Module1": b"Attribute VB_Name = \"Module1\"\r\n",
    "VBA/Exactly4096": b"z" * 4096,
    "VBA/Just under": b"y" * 4095,
}


def entries(data: bytes) -> list[dict]:
    """Return the directory entries as olefile parsed them."""
    with olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        return [{"sid": e.sid, "name": e.name, "left": e.sid_left, "right": e.sid_right, "child": e.sid_child,
                 "colour": e.color, "type": e.entry_type} for e in ole.direntries if e is not None]


def test_streams_read_back_identical_in_strict_mode():
    data = write_compound_file(STREAMS)
    with olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        assert ole.parsing_issues == []
        assert ole.root.clsid == "" and ole.root.getctime() is None and ole.root.getmtime() is None
    assert read_streams(data) == STREAMS
    assert len(data) % 512 == 0 and data[:8] == bytes.fromhex("D0CF11E0A1B11AE1")


def test_same_streams_give_the_same_bytes_whatever_their_order():
    reordered = dict(reversed(list(STREAMS.items())))
    assert write_compound_file(STREAMS) == write_compound_file(reordered)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 8, 30])
def test_sibling_trees_are_red_black_trees_in_cfb_name_order(count):
    streams = {f"S/{'n' * (i % 5 + 1)}{i:02d}": bytes([i]) for i in range(count)}
    data = write_compound_file(streams)
    table = {e["sid"]: e for e in entries(data)}
    storage = next(e for e in table.values() if e["name"] == "S")

    def walk(sid, depth_black):
        """Return (names in order, black height); assert no red node has a red child."""
        if sid == NOSTREAM:
            return [], depth_black + 1
        node = table[sid]
        for child in (node["left"], node["right"]):
            if node["colour"] == RED and child != NOSTREAM:
                assert table[child]["colour"] == BLACK, "red node with a red child"
        left, left_height = walk(node["left"], 0)
        right, right_height = walk(node["right"], 0)
        assert left_height == right_height, "unequal black heights"
        return left + [node["name"]] + right, left_height + (node["colour"] == BLACK)

    names, _ = walk(storage["child"], 0)
    assert table[storage["child"]]["colour"] == BLACK
    assert names == sorted(names, key=lambda n: (len(n), n.upper()))
    assert len(names) == count


def test_names_longer_than_31_characters_are_refused():
    with pytest.raises(CompoundFileError, match="not a valid compound-file name"):
        write_compound_file({"x" * 32: b""})


def test_a_stream_and_a_storage_of_one_name_are_refused():
    with pytest.raises(CompoundFileError, match="clashes"):
        write_compound_file({"VBA": b"1", "VBA/dir": b"2"})


def test_header_declares_version_3_and_the_fat_it_uses():
    data = write_compound_file(STREAMS)
    minor, major, order, sector_shift, mini_shift = struct.unpack_from("<HHHHH", data, 24)
    assert (minor, major, order, sector_shift, mini_shift) == (0x3E, 3, 0xFFFE, 9, 6)
    fat_sectors, first_dir = struct.unpack_from("<II", data, 44)
    assert fat_sectors == 1 and first_dir < (len(data) // 512)
    assert struct.unpack_from("<I", data, 56)[0] == 4096  # mini stream cutoff
