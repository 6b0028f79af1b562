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


def nfc(text: str) -> str:
    """Store every text in NFC so that equal words compare equal."""
    return unicodedata.normalize("NFC", text) if text else text


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
