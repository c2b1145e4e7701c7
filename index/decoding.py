"""Bytes to text: the encoding of a file or page, and whether it is text at all.

Decoding never fails (Latin-1 takes any byte); `binary_problem` tells an image, archive or PDF sent
under a text extension from an article, naming the format when its magic number is known.
"""

from __future__ import annotations

import re

# A UTF-8 multi-byte sequence; a file with more of these than broken bytes is UTF-8 with some damage.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
SNIFF = 8192  # bytes looked at to tell text from binary


def decode(raw: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, UTF-8 with a few broken bytes, else Windows-1252, else latin-1."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # One stray byte must not turn every "é" of a UTF-8 file into "Ã©": when valid UTF-8 sequences
    # outnumber the broken bytes, keep UTF-8 and mark the broken ones.
    lenient = raw.decode("utf-8-sig", errors="replace")
    broken = lenient.count("\ufffd") - raw.count(b"\xef\xbf\xbd")
    if len(_UTF8_SEQUENCE.findall(raw)) > broken:
        return lenient
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # always succeeds


def looks_binary(raw: bytes, text: str) -> bool:
    """NUL characters, or many control characters after decoding: an image or archive, not an article."""
    sample = text[:SNIFF]
    if "\x00" in sample:
        return True
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or 0x7f <= ord(c) <= 0x9f)
    controls += sample.count("\ufffd")
    return bool(sample) and controls / len(sample) > 0.05


def binary_problem(raw: bytes, text: str) -> str | None:
    """Why these bytes are not a text article (naming the format when it is known), or None."""
    if raw.lstrip()[:5] == b"%PDF-":
        return "a PDF document, not text; save it as text or HTML first"
    if not looks_binary(raw, text):
        return None
    import filetype  # magic numbers only, consulted once the bytes are known not to be text ("BM..." is a BMP)

    kind = filetype.guess(raw[:SNIFF])
    if kind is not None:
        return f"looks like {kind.mime} data (.{kind.extension}), not text (wrong extension?)"
    return "looks like a binary file, not text (wrong extension?)"
