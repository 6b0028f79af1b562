"""Accent- and case-insensitive text for search, the same on SQLite and PostgreSQL.

"Xiêng Khoảng" → "xieng khoang", "Đồng Văn" → "dong van", "ĐẠI HỌC" → "dai hoc".
NFC and NFD input give the same result.
"""

import re
import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())


# Invisible characters that reorder or hide text: bidirectional embeddings, overrides and
# isolates (a name shown backwards, "Trojan Source"), the zero-width space, the word joiner
# and the byte order mark (two equal-looking numbers or names that differ). The zero-width
# joiner and non-joiner stay: emoji and some scripts need them.
INVISIBLE_RE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


def nfc(text: str) -> str:
    """Store every text in NFC so that equal words compare equal, without the invisible
    characters that would make equal-looking texts differ or reorder what a page shows."""
    if not text:
        return text
    if not text.isascii():
        text = INVISIBLE_RE.sub("", text)
    return unicodedata.normalize("NFC", text)


def file_stem(text: str, *, default: str, max_length: int = 80) -> str:
    """A file name (without extension) made from ``text``: ASCII letters and digits in lower
    case, words joined by "-" ("Biên bản ký" → "bien-ban-ky").

    Nothing a file system or an HTTP header treats specially gets through: no path
    separators, no dot-only names, no control or right-to-left characters, no quotes, and no
    more than ``max_length`` characters (a 300-character Vietnamese name is 900 bytes, more
    than a file system accepts). Text with no Latin letters or digits gives ``default``.
    """
    words = re.findall(r"[a-z0-9]+", fold(text))
    return "-".join(words)[:max_length].strip("-") or default


def search_query(value: str | None, *, limit: int = 200) -> str:
    """What a search box sent, as text every database takes: stripped, at most ``limit``
    characters, without NUL (PostgreSQL refuses it in a query: a server error otherwise)."""
    return (value or "").replace("\x00", "").strip()[:limit]
