"""Uploads: type from the bytes, size limits, xlsx bombs/macros/external links, safe storage."""
from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile

import pytest
from openpyxl import Workbook

from tracker.errors import DomainError, NotFound, ValidationFailed
from tracker.uploads import (FileTooLarge, check_upload, check_xlsx_safety, open_stored, sniff_type,
                             store_file)

MB = 1024 * 1024
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def xlsx_bytes(rows=(("Name", "Qty"), ("Blanket", 3))) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(content: bytes, *, add: dict[str, bytes] | None = None,
          replace: dict[str, bytes] | None = None, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Copy a zip, replacing or adding parts."""
    add, replace = add or {}, replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in add.items():
            dst.writestr(name, data)
    return out.getvalue()


def macro_workbook() -> bytes:
    content = xlsx_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        types = zf.read("[Content_Types].xml").decode()
    types = types.replace("spreadsheetml.sheet.main+xml", "ms-excel.sheet.macroEnabled.main+xml")
    return rezip(content, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA"},
                 replace={"[Content_Types].xml": types.encode()})


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def with_declared_size(content: bytes, part: str, size: int) -> bytes:
    """Patch the central directory so ``part`` claims to unpack to ``size`` bytes."""
    data = bytearray(content)
    start = 0
    while True:
        start = data.index(b"PK\x01\x02", start)
        name_length = struct.unpack("<H", data[start + 28:start + 30])[0]
        if data[start + 46:start + 46 + name_length].decode() == part:
            data[start + 24:start + 28] = struct.pack("<I", size)
            return bytes(data)
        start += 4


# --- sniffing -------------------------------------------------------------------------------

def test_sniff_type_recognises_documents_from_their_bytes():
    assert sniff_type(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj") == "pdf"
    assert sniff_type(PNG) == "png"
    assert sniff_type(JPEG) == "jpeg"
    assert sniff_type(xlsx_bytes()) == "xlsx"
    assert sniff_type("Nazwa;Ilość\nKoc;3\n".encode()) == "csv"
    assert sniff_type(b"\xef\xbb\xbfName,Qty\r\nBlanket,3\r\n") == "csv"


@pytest.mark.parametrize("content", [
    b"", EXE, b"PK\x03\x04 not really a zip", docx_bytes(), macro_workbook(),
    b"Name,Qty\n\x00\x01binary", "Name;Qty\n".encode("utf-16"), "Ilość;Cena\n".encode("cp1250"),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old binary xls",
], ids=["empty", "exe", "fake-zip", "docx", "xlsm", "nul-bytes", "utf16", "cp1250", "xls"])
def test_sniff_type_refuses_everything_else(content):
    assert sniff_type(content) is None


# --- check_upload -----------------------------------------------------------------------------

def test_check_upload_returns_the_sniffed_kind():
    assert check_upload(b"%PDF-1.4 ...", {"pdf", "png"}, MB) == "pdf"
    assert check_upload(xlsx_bytes(), {"pdf", "xlsx"}, MB) == "xlsx"


def test_exe_renamed_pdf_is_refused_naming_the_allowed_types():
    with pytest.raises(ValidationFailed) as caught:
        check_upload(EXE, {"pdf", "jpeg", "png", "xlsx"}, MB)
    message = caught.value.errors["file"][0]
    assert "JPEG, PDF, PNG, XLSX" in message and "content" in message
    assert caught.value.status == 422


def test_an_allowed_kind_outside_this_upload_is_refused():
    with pytest.raises(ValidationFailed, match="allowed types: XLSX"):
        check_upload(PNG, {"xlsx"}, MB)


def test_too_large_upload_answers_413():
    with pytest.raises(FileTooLarge) as caught:
        check_upload(b"%PDF-" + b"x" * 2048, {"pdf"}, 1024)
    assert caught.value.status == 413
    assert isinstance(caught.value, DomainError)
    assert "largest allowed is 1 KB" in caught.value.errors["file"][0]


def test_empty_upload_is_refused():
    with pytest.raises(ValidationFailed, match="empty"):
        check_upload(b"", {"pdf"}, MB)


def test_macro_workbook_upload_says_macros_are_refused():
    with pytest.raises(ValidationFailed, match="macros"):
        check_upload(macro_workbook(), {"xlsx"}, MB)


def test_check_upload_runs_the_xlsx_safety_check(app):
    app.config["XLSX_MAX_UNCOMPRESSED_BYTES"] = 1000
    with pytest.raises(ValidationFailed, match="unpacks to"):
        check_upload(xlsx_bytes(), {"xlsx"}, MB)


# --- check_xlsx_safety ------------------------------------------------------------------------

def test_plain_workbook_passes_the_safety_check():
    check_xlsx_safety(xlsx_bytes(), 10 * MB)


def test_workbook_with_huge_declared_size_is_refused():
    bomb = with_declared_size(xlsx_bytes(), "xl/worksheets/sheet1.xml", 4_000_000_000)
    with pytest.raises(ValidationFailed, match="unpacks to") as caught:
        check_xlsx_safety(bomb, 100 * MB)
    assert "file" in caught.value.errors


def test_workbook_over_the_uncompressed_limit_is_refused():
    content = rezip(xlsx_bytes(), add={"xl/media/image1.png": os.urandom(300_000)})
    check_xlsx_safety(content, MB)
    with pytest.raises(ValidationFailed, match="unpacks to"):
        check_xlsx_safety(content, 200_000)


def test_highly_compressed_part_is_refused_as_zip_bomb():
    content = rezip(xlsx_bytes(), add={"xl/sharedStrings2.xml": b"\x00" * (3 * MB)})
    with pytest.raises(ValidationFailed, match="zip bomb"):
        check_xlsx_safety(content, 100 * MB)


def test_macros_are_refused():
    with pytest.raises(ValidationFailed, match="macros"):
        check_xlsx_safety(macro_workbook(), 10 * MB)
    vba_only = rezip(xlsx_bytes(), add={"xl/vbaProject.bin": b"VBA"})
    with pytest.raises(ValidationFailed, match="macros"):
        check_xlsx_safety(vba_only, 10 * MB)


def test_external_link_parts_are_refused():
    content = rezip(xlsx_bytes(), add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    with pytest.raises(ValidationFailed, match="external links"):
        check_xlsx_safety(content, 10 * MB)


def test_external_relationships_are_refused_but_hyperlinks_pass():
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/{kind}" Target="{target}" TargetMode="External"/></Relationships>')
    ole = rels.format(kind="oleObject", target="file:///C:/secret/data.xlsx").encode()
    with pytest.raises(ValidationFailed, match="external files") as caught:
        check_xlsx_safety(rezip(xlsx_bytes(), add={"xl/worksheets/_rels/sheet1.xml.rels": ole}), 10 * MB)
    assert "file:///C:/secret/data.xlsx" in caught.value.message
    link = rels.format(kind="hyperlink", target="https://www.dortmund.de").encode()
    check_xlsx_safety(rezip(xlsx_bytes(), add={"xl/worksheets/_rels/sheet1.xml.rels": link}), 10 * MB)


def test_xml_with_entity_declarations_is_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
              b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">&lol2;'
              b'</Relationships>')
    with pytest.raises(ValidationFailed, match="declarations"):
        check_xlsx_safety(rezip(xlsx_bytes(), replace={"_rels/.rels": laughs}), 10 * MB)
    sheet = laughs.replace(b"Relationships", b"worksheet")
    with pytest.raises(ValidationFailed, match="declarations"):
        check_xlsx_safety(rezip(xlsx_bytes(), replace={"xl/worksheets/sheet1.xml": sheet}), 10 * MB)


def test_not_a_zip_is_refused_by_the_safety_check():
    with pytest.raises(ValidationFailed, match="not a valid .xlsx"):
        check_xlsx_safety(EXE, 10 * MB)


# --- storage --------------------------------------------------------------------------------------

def test_store_file_writes_under_a_random_name_and_reads_back(tmp_path):
    folder = tmp_path / "uploads" / "nested"
    content = b"%PDF-1.4 scan of the CMR"
    first = store_file(content, str(folder))
    second = store_file(content, str(folder))
    assert first.stored_name != second.stored_name
    assert len(first.stored_name) == 32 and int(first.stored_name, 16) >= 0
    assert first.sha256 == hashlib.sha256(content).hexdigest() and first.size == len(content)
    assert open_stored(str(folder), first.stored_name) == content
    assert sorted(os.listdir(folder)) == sorted([first.stored_name, second.stored_name])  # no temp files left


@pytest.mark.parametrize("name", [
    "../secret", "../../etc/passwd", "/etc/passwd", "a" * 31, "A" * 32, "0" * 31 + "/",
    "..\\" + "0" * 29, "0" * 32 + "\n", "", "0" * 16 + "/../" + "0" * 12,
])
def test_open_stored_refuses_names_that_are_not_ours(tmp_path, name):
    (tmp_path / "secret").write_bytes(b"do not serve")
    folder = tmp_path / "uploads"
    folder.mkdir()
    with pytest.raises(NotFound):
        open_stored(str(folder), name)


def test_open_stored_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFound):
        open_stored(str(tmp_path), "0" * 32)
