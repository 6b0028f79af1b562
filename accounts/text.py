"""Accent- and case-insensitive text for search, the same on SQLite and PostgreSQL.

"Xiêng Khoảng" → "xieng khoang", "Đồng Văn" → "dong van", "ĐẠI HỌC" → "dai hoc".
NFC and NFD input give the same result.
"""

import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())


def nfc(text: str) -> str:
    """Store every text in NFC so that equal words compare equal."""
    return unicodedata.normalize("NFC", text) if text else text
