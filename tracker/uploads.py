"""Safe handling of uploaded bytes: type from the content, size limits, xlsx safety, storage.

Nothing here trusts what the client says about a file. The type is sniffed from the bytes
(``sniff_type``), never from the name or the Content-Type header; a spreadsheet is opened only
after ``check_xlsx_safety`` has bounded what it unpacks to and refused macros and external links;
every XML part we read ourselves goes through defusedxml with DTDs forbidden. Files are stored
under random hex names (the user's file name is never a path) and written atomically, so a
crash leaves either the whole file or nothing. Views add ``Content-Disposition: attachment`` and
the stored type when serving them.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import tempfile
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from flask_babel import gettext as _

from tracker.errors import NotFound, ValidationFailed

#: Human names of the kinds ``sniff_type`` recognises, for messages.
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "xlsx": "XLSX", "csv": "CSV"}

XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MACRO_TYPES = ("macroenabled", "vbaproject", "ms-excel.macrosheet", "ms-excel.intlmacrosheet")
#: Largest [Content_Types].xml / .rels part we parse (real ones are a few KB).
_SMALL_XML_LIMIT = 1024 * 1024
#: Largest number of parts inside an xlsx (real ones have tens).
XLSX_MAX_ENTRIES = 10_000
#: Compression ratio above which a big part is treated as a zip bomb (real sheets: 5–30).
XLSX_MAX_RATIO = 200
#: Parts smaller than this are not ratio-checked (tiny repetitive parts compress very well).
_RATIO_FLOOR = 1024 * 1024
_STORED_NAME = re.compile(r"[0-9a-f]{32}")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class FileTooLarge(ValidationFailed):
    """The upload is larger than the limit (413); an error on the ``file`` field."""

    status = 413


@dataclass(frozen=True)
class StoredFile:
    """Where ``store_file`` put the bytes: a random hex name inside the folder, its hash, its size."""

    stored_name: str
    sha256: str
    size: int


def limit_setting(name: str) -> int:
    """A limit from the app's config when there is an app, else the default in tracker.config."""
    from flask import current_app, has_app_context

    from tracker import config

    if has_app_context() and name in current_app.config:
        return int(current_app.config[name])
    return int(getattr(config, name))


def _allowed_text(allowed: set[str] | frozenset[str]) -> str:
    return ", ".join(KIND_LABELS.get(k, k.upper()) for k in sorted(allowed))


def _open_zip(content: bytes) -> zipfile.ZipFile | None:
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return None


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes | None:
    """A small part's bytes, or None when it is missing, too big or corrupt."""
    try:
        info = zf.getinfo(name)
        if info.file_size > _SMALL_XML_LIMIT:
            return None
        with zf.open(info) as fh:
            data = fh.read(_SMALL_XML_LIMIT + 1)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError):
        return None
    return data if len(data) <= _SMALL_XML_LIMIT else None


def _parse_xml(data: bytes):  # noqa: ANN202 - an ElementTree element
    return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def _content_types(zf: zipfile.ZipFile) -> list[str] | None:
    """The ContentType values of [Content_Types].xml (lower case), None if unreadable."""
    data = _read_small(zf, "[Content_Types].xml")
    if data is None:
        return None
    try:
        root = _parse_xml(data)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        return None
    return [el.get("ContentType", "").lower() for el in root.iter() if el.get("ContentType")]


def _has_macros(zf: zipfile.ZipFile, content_types: list[str] | None) -> bool:
    for name in zf.namelist():
        lower = name.lower()
        if lower.endswith("vbaproject.bin") or lower.startswith("xl/macrosheets/") \
                or (lower.endswith(".bin") and "vba" in lower):
            return True
    return any(marker in ct for ct in content_types or [] for marker in _MACRO_TYPES)


def _sniff_zip(content: bytes) -> str | None:
    zf = _open_zip(content)
    if zf is None:
        return None
    with zf:
        names = set(zf.namelist())
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            return None
        types = _content_types(zf)
        if types is None or XLSX_MAIN_TYPE not in types or _has_macros(zf, types):
            return None
        return "xlsx"


