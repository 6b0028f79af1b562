"""PDF rendering shared by every app: WeasyPrint with a URL fetcher that fetches nothing.

Documents are rendered from Django templates that carry user text (titles, notes…). Even
though the templates autoescape it, the renderer itself is locked down as a second line of
defence: it may read ``data:`` URIs and the files of the project's own ``static/`` folder,
and nothing else — no ``http(s)://``, no ``file://`` outside ``static/``, no ``ftp://``.
Any other reference raises, and because the fetcher is built with ``fail_on_errors=True``
WeasyPrint stops the render (``FatalURLFetchingError``) instead of quietly dropping the
resource: a template that tries to load something it should not fails loudly in the tests.

Fonts are not fetched at all: the stylesheets name "Liberation Serif" (metric-compatible with
Times New Roman, full Vietnamese coverage; Debian's fonts-liberation2), which WeasyPrint finds
through fontconfig and embeds (subsetted) in the PDF.

Templates reference static files with *relative* URLs (``href="css/pdf.css"``): the document's
base URL is the static folder, so they resolve to ``file://…/static/css/pdf.css``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import (
    UNICODE_SCHEME_RE,
    FatalURLFetchingError,
    URLFetcher,
    URLFetcherResponse,
    path2url,
)


class ForbiddenResourceError(ValueError):
    """The document referenced a resource the PDF renderer must not read."""


def static_root() -> Path:
    """The project's own static folder (not STATIC_ROOT, which may not be collected yet)."""
    return (Path(settings.BASE_DIR) / "static").resolve()


class SafeURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and files under the static folder; refuses everything else.

    WeasyPrint 70 requires a ``URLFetcher`` subclass whose ``fetch(url, headers=None)``
    returns a ``URLFetcherResponse``.
    """

    def __init__(self, root: Path | None = None, **kwargs) -> None:
        kwargs.update(
            allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=True
        )
        super().__init__(**kwargs)
        self._root = root
        # What was refused: WeasyPrint swallows a failed SVG <image> (it only logs it), so
        # render_pdf checks this list to fail loudly all the same.
        self.refused: list[str] = []

    @property
    def root(self) -> Path:
        # Read lazily so that tests (and settings overrides) see the current BASE_DIR.
        return (self._root or static_root()).resolve()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except ForbiddenResourceError:
            if len(self.refused) < 10:
                self.refused.append(url[:200])
            raise

    def _fetch(self, url: str, headers: dict | None) -> URLFetcherResponse:
        match = UNICODE_SCHEME_RE.match(url)
        scheme = match[1].lower() if match else ""
        if scheme == "data":
            # urllib's DataHandler decodes it; nothing leaves the process.
            return super().fetch(url, headers)
        if scheme == "file":
            return self._fetch_static_file(url)
        raise ForbiddenResourceError(f"PDF rendering may not fetch {url[:200]!r}")

    def _fetch_static_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ForbiddenResourceError(f"PDF rendering may not fetch {url[:200]!r}")
        # resolve() collapses "..", percent-encoded or not, and follows symbolic links.
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ForbiddenResourceError(
                f"PDF rendering may only read files of the static folder, not {url[:200]!r}"
            )
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path2url(path), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


# A ready instance for code that builds its own ``weasyprint.HTML``/``CSS`` objects.
safe_url_fetcher = SafeURLFetcher()


def render_pdf(html: str) -> bytes:
    """Render an HTML document to PDF bytes with nothing fetched from outside ``static/``.

    Relative URLs in ``html`` resolve against the static folder. A reference to anything
    else raises ``ForbiddenResourceError`` and no PDF is produced.
    """
    # A fresh fetcher per render: URLFetcher keeps per-request state.
    fetcher = SafeURLFetcher()
    try:
        document = HTML(string=html, base_url=path2url(fetcher.root), url_fetcher=fetcher)
        pdf = document.write_pdf()
    except FatalURLFetchingError as error:
        # WeasyPrint's fatal error is a BaseException; callers (tasks) handle Exceptions.
        raise ForbiddenResourceError(str(error)) from error
    if fetcher.refused:
        # Refused, hence not read, but dropped quietly (an SVG <image>): fail all the same.
        raise ForbiddenResourceError(f"PDF rendering may not fetch {fetcher.refused[0]!r}")
    return pdf
