"""QR codes of verification links, a thousand at a time.

`segno` (pure Python) spends ~6 ms on one code, most of it trying the eight
data masks. A class's links differ only in the verification code, and QR
encoding is affine over GF(2) once version, error level, mode and mask are
fixed (data bits, Reed-Solomon parity, interleaving and placement are all
XOR-linear), so the module matrix of any link is

    M(link) = M(base) ^ T[0][c0 ^ b0] ^ T[1][c1 ^ b1] ^ ...

with one table per character position built from a few dozen segno encodes
(cached per process). The mask is then chosen exactly as segno chooses it
(ISO/IEC 18004 penalty rules N1-N4 evaluated on the matrix without format
information), with the rules computed on big integers and strings instead of
module by module. The result is the very matrix `segno.make(url, error="m")`
gives; `qr_svgs` checks that on the first link of every call and falls back to
segno for all of them if it ever differs.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import segno

logger = logging.getLogger(__name__)

ERROR = "m"
_ALPHANUMERIC = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def segno_svg(url: str) -> str:
    """The reference: segno's own encoder and SVG writer."""
    return str(segno.make(url, error=ERROR).svg_inline(border=0, scale=1))


def _matrix_int(code: segno.QRCode) -> int:
    """Module matrix as one integer, bit (width*width - 1) = top-left module."""
    return int(b"".join(bytes(row) for row in code.matrix).translate(_BITS), 2)


_BITS = bytes.maketrans(b"\x00\x01", b"01")


class _Steps(dict[str, str]):
    """Path steps of segno's SVG for a matrix of one width, by the text they cover.

    The matrix is one string of '0'/'1' rows joined by '2'. Each piece matched by
    `[02]*1+` (light modules and row breaks, then a dark run) becomes one relative
    step: '0001111' -> 'm3 0h4'; across k row breaks the step goes back from the
    end of the previous run (width - trailing light modules) to the new run.
    """

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width

    def __missing__(self, piece: str) -> str:
        dark = len(piece) - len(piece.rstrip("1"))
        breaks = piece.count("2")
        if breaks:
            end = self.width - piece.index("2")
            start = len(piece) - piece.rindex("2") - 1 - dark
            step = f"m{start - end} {breaks}h{dark}"
        else:
            step = f"m{len(piece) - dark} 0h{dark}"
        self[piece] = step
        return step


_PIECES = re.compile("[02]*1+")


@functools.lru_cache(maxsize=8)
def _steps(width: int) -> _Steps:
    return _Steps(width)


def svg_from_text(text: str, width: int) -> str:
    """The SVG segno's `svg_inline(border=0, scale=1)` writes for the module matrix
    `text` ('0'/'1', row after row)."""
    joined = "2".join([text[i : i + width] for i in range(0, width * width, width)])
    pieces = _PIECES.findall(joined)
    path = ""
    if pieces:
        first = pieces[0]
        breaks = first.count("2")
        dark = len(first) - len(first.rstrip("1"))
        start = len(first) - (first.rindex("2") + 1 if breaks else 0) - dark
        dy = breaks + 0.5
        path = f"M{start} {dy}h{dark}" + "".join(map(_steps(width).__getitem__, pieces[1:]))
    return (
        f'<svg width="{width}" height="{width}" class="segno"><path class="qrline" '
        f'stroke="#000" d="{path}"/></svg>'
    )


def _positions(width: int, keep: Callable[[int, int], bool]) -> int:
    """Bit mask of the modules (row r, column c) for which `keep(r, c)` holds."""
    n = width * width
    bits = 0
    for r in range(width):
        for c in range(width):
            if keep(r, c):
                bits |= 1 << (n - 1 - (r * width + c))
    return bits


@dataclass(frozen=True)
class _Masks:
    """Per version: what changes between the eight masks, data aside, and the bit
    masks the penalty rules use (bit n-1 = top-left module, rows one after another)."""

    width: int
    format_area: int  # format information and the dark module (all light while scoring)
    deltas: tuple[int, ...]  # encoding region: mask k pattern ^ mask 0 pattern
    deltas_transposed: tuple[int, ...]
    format_bits: tuple[int, ...]  # format information written for mask k
    has_left: int  # column >= 1
    has_left_and_up: int  # column >= 1 and row >= 1 (N2)
    pattern_fits: int  # column <= width - 7 (N3 pattern start)
    outside_before: tuple[int, ...]  # per d = 1..4: column - d < 0
    outside_after: tuple[int, ...]  # per d = 7..10: column + d >= width


