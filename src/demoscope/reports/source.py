"""Getting text out of a file, safely: size limit, encoding, binary check, line numbers.

The extractors of each kind of file (:mod:`~demoscope.reports.pdf`,
:mod:`~demoscope.reports.webpage`) build on this module; :mod:`~demoscope.reports.extract`,
above them all, picks one by extension. What the text *is* gets decided later from its content
(:mod:`demoscope.reports.detect`). Every failure here is a
:class:`~demoscope.errors.ReportParseError` with a one-line reason, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

from demoscope.errors import ReportParseError

#: Default size limit; ``DEMOSCOPE_REPORT_MAX_BYTES`` overrides it. Real reports are < 2 MB.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    """The configured size limit in bytes (``DEMOSCOPE_REPORT_MAX_BYTES``, default 20 MB)."""
    raw = os.environ.get("DEMOSCOPE_REPORT_MAX_BYTES", "")
    try:
        return int(raw) if raw.strip() else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


#: Structures a country report has a handful of. A file with far more is no report, and
#: reading all of it would cost time and memory without bound (20 MB of table-like lines once
#: took minutes and 1.5 GB): the readers stop counting at these and the file is refused.
MAX_TABLE_ROWS = 2_000
MAX_STATEMENTS = 1_000
#: How far around a rating sentence its justification is looked for (characters each way):
#: a paragraph of a real report is far shorter; a page without paragraph breaks must not make
#: every sentence copy all of it.
JUSTIFICATION_WINDOW = 4_000


class Overgrown(Exception):
    """More of something (table rows, rating sentences) than any report has; the reader that
    counts raises it and :func:`demoscope.reports.reader.parse_doc` refuses the file."""

    def __init__(self, what: str, limit: int) -> None:
        self.what, self.limit = what, limit
        super().__init__(f"more than {limit:,} {what}")


@dataclass
class Doc:
    """Normalised text of a document with a way back to source line numbers.

    ``line_map[i]`` is the source line of text line ``i + 1`` when the text was extracted (HTML);
    for plain text and PDF text the text line *is* the source line.

    What the readers derive from the text (its lines, where each starts, its lower-cased
    form) is computed once, on first use, and shared by all of them.
    """

    file: str
    text: str
    kind: str = "text"  # how the text was obtained: "text", "pdf" or "html"
    line_map: list[int] | None = None
    _lines: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _starts: list[int] | None = field(default=None, init=False, repr=False, compare=False)
    _lower: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def lines(self) -> list[str]:
        """The text split at ``\\n`` (computed once; do not modify the list)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def starts(self) -> list[int]:
        """Offset in :attr:`text` where each of :attr:`lines` starts."""
        if self._starts is None:
            # start of line i+1 = (sum of the lengths of lines 0..i) + (i + 1) newlines
            self._starts = [0, *map(int.__add__, accumulate(map(len, self.lines)),
                                    range(1, len(self.lines)))]
        return self._starts

    @property
    def lower(self) -> str:
        """The text lower-cased for searching, computed once: what ``str.lower`` gives as far as
        any reader can tell, with every offset kept.

        Readers search it for ASCII words (with ``\\s``, ``\\d``, ``\\w`` and ``.`` around them,
        which treat a character and its lower case alike). ``str.lower`` turns no other
        character into an ASCII one except "İ" (into two characters) and the Kelvin sign, so
        lowering A–Z alone is the same to them, and on non-ASCII text several times faster
        (bytes.lower on the UTF-8 form). A text with either character gets ``str.lower``."""
        if self._lower is None:
            text = self.text
            if text.isascii() or "\u0130" in text or "\u212a" in text:
                self._lower = text.lower()
            else:
                self._lower = text.encode("utf-8", "surrogatepass").lower().decode(
                    "utf-8", "surrogatepass")
        return self._lower

    def view(self, text: str) -> Doc:
        """A Doc for a cleaned copy of this text that keeps every character's offset and every
        line break (page furniture or a block blanked with spaces): offsets map to lines exactly
        as in this one, so the line starts are shared."""
        if text is self.text:
            return self
        out = Doc(self.file, text, self.kind, self.line_map)
        out._starts = self.starts
        return out

    def line_at(self, offset: int) -> int:
        """Source line (1-based) of a character offset in :attr:`text`."""
        n = bisect_right(self.starts, offset)
        if self.line_map is not None and 0 < n <= len(self.line_map):
            return self.line_map[n - 1]
        return n


