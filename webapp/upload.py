"""Read a multipart upload from the request stream, refusing it as soon as it is too big.

Starlette's `request.form()` spools the whole body to a temporary file first; a
2 GB upload would land on disk before any check. Here the body is fed chunk by
chunk to python-multipart's push parser: the file part is held in memory up to
the program's `intake.max_bytes` and the read stops the moment it goes past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AsyncIterator

from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELD_BYTES = 4096  # participant ids, dates, retailer names: short
MAX_FIELDS = 16


class UploadError(Exception):
    """The body is not a usable multipart form (HTTP 400)."""


class UploadTooLargeError(Exception):
    """The file part went past the limit while streaming (HTTP 413)."""

    def __init__(self, received: int, limit: int, fields: dict[str, str]) -> None:
        super().__init__(f"file larger than {limit} bytes")
        self.received, self.limit, self.fields = received, limit, fields


@dataclass
class Upload:
    """The form's text fields and its one file."""

    fields: dict[str, str] = field(default_factory=dict)
    file_name: str | None = None
    data: bytes = b""
    bytes_read: int = 0  # body bytes consumed from the stream


class _Collector:
    def __init__(self, max_file_bytes: int) -> None:
        self.limit = max_file_bytes
        self.fields: dict[str, str] = {}
        self.file_name: str | None = None
        self.file = bytearray()
        self._headers: dict[str, bytes] = {}
        self._field, self._value = b"", b""
        self._name: str | None = None
        self._is_file = False
        self._buffer = bytearray()

    def callbacks(self) -> dict:
        return {"on_part_begin": self.part_begin, "on_header_field": self.header_field,
                "on_header_value": self.header_value, "on_header_end": self.header_end,
                "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
                "on_part_end": self.part_end}

    def part_begin(self) -> None:
        self._headers, self._field, self._value, self._buffer = {}, b"", b"", bytearray()

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def header_end(self) -> None:
        self._headers[self._field.decode("latin-1").lower()] = self._value
        self._field, self._value = b"", b""

    def headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", b""))
        name = params.get(b"name")
        if name is None:
            raise UploadError("a form part has no name")
        self._name = name.decode("utf-8", "replace")
        self._is_file = self._name == "file"
        if self._is_file:
            if self.file_name is not None:
                raise UploadError("send one file per declaration")
            self.file_name = params.get(b"filename", b"upload").decode("utf-8", "replace") or "upload"

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self._is_file:
            if len(self.file) + (end - start) > self.limit:
                raise UploadTooLargeError(len(self.file) + (end - start), self.limit, dict(self.fields))
            self.file += data[start:end]
        else:
            if len(self._buffer) + (end - start) > MAX_FIELD_BYTES:
                raise UploadError(f"form field {self._name!r} is too long")
            self._buffer += data[start:end]

    def part_end(self) -> None:
        if not self._is_file:
            if len(self.fields) >= MAX_FIELDS:
                raise UploadError("too many form fields")
            self.fields[self._name or ""] = self._buffer.decode("utf-8", "replace").strip()


async def read_upload(content_type: str | None, stream: AsyncIterator[bytes], max_file_bytes: int) -> Upload:
    """Parse `multipart/form-data` from `stream`; raise as soon as the file passes the limit."""
    kind, params = parse_options_header(content_type or "")
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadError("send multipart/form-data with a `file` part")
    collector = _Collector(max_file_bytes)
    parser = MultipartParser(boundary, collector.callbacks())
    consumed = 0
    async for chunk in stream:
        if not chunk:
            continue
        consumed += len(chunk)
        try:
            parser.write(chunk)
        except (UploadError, UploadTooLargeError):
            raise
        except Exception as e:  # the parser's own complaint about a malformed body
            raise UploadError(f"malformed multipart body: {e}") from e
    parser.finalize()
    if collector.file_name is None:
        raise UploadError("the form has no `file` part")
    return Upload(fields=collector.fields, file_name=collector.file_name, data=bytes(collector.file),
                  bytes_read=consumed)