def _columns(width: int, first: int, stop: int) -> int:
    """Bit mask of the modules in columns first .. stop - 1."""
    return _positions(width, lambda r, c: first <= c < stop)


def _format_area(width: int) -> int:
    cells = {(8, c) for c in (0, 1, 2, 3, 4, 5, 7, 8)} | {(r, 8) for r in (0, 1, 2, 3, 4, 5, 7)}
    cells |= {(8, width - 1 - i) for i in range(8)} | {(width - 1 - i, 8) for i in range(8)}
    return _positions(width, lambda r, c: (r, c) in cells)


def _masks(sample: bytes) -> _Masks:
    codes = [segno.make(sample, error=ERROR, mask=k) for k in range(8)]
    width = int(codes[0].symbol_size(border=0)[0])
    area = _format_area(width)
    ints = [_matrix_int(code) for code in codes]
    deltas = tuple((m ^ ints[0]) & ~area for m in ints)
    return _Masks(
        width=width,
        format_area=area,
        deltas=deltas,
        deltas_transposed=tuple(_transpose(delta, width) for delta in deltas),
        format_bits=tuple(m & area for m in ints),
        has_left=_positions(width, lambda r, c: c >= 1),
        has_left_and_up=_positions(width, lambda r, c: c >= 1 and r >= 1),
        pattern_fits=_positions(width, lambda r, c: c <= width - 7),
        outside_before=tuple(_columns(width, 0, d) for d in range(1, 5)),
        outside_after=tuple(_columns(width, width - d, width) for d in range(7, 11)),
    )


def _line_penalty(x: int, m: _Masks) -> tuple[int, int]:
    """N1 and N3 of the rows of `x` (columns: pass the transposed matrix)."""
    # N1: a run of L >= 5 same-coloured modules scores L - 2 = (L - 4) windows of five + 2.
    same = ~(x ^ (x >> 1)) & m.has_left  # module equals its left neighbour
    five = same & (same >> 1) & (same >> 2) & (same >> 3)  # ... and the three before
    runs = five & ~(five >> 1)  # the first window of five of each run
    n1 = five.bit_count() + 2 * runs.bit_count()
    # N3: 1011101 starting here, with four light modules (or the edge) before or after.
    light = ~x
    found = x & (light << 1) & (x << 2) & (x << 3) & (x << 4) & (light << 5) & (x << 6)
    found &= m.pattern_fits
    before = after = -1
    for d, outside in zip(range(1, 5), m.outside_before, strict=True):
        before &= (light >> d) | outside
    for d, outside in zip(range(7, 11), m.outside_after, strict=True):
        after &= (light << d) | outside
    counted = found & (before | after)
    # segno scans left to right and resumes after a counted pattern: one that overlaps
    # it from the right (4 or 6 modules on, the only possible overlaps) is skipped.
    skipped = counted & ((counted << 4) | (counted << 6))
    return n1, 40 * (counted.bit_count() - skipped.bit_count())


_MASK_ORDER = (2, 4, 0, 1, 3, 5, 6, 7)


def _transpose(x: int, width: int) -> int:
    text = format(x, f"0{width * width}b")
    return int("".join([text[c::width] for c in range(width)]), 2)


def _penalty(x: int, transposed: int, m: _Masks, bound: int | None = None) -> int:
    """segno's `evaluate_mask` (N1 + N2 + N3 + N4) of the matrix `x` (and its transpose).

    With `bound`, stops early once the sum exceeds it (every rule adds >= 0) and
    returns the partial sum, which then exceeds `bound` too.
    """
    width = m.width
    percent = float(x.bit_count()) / (width * width)
    score = 10 * int(abs(percent * 100 - 50) / 5)
    same_left = ~(x ^ (x >> 1))
    same_up = ~(x ^ (x >> width))
    score += 3 * (same_left & (same_left >> width) & same_up & m.has_left_and_up).bit_count()
    n1, n3 = _line_penalty(x, m)
    score += n1 + n3
    if bound is not None and score > bound:
        return score
    n1, n3 = _line_penalty(transposed, m)
    return score + n1 + n3