def _is_csv_text(content: bytes) -> bool:
    body = content[3:] if content.startswith(b"\xef\xbb\xbf") else content
    if not body.strip() or b"\x00" in body:
        return False
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _TEXT_CONTROL.search(text) is None


def sniff_type(content: bytes) -> str | None:
    """The kind of file the bytes are: "pdf", "jpeg", "png", "xlsx", "csv", or None.

    Decided from the content only. An xlsx is a zip holding ``[Content_Types].xml`` and
    ``xl/workbook.xml`` whose workbook has the plain spreadsheet content type: a .docx, an
    .xlsm (macro-enabled), an .xls (binary) or an .exe renamed .xlsx are None. CSV means UTF-8
    text (with or without BOM) without NUL or other control characters.
    """
    if not content:
        return None
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"PK\x03\x04"):
        return _sniff_zip(content)
    if _is_csv_text(content):
        return "csv"
    return None


def _is_macro_workbook(content: bytes) -> bool:
    zf = _open_zip(content)
    if zf is None:
        return False
    with zf:
        return "xl/workbook.xml" in zf.namelist() and _has_macros(zf, _content_types(zf))


def check_upload(content: bytes, allowed: set[str] | frozenset[str], max_bytes: int) -> str:
    """The sniffed kind of an upload that may be accepted; refuses empty, too large (413) and
    disallowed files with a message on ``file``. An xlsx is also put through
    ``check_xlsx_safety`` with the XLSX_MAX_UNCOMPRESSED_BYTES setting.

    Raises FileTooLarge (413) or ValidationFailed("file", …).
    """
    if not content:
        raise ValidationFailed("file", _("The file is empty."))
    if len(content) > max_bytes:
        raise FileTooLarge("file", _("The file is %(size)s; the largest allowed is %(limit)s.",
                                     size=_megabytes(len(content)), limit=_megabytes(max_bytes)))
    kind = sniff_type(content)
    if kind is None and _is_macro_workbook(content):
        raise ValidationFailed("file", _("Workbooks with macros are refused: save the file as .xlsx without "
                                         "macros and upload it again."))
    if kind is None or kind not in allowed:
        raise ValidationFailed("file", _("This type of file is not accepted; allowed types: %(types)s. "
                                         "The type is checked from the file's content, not its name.",
                                         types=_allowed_text(allowed)))
    if kind == "xlsx":
        check_xlsx_safety(content, limit_setting("XLSX_MAX_UNCOMPRESSED_BYTES"))
    return kind


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, size // 1024)} KB" if size >= 1024 else f"{size} B"


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed("file", message)


def check_xlsx_safety(content: bytes, max_uncompressed: int) -> None:
    """Refuse an xlsx that is a zip bomb, has macros, or links to external files or data.

    Limits: the sum of the parts' declared uncompressed sizes (zipfile never inflates a part
    beyond its declared size, so this bounds what openpyxl can unpack), the compression ratio
    of any part over 1 MB, and the number of parts. Refused: VBA projects, Excel 4 macro sheets
    and macro-enabled content types; ``xl/externalLinks/`` and any relationship with
    ``TargetMode="External"`` except plain hyperlinks (a link a person may click; nothing is
    fetched when the file is opened); any XML part declaring a DTD (entity expansion).
    The XML we parse ([Content_Types].xml and the .rels parts) goes through defusedxml.

    Raises ValidationFailed("file", …).
    """
    zf = _open_zip(content)
    if zf is None:
        raise _refuse(_("The file is not a valid .xlsx workbook."))
    with zf:
        infos = zf.infolist()
        if len(infos) > XLSX_MAX_ENTRIES:
            raise _refuse(_("The workbook has too many parts (%(n)d); it is refused as unsafe.", n=len(infos)))
        total = sum(info.file_size for info in infos)
        if total > max_uncompressed:
            raise _refuse(_("The workbook unpacks to %(size)s, more than the allowed %(limit)s; it is refused "
                            "as unsafe. Split it or remove images.",
                            size=_megabytes(total), limit=_megabytes(max_uncompressed)))
        for info in infos:
            if info.file_size > _RATIO_FLOOR and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
                raise _refuse(_("The workbook is compressed suspiciously well (a zip bomb?); it is refused "
                                "as unsafe."))
        types = _content_types(zf)
        if types is None:
            raise _refuse(_("The file is not a valid .xlsx workbook."))
        if _has_macros(zf, types):
            raise _refuse(_("Workbooks with macros are refused: save the file as .xlsx without macros and "
                            "upload it again."))
        names = zf.namelist()
        if any(n.lower().startswith("xl/externallinks/") for n in names) or \
                any("externallink" in ct for ct in types):
            raise _refuse(_("The workbook links to other workbooks (external links); remove the links "
                            "(Data → Edit Links → Break Link) and upload it again."))
        for name in names:
            lower = name.lower()
            if lower.endswith(".rels"):
                _check_relationships(zf, name)
            elif lower.endswith(".xml") or lower.endswith(".vml"):
                _check_no_dtd(zf, name)