def last_tokens(text: str, start: int, end: int, n: int,
                comma: bool = False) -> tuple[list[str], Callable[[int], int]]:
    """The last ``n`` tokens of ``text[start:end]`` and a function giving the offset in
    ``text`` of the k-th of them: what ``list(re.finditer(r"\\S+", text, start, end))[-n:]``
    gives (``[^\\s,]+`` with ``comma``), from ``str.split`` instead of a match per word, and
    an offset only for the few words a caller asks about."""
    window = text[start:end]
    if comma:
        window = window.replace(",", " ")
    words = window.split()[-n:]

    def start_of(k: int) -> int:
        at = len(window)
        for word in reversed(words[k:]):
            # the rightmost occurrence ending before the next token is this token itself: an
            # occurrence further right would contain the separators in between
            at = window.rfind(word, 0, at)
        return start + at

    return words, start_of


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes, refusing what is not a readable regular file or is over the limit."""
    name = str(path)
    limit = max_bytes() if limit is None else limit
    # Open first and ask the open file what it is: a few system calls where exists(), is_dir(),
    # stat() and a buffered file object took many; the reasons given stay those of the checks
    # they replace.
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, for ever.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno in _MISSING:
            raise ReportParseError(name, "no such file") from None
        if path.is_dir():
            raise ReportParseError(name, "is a directory, not a report file") from None
        with contextlib.suppress(OSError):
            _check_size(name, path.stat().st_size, limit)  # an unreadable file over the limit
        raise ReportParseError(name, f"cannot read file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ReportParseError(name, "is a directory, not a report file")
        if not stat.S_ISREG(st.st_mode):
            raise ReportParseError(name, f"is {_special(st.st_mode)}, not a report file "
                                   "(give '-' to read a report from standard input)")
        _check_size(name, st.st_size, limit)
        # Up to end of file or limit + 1 bytes, as ever; asking for the size first spares a
        # buffer of the whole limit (20 MB) for every small report.
        chunks = [os.read(fd, min(st.st_size, limit) + 1)]
        got = len(chunks[0])
        while chunks[-1] and got <= limit:
            chunks.append(os.read(fd, limit + 1 - got))
            got += len(chunks[-1])
    except OSError as exc:
        raise ReportParseError(name, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise ReportParseError(name, f"file is over the {limit / 1e6:.1f} MB limit")
    return data


def _special(mode: int) -> str:
    return ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "a special file")


def read_stream(stream: BinaryIO, name: str, limit: int | None = None) -> bytes:
    """Up to ``limit`` bytes of a stream (standard input), refusing more, as :func:`read_bytes`
    refuses a file over the limit."""
    limit = max_bytes() if limit is None else limit
    chunks: list[bytes] = []
    got = 0
    try:
        while got <= limit:
            chunk = stream.read(min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise ReportParseError(name, f"cannot read: {exc.strerror or exc}") from None
    if got > limit:
        raise ReportParseError(name, f"input is over the {limit / 1e6:.1f} MB limit "
                               "(set DEMOSCOPE_REPORT_MAX_BYTES to raise it)")
    return b"".join(chunks)


def _check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        raise ReportParseError(
            name, f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.1f} MB limit "
            "(set DEMOSCOPE_REPORT_MAX_BYTES to raise it)")


#: errno values for which ``Path.exists()`` says False: the file is not there.
_MISSING = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM, or UTF-16 with a BOM) to str; anything else is refused.

    Why strict: a mis-decoded report would put wrong names in the database; the user is told
    the line and byte so they can re-save the file as UTF-8.
    """
    if not data or data.isspace():  # nothing but whitespace
        raise ReportParseError(file, "file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ReportParseError(file, "broken UTF-16 text") from None
    else:
        if b"\x00" in data[:8192]:
            raise ReportParseError(file, "binary file (contains NUL bytes), not a text report")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ReportParseError(
                file, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); re-save it as UTF-8",
                line) from None
    return normalise(text, file)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
