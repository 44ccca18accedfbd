"""Parts riskreg writes into zip packages itself: read back by zipfile, checksums and all."""

import io
import zipfile

import pytest

from workbook.files.zip_parts import ZipWriter, blocks, copy_compressed, deflate, stretches, write_deflated


def test_a_part_written_in_stretches_reads_back_whole_with_its_checksum(tmp_path):
    chunks = [f"<w:p>row {n} – {'x' * (n % 97)}</w:p>".encode() for n in range(5000)]
    target = tmp_path / "out.zip"
    with ZipWriter(target) as out:
        write_deflated(out, "first.xml", deflate([b"<a/>"]))
        write_deflated(out, "word/document.xml", deflate(chunks[:10], last=False), deflate(iter(chunks[10:4000]), last=False),
                       deflate(chunks[4000:]), date_time=(2026, 12, 2, 10, 30, 0))
        write_deflated(out, "last.xml", deflate([b"<b/>"]))
    with zipfile.ZipFile(target) as package:
        assert package.testzip() is None  # every part's CRC-32 matches its bytes
        assert package.namelist() == ["first.xml", "word/document.xml", "last.xml"]
        info = package.getinfo("word/document.xml")
        assert package.read(info) == b"".join(chunks)
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < info.file_size / 5
        assert info.date_time == (2026, 12, 2, 10, 30, 0)


def test_an_empty_part_is_a_valid_entry(tmp_path):
    target = tmp_path / "out.zip"
    with ZipWriter(target) as out:
        write_deflated(out, "empty.xml", deflate(()))
    with zipfile.ZipFile(target) as package:
        assert package.read("empty.xml") == b"" and package.testzip() is None


def test_a_copied_part_keeps_its_compressed_bytes(tmp_path):
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as made:
        made.writestr("sheet.xml", b"<row/>" * 10000)
    package = source.getvalue()
    with zipfile.ZipFile(io.BytesIO(package)) as read:
        info = read.getinfo("sheet.xml")
        target = tmp_path / "copy.zip"
        with ZipWriter(target) as out:
            copy_compressed(package, info, out)
    with zipfile.ZipFile(target) as copied:
        assert copied.read("sheet.xml") == b"<row/>" * 10000 and copied.testzip() is None
        assert copied.getinfo("sheet.xml").compress_size == info.compress_size


@pytest.mark.parametrize("lasts", [(False,), (True, True), (True, False)])
def test_only_the_last_stretch_may_close_the_part(tmp_path, lasts):
    with ZipWriter(tmp_path / "out.zip") as out, pytest.raises(ValueError, match="last one"):
        write_deflated(out, "part.xml", *(deflate([b"<a/>"], last=last) for last in lasts))


def test_blocks_join_chunks_up_to_the_limit_and_keep_every_byte():
    chunks = [bytes([n % 256]) * 300 for n in range(10)]
    joined = list(blocks(chunks, limit=1000))
    assert [len(block) for block in joined] == [1200, 1200, 600]
    assert b"".join(joined) == b"".join(chunks)


def test_stretches_join_small_chunks_cut_large_ones_and_mark_only_the_last():
    big = bytes(range(256)) * 20  # 5,120 bytes: cut into views of it
    chunks = [b"a" * 300, b"b" * 300, big, b"c" * 100]
    cut = list(stretches(chunks, limit=1000))
    # 300 + 300 + the first 1,000 of the big one; its next four thousands; its last 120 with the closing 100.
    assert [(len(stretch), last) for stretch, last in cut] == [(1600, False), (1000, False), (1000, False),
                                                               (1000, False), (1000, False), (220, True)]
    assert b"".join(bytes(stretch) for stretch, _ in cut) == b"".join(chunks)
    assert any(isinstance(stretch, memoryview) for stretch, _ in cut)  # the large chunk is not copied
    assert list(stretches([], limit=1000)) == [(b"", True)]  # an empty part is one empty (last) stretch


def test_copied_parts_keep_their_names_times_and_attributes_and_unicode_names_are_flagged(tmp_path):
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as made:
        stored = zipfile.ZipInfo("media/picture.png", (2019, 5, 4, 3, 2, 10))
        stored.external_attr = 0o644 << 16
        made.writestr(stored, b"\x89PNG" * 100, compress_type=zipfile.ZIP_STORED)
        made.writestr("xl/worksheets/risque é.xml", b"<row/>" * 100)
        with made.open("streamed.xml", "w") as streamed:  # sizes in a trailing data descriptor
            streamed.write(b"<s/>" * 100)
    package = source.getvalue()
    target = tmp_path / "copy.zip"
    with zipfile.ZipFile(io.BytesIO(package)) as read, ZipWriter(target) as out:
        for info in read.infolist():
            copy_compressed(package, info, out)
    with zipfile.ZipFile(io.BytesIO(package)) as read, zipfile.ZipFile(target) as copied:
        assert copied.testzip() is None
        assert copied.namelist() == read.namelist()
        for before, after in zip(read.infolist(), copied.infolist()):
            assert (after.date_time, after.compress_type, after.CRC, after.compress_size, after.external_attr) == (
                before.date_time, before.compress_type, before.CRC, before.compress_size, before.external_attr)
            assert not after.flag_bits & 0x08
            assert copied.read(after) == read.read(before)
        assert copied.getinfo("xl/worksheets/risque é.xml").flag_bits & 0x800


def test_a_part_name_used_twice_is_refused(tmp_path):
    with ZipWriter(tmp_path / "out.zip") as out:
        write_deflated(out, "part.xml", deflate([b"<a/>"]))
        with pytest.raises(ValueError, match="already has a part of that name"):
            write_deflated(out, "part.xml", deflate([b"<b/>"]))


@pytest.mark.parametrize("parallel", [True, False], ids=["zlib-ng's parallel compressor", "one stream"])
def test_stretches_deflated_either_way_join_into_the_part(tmp_path, monkeypatch, parallel):
    """With zlib-ng's compressor for parallel work (chunks joined to a block, each block from the last 32 KiB of
    the one before) or, on a zlib-ng without it, one compressor a stretch: the same part, its checksum right."""
    from workbook.files import zip_parts

    if not parallel:
        monkeypatch.setattr(zip_parts, "_PARALLEL", None)
    text = b"".join(b"<row r=\"%d\"><c><v>%d</v></c></row>" % (n, n * 7919 % 10007) for n in range(150_000))
    big = memoryview(text)[: 3 << 20]  # a chunk larger than a block, as a view
    chunks = [bytes(big), *(text[n:n + 1000] for n in range(3 << 20, len(text), 1000))]
    assert len(chunks) > 1000  # and some two thousand small ones after it
    with ZipWriter(tmp_path / "out.zip") as out:
        write_deflated(out, "part.xml", deflate(chunks[:1], last=False), deflate(iter(chunks[1:]), last=True))
    with zipfile.ZipFile(tmp_path / "out.zip") as package:
        assert package.testzip() is None and package.read("part.xml") == text
        assert package.getinfo("part.xml").compress_size < len(text) / 4