def _check_relationships(zf: zipfile.ZipFile, name: str) -> None:
    data = _read_small(zf, name)
    if data is None:
        raise _refuse(_("The workbook has a part that cannot be read (%(part)s); it is refused as unsafe.",
                        part=name))
    try:
        root = _parse_xml(data)
    except DefusedXmlException as exc:
        raise _refuse(_("The workbook contains XML with declarations that are not allowed (%(part)s).",
                        part=name)) from exc
    except (SafeET.ParseError, ValueError) as exc:
        raise _refuse(_("The workbook has a part that cannot be read (%(part)s); it is refused as unsafe.",
                        part=name)) from exc
    for rel in root.iter():
        if (rel.get("TargetMode") or "").lower() == "external" and \
                not (rel.get("Type") or "").endswith("/hyperlink"):
            raise _refuse(_("The workbook refers to external files or data (%(target)s); remove the link and "
                            "upload it again.", target=(rel.get("Target") or "")[:100]))


def _check_no_dtd(zf: zipfile.ZipFile, name: str) -> None:
    """A DTD can only sit in the prolog, before the root element: the first KB tells."""
    try:
        with zf.open(name) as fh:
            head = fh.read(2048)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError) as exc:
        raise _refuse(_("The workbook has a part that cannot be read (%(part)s); it is refused as unsafe.",
                        part=name)) from exc
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise _refuse(_("The workbook contains XML with declarations that are not allowed (%(part)s).",
                        part=name))


def store_file(content: bytes, folder: str) -> StoredFile:
    """Write the bytes under a new random name in ``folder`` (created if missing), atomically.

    The name is 32 hex characters from ``secrets.token_hex``; the user's file name is never
    part of the path. The bytes go to a temporary file in the same folder, are flushed to disk
    and then renamed with ``os.replace``, so readers see the whole file or none.
    """
    os.makedirs(folder, exist_ok=True)
    while True:
        stored_name = secrets.token_hex(16)
        target = os.path.join(folder, stored_name)
        if not os.path.exists(target):
            break
    fd, tmp_path = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise
    return StoredFile(stored_name=stored_name, sha256=hashlib.sha256(content).hexdigest(), size=len(content))


def is_stored_name(stored_name: object) -> bool:
    """True for a name ``store_file`` could have made (32 lower-case hex characters)."""
    return isinstance(stored_name, str) and _STORED_NAME.fullmatch(stored_name) is not None


def open_stored(folder: str, stored_name: str) -> bytes:
    """The bytes of a stored file. Names that are not ours (path traversal, separators, other
    patterns) and missing files raise NotFound without touching the file system beyond the folder."""
    if not is_stored_name(stored_name):
        raise NotFound(_("No such file."))
    path = os.path.join(folder, stored_name)
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError as exc:
        raise NotFound(_("No such file.")) from exc
