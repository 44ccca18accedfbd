"""MS-OVBA compression and the dir stream, checked against the spec's example and xlwings' template."""

from __future__ import annotations

import random
import zipfile

import pytest

from addin.xlam import ovba
from addin.xlam.build import VBA_PART, template_path
from addin.xlam.cfb import read_streams

# MS-OVBA 3.2.3, "Example: Normal Compression".
SPEC_TEXT = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
SPEC_COMPRESSED = bytes.fromhex("012FB000236161616263646582660070616768696A013808616B6C00306D6E6F700671027004"
                                "1072737475761077787 97A003C".replace(" ", ""))


@pytest.fixture(scope="module")
def template_streams() -> dict[str, bytes]:
    with zipfile.ZipFile(template_path()) as archive:
        return read_streams(archive.read(VBA_PART))


def test_decompresses_the_spec_example():
    assert ovba.decompress(SPEC_COMPRESSED) == SPEC_TEXT


@pytest.mark.parametrize("size", [0, 1, 3, 4095, 4096, 4097, 12_000])
def test_compression_round_trips_text_of_any_length(size):
    rng = random.Random(size)
    words = [b"Sub ", b"End Sub\r\n", b"    RunPython ", b"Dim x As Long\r\n", b"' comment\r\n", b"a", b" "]
    text = b"".join(rng.choice(words) for _ in range(size))[:size]
    assert ovba.decompress(ovba.compress(text)) == text


def test_incompressible_full_chunks_are_stored_raw():
    data = random.Random(7).randbytes(4096 * 2)
    packed = ovba.compress(data)
    assert packed[1:3] == bytes.fromhex("FF3F")  # raw chunk header: size 4098, flag 0
    assert ovba.decompress(packed) == data


def test_an_incompressible_short_chunk_is_refused_rather_than_padded():
    with pytest.raises(ovba.VbaProjectError, match="does not compress"):
        ovba.compress(random.Random(3).randbytes(4000))


def test_compression_round_trips_every_module_of_the_template(template_streams):
    # Office picks other matches than this encoder at places, so bytes differ; the decoded text must not.
    records = ovba.parse_dir(ovba.decompress(template_streams["VBA/dir"]))
    for module in ovba.modules(records):
        source = ovba.module_source(records, template_streams, module.name).encode("cp1252")
        assert ovba.decompress(ovba.compress(source)) == source


def test_dir_stream_parses_and_packs_back_unchanged(template_streams):
    raw = ovba.decompress(template_streams["VBA/dir"])
    records = ovba.parse_dir(raw)
    assert ovba.pack_dir(records) == raw
    assert ovba.codepage(records) == "cp1252"
    assert [(m.name, m.offset > 0) for m in ovba.modules(records)] == [
        ("ThisWorkbook", True), ("Dictionary", True), ("RibbonMyAddin", True), ("Sheet2", True), ("xlwings", False)]


def test_replace_module_renames_every_record_and_drops_p_code(template_streams):
    source = 'Attribute VB_Name = "Demo"\nSub Go(control As IRibbonControl)\nEnd Sub\n'
    streams = ovba.replace_module(template_streams, "RibbonMyAddin", "Demo", source, project_name="DemoProject")
    records = ovba.parse_dir(ovba.decompress(streams["VBA/dir"]))
    assert [(m.name, m.stream, m.offset) for m in ovba.modules(records) if m.name == "Demo"] == [("Demo", "Demo", 0)]
    assert ovba.module_source(records, streams, "Demo") == source.replace("\n", "\r\n")
    assert "VBA/RibbonMyAddin" not in streams
    unicode_names = [r.data.decode("utf-16-le") for r in records if r.id in (0x47, 0x32)]
    assert "Demo" in unicode_names and "RibbonMyAddin" not in unicode_names
    assert [r.data for r in records if r.id == ovba.PROJECT_NAME] == [b"DemoProject"]


def test_replace_module_refuses_a_source_named_differently(template_streams):
    with pytest.raises(ovba.VbaProjectError, match="must start with 'Attribute VB_Name = \"Demo\"'"):
        ovba.replace_module(template_streams, "RibbonMyAddin", "Demo", 'Attribute VB_Name = "Other"\n')


def test_replace_in_module_keeps_the_modules_own_line_ends(template_streams):
    streams = ovba.replace_in_module(template_streams, "xlwings", 'Public Const PROJECT_NAME As String = "myaddin"',
                                     'Public Const PROJECT_NAME As String = "demo"')
    records = ovba.parse_dir(ovba.decompress(streams["VBA/dir"]))
    before = ovba.module_source(ovba.parse_dir(ovba.decompress(template_streams["VBA/dir"])), template_streams,
                                "xlwings")
    after = ovba.module_source(records, streams, "xlwings")
    assert after == before.replace('"myaddin"', '"demo"', 1)
    with pytest.raises(ovba.VbaProjectError, match="exactly once"):
        ovba.replace_in_module(template_streams, "xlwings", "No such line", "x")
