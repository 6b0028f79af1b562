"""A hard cap on the size of an uploaded file, applied while the request is read.

Django spools an upload to a temporary file whatever its size, and only then does a form see
``file.size``: without a cap, one request (even an anonymous one: the CSRF check reads the
body before the login check) could fill the disk. ``UploadSizeLimitHandler`` runs first among
the upload handlers and passes no byte past ``settings.UPLOAD_MAX_BYTES`` of a file on to the
others; the file then reaches the form as an ``OversizedUpload``: its real size (so that the
form's own "larger than 20 MB" message shows) and no content (so that nothing of it can be
saved).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """A file that was larger than the cap: its name and size, none of its bytes."""

    def __init__(self, name: str, content_type: str, size: int, charset=None) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size, charset)

    def read(self, *args, **kwargs) -> bytes:
        raise ValueError("an oversized upload has no content to read")

    def chunks(self, chunk_size=None):
        raise ValueError("an oversized upload has no content to read")


class UploadSizeLimitHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        if self.oversized or self.received > settings.UPLOAD_MAX_BYTES:
            if not self.oversized:
                self.oversized = True
                self._discard_spooled()
            return None  # the next handlers do not get it: nothing more is kept
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.oversized:
            return OversizedUpload(self.file_name, self.content_type, self.received)
        return None  # the next handler (memory or temporary file) completes it

    def _discard_spooled(self) -> None:
        """What the next handlers kept of this file so far goes too."""
        for handler in getattr(self.request, "upload_handlers", []):
            spooled = getattr(handler, "file", None)
            if handler is not self and spooled is not None and not spooled.closed:
                spooled.close()
