"""Sending an export to the client: the temporary file streamed in chunks as an attachment.

The file is read in 64 KiB chunks by a generator that closes (and so deletes) the temporary
file when the last chunk is sent or the client goes away; nothing holds the whole file in memory.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from flask import Response

from tracker.reports.service import Export

CHUNK = 64 * 1024


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    try:
        while True:
            block = handle.read(CHUNK)
            if not block:
                break
            yield block
    finally:
        handle.close()


def attachment(export: Export) -> Response:
    """A streamed ``Content-Disposition: attachment`` response of the export's file."""
    response = Response(_chunks(export.file), mimetype=export.mimetype, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Content-Length"] = str(export.size)
    response.headers["Cache-Control"] = "no-store"
    response.call_on_close(export.file.close)
    return response