#: The characters of ``_CONTROL``: testing each with ``in`` (memchr) is far faster than a
#: character-class scan, and nearly every report has none of them.
_CONTROL_CHARS = tuple(map(chr, (*range(0x00, 0x09), 0x0b, *range(0x0e, 0x20), 0x7f)))
#: Spaces that look like one (no-break, thin), page breaks, and the invisible characters a PDF
#: or web copy leaves inside words: a soft hyphen ("demo\u00adcratic" where a line once broke)
#: and the zero-width ones (space, non-joiner, joiner, word joiner, a BOM not at the start).
_SPACES = (("\u00a0", " "), ("\u2009", " "), ("\u202f", " "), ("\f", "\n"), ("\u200b", ""),
           ("\u00ad", ""), ("\u200c", ""), ("\u200d", ""), ("\u2060", ""), ("\ufeff", ""))
#: Two or more spaces between words (justified PDF text, a web copy's indentation kept inside
#: a line): read as one, so "Democracy  Score" is the label it is. Indentation is kept.
_SPACE_RUN = re.compile(r"(?<=\S)  +(?=\S)")


def normalise(text: str, file: str) -> str:
    """Unify line ends and spaces so every reader sees the same text; refuse binary junk."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(c in text for c in _CONTROL_CHARS):
        sample = text[:20000]
        if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
            raise ReportParseError(file, "binary file (control characters), not a text report")
        text = _CONTROL.sub(" ", text)
    for old, new in _SPACES:
        if old in text:
            text = text.replace(old, new)
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    return text


#: A line with capital letters and no lower-case one: a heading set in capitals ("ARMENIA",
#: "NATIONS IN TRANSIT 2015", "2014 SCORES", "CAPITAL: BAKU"), as PDF covers and web pages
#: styled in capitals copy out.
_CAPS_LINE = re.compile(r"(?m)^[^a-z\n]*[A-Z][A-Z][^a-z\n]*$")
_LETTERS = re.compile(r"[^\W\d_]+")
#: Words a title prints in lower case ("Bosnia and Herzegovina", "Transitional or Hybrid").
_SMALL_WORDS = frozenset({"and", "or", "of", "the", "in", "by", "for", "to", "at", "on"})
#: Longer lines in capitals are prose (a disclaimer), not headings: kept as printed.
_CAPS_HEADING_MAX = 100


def case_headings(text: str) -> str:
    """``text`` with each heading set in capitals printed in title case ("BOSNIA AND
    HERZEGOVINA" → "Bosnia and Herzegovina"), every offset and line break kept: the readers
    find names, titles and labels by their usual case, as reports print them everywhere
    else. Other lines are untouched."""
    if _CAPS_LINE.search(text) is None:
        return text
    return _CAPS_LINE.sub(_title_line, text)


def _title_line(m: re.Match[str]) -> str:
    line = m.group()
    if len(line) > _CAPS_HEADING_MAX:
        return line

    def word(w: re.Match[str]) -> str:
        low = w.group().lower()
        if len(low) != len(w.group()):
            return w.group()
        at = w.start()
        if (w.start() > 0 and low in _SMALL_WORDS) or (
                len(low) == 1 and at > 0 and line[at - 1] in "'’"):
            return low
        return w.group()[0] + low[1:]

    return _LETTERS.sub(word, line)
