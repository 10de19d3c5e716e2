"""Reading PDFs back in the tests: text per page, fonts, page sizes, amounts as printed."""
from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from tracker.money import format_amount


def reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    return PdfReader(BytesIO(data))


def pages_text(data: bytes) -> list[str]:
    """Each page's text with runs of white space (line breaks inside cells, NBSP) as one space."""
    return [" ".join(page.extract_text().split()) for page in reader(data).pages]


def text(data: bytes) -> str:
    return " ".join(pages_text(data))


def amount(value: Decimal | str, places: int = 2) -> str:
    """An amount as the pages format it, with the NBSP thousands separator as extracted (space)."""
    return format_amount(Decimal(value), places).replace("\xa0", " ")


def fonts(data: bytes) -> dict[str, bool]:
    """Base font name → embedded, over every page and form XObject of the document."""
    found: dict[str, bool] = {}

    def walk(resources) -> None:
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = bool(descriptor) and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    for page in reader(data).pages:
        walk(page.get("/Resources"))
    return found


def assert_dejavu_only(data: bytes) -> None:
    """Every font is an embedded DejaVu subset; Helvetica is nowhere in the file."""
    used = fonts(data)
    assert used and all(name.endswith(("+DejaVuSans", "+DejaVuSans-Bold")) for name in used), used
    assert all(used.values()), used
    assert b"Helvetica" not in data


def page_count(data: bytes) -> int:
    return len(reader(data).pages)


def is_landscape(data: bytes) -> bool:
    box = reader(data).pages[0].mediabox
    return box.width > box.height