@dataclass(frozen=True)
class _Family:
    """Links `prefix + code + suffix` with codes of one length."""

    base_code: str
    base_matrix: int  # mask 0, format information cleared
    basis: tuple[tuple[int, ...], ...]  # per code position, per bit 0-6: XOR term
    masks: _Masks
    terms: dict[tuple[int, str], int]  # (position, character) -> XOR term, filled lazily

    def term(self, position: int, char: str) -> int:
        key = (position, char)
        found = self.terms.get(key)
        if found is None:
            found = 0
            diff = ord(char) ^ ord(self.base_code[position])
            for bit, vector in enumerate(self.basis[position]):
                if diff >> bit & 1:
                    found ^= vector
            self.terms[key] = found
        return found


@functools.lru_cache(maxsize=8)
def _family(prefix: str, suffix: str, length: int) -> _Family:
    base_code = "A" * length
    base = (prefix + base_code + suffix).encode("ascii")
    masks = _masks(base)
    clear = ~masks.format_area

    def mask0(link: bytes) -> int:
        return _matrix_int(segno.make(link, error=ERROR, mask=0)) & clear

    base_matrix = mask0(base)
    start = len(prefix)
    basis = []
    for position in range(length):
        vectors = []
        for bit in range(7):
            link = bytearray(base)
            link[start + position] ^= 1 << bit
            vectors.append(mask0(bytes(link)) ^ base_matrix)
        basis.append(tuple(vectors))
    return _Family(base_code, base_matrix, tuple(basis), masks, {})


def _family_svg(family: _Family, code: str) -> str:
    x = family.base_matrix
    term = family.term
    for position, char in enumerate(code):
        x ^= term(position, char)
    masks = family.masks
    # The transpose of x ^ delta is transpose(x) ^ transpose(delta): one transposition.
    transposed = _transpose(x, masks.width)
    # Masks 2 and 4 win most often: trying them first lets the others stop early. The
    # winner is still segno's: the lowest score, the lowest mask number among equals.
    best, best_score = -1, 0
    for k in _MASK_ORDER:
        bound = None if best < 0 else (best_score if k < best else best_score - 1)
        score = _penalty(x ^ masks.deltas[k], transposed ^ masks.deltas_transposed[k], masks, bound)
        if best < 0 or score < best_score or (score == best_score and k < best):
            best, best_score = k, score
    final = x ^ masks.deltas[best] | masks.format_bits[best]
    return svg_from_text(format(final, f"0{masks.width**2}b"), masks.width)


def _common_prefix(texts: Sequence[str]) -> str:
    first, last = min(texts), max(texts)
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    return first[:size]


def _split(urls: Sequence[str]) -> tuple[str, str, int] | None:
    """(prefix, suffix, code length) when the links differ only in a same-length middle."""
    if len({len(u) for u in urls}) != 1:
        return None
    prefix = _common_prefix(urls)
    suffix = _common_prefix([u[::-1] for u in urls])[::-1]
    length = len(urls[0]) - len(prefix) - len(suffix)
    # Byte mode for every link: the fixed part holds a character that is neither
    # numeric nor alphanumeric (e.g. lowercase), and everything is ASCII.
    fixed = prefix + suffix
    if length <= 0 or not all(u.isascii() for u in urls) or set(fixed) <= _ALPHANUMERIC:
        return None
    return prefix, suffix, length


def qr_svgs(urls: Sequence[str]) -> list[str]:
    """SVG QR codes (error level M) of `urls`, identical to segno's, fast for a class."""
    if len(urls) < 16:
        return [segno_svg(url) for url in urls]
    split = _split(urls)
    if split is None:
        return [segno_svg(url) for url in urls]
    prefix, suffix, length = split
    middles = [u[len(prefix) : len(u) - len(suffix)] for u in urls]
    family = _family(prefix, suffix, length)
    svgs = [_family_svg(family, middle) for middle in middles]
    if svgs[0] != segno_svg(urls[0]):  # pragma: no cover - guard, never seen
        logger.error("fast QR differs from segno for %s; using segno", urls[0])
        return [segno_svg(url) for url in urls]
    return svgs
