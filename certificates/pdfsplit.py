"""Cut a typst PDF into one-page PDFs by copying its objects, not re-parsing them.

typst writes a classic PDF: a cross-reference table, every object at a known
offset, no object streams. A page's own document needs only the objects the
page reaches (its content stream, its resources, the fonts and colour spaces
they name); those bytes are copied as they are, their references renumbered,
and a new catalogue, page tree and cross-reference table written around them.
Fonts shared by all pages are parsed once. Anything unusual (encryption,
cross-reference streams, inherited page attributes, a page reaching another
page or the structure tree) makes `split` return None, and the caller falls
back to pypdf.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_REF = re.compile(rb"(\d+) (\d+) R(?![A-Za-z])")
_PARENT = re.compile(rb"/Parent\s*\d+ \d+ R")
_STRUCT_PARENTS = re.compile(rb"/StructParents\s*\d+")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_XREF_SECTION = re.compile(rb"(\d+) (\d+)\s*\n((?:\d{10} \d{5} [nf]\s*)*)")
_XREF_ENTRY = re.compile(rb"(\d{10}) \d{5} ([nf])")
_OBJ_HEADER = re.compile(rb"(\d+) (\d+) obj\b")
_INFO_KEYS = re.compile(
    rb"/(Title|Author|Creator|Producer)\s*(<[0-9A-Fa-f]*>|\((?:[^()\\]|\\.)*\))"
)
_FORBIDDEN = (b"/Type/Page", b"/Type/Pages", b"/Type/Catalog", b"/Type/StructElem")


class Unsupported(Exception):
    """The PDF is not one this module can cut (the caller falls back to pypdf)."""


class _Object:
    __slots__ = ("forbidden", "head", "refs", "tail")

    def __init__(self, body: bytes) -> None:
        found = _STREAM.search(body)
        at = -1 if found is None else found.start() + 2
        # The dictionary (where references live) and the raw stream data after it.
        self.head = body if at < 0 else body[:at]
        self.tail = b"" if at < 0 else body[at:]
        self.refs = [int(m[1]) for m in _REF.finditer(self.head)]
        # Another page, the page tree, the catalogue or the structure tree: not ours to copy.
        self.forbidden = any(word in self.head for word in _FORBIDDEN)
        if any(m[2] != b"0" for m in _REF.finditer(self.head)):
            raise Unsupported("generation numbers")


class _Document:
    def __init__(self, data: bytes) -> None:
        if b"/Encrypt" in data[-2048:] or b"/ObjStm" in data:
            raise Unsupported("encrypted or object streams")
        self.data = data
        start = int(data[data.rindex(b"startxref") + 9 :].split()[0])
        if data[start : start + 4] != b"xref":
            raise Unsupported("cross-reference stream")
        self.offsets: dict[int, int] = {}
        table = data[start + 4 : data.index(b"trailer", start)]
        for section in _XREF_SECTION.finditer(table):
            first = int(section[1])
            entries = _XREF_ENTRY.findall(section[3])
            if len(entries) != int(section[2]):
                raise Unsupported("cross-reference table")
            for number, (offset, kind) in enumerate(entries, first):
                if kind == b"n":
                    self.offsets[number] = int(offset)
        self.ends = self._ends(start)
        self.cache: dict[int, _Object] = {}
        # Shared objects (fonts, colour profiles) get the same new numbers on every page:
        # their renumbered bytes are kept, keyed by the numbers their references get.
        self.rewritten: dict[tuple[int, tuple[int, ...]], bytes] = {}
        trailer = data[data.index(b"trailer", start) : data.rindex(b"startxref")]
        root = self._trailer_ref(trailer, b"/Root")
        if root is None:
            raise Unsupported("trailer without a catalogue")
        self.root = root
        info = self._trailer_ref(trailer, b"/Info")
        self.info = b""
        if info is not None:
            self.info = b"".join(b"/" + m[1] + m[2] for m in _INFO_KEYS.finditer(self._body(info)))

    @staticmethod
    def _trailer_ref(trailer: bytes, key: bytes) -> int | None:
        found = re.search(re.escape(key) + rb"\s*(\d+) 0 R", trailer)
        return None if found is None else int(found[1])

    def _ends(self, xref: int) -> dict[int, int]:
        """Where each object's bytes stop: the next object's offset (or the xref)."""
        ordered = sorted(self.offsets.items(), key=lambda item: item[1])
        ends = {}
        for (number, _offset), (_next, following) in zip(
            ordered, [*ordered[1:], (-1, xref)], strict=True
        ):
            ends[number] = following
        return ends

    def _body(self, number: int) -> bytes:
        offset = self.offsets[number]
        header = _OBJ_HEADER.match(self.data, offset)
        if header is None or int(header[1]) != number:
            raise Unsupported(f"object {number} not at its offset")
        end = self.data.rindex(b"endobj", offset, self.ends[number])
        return self.data[header.end() : end].strip()

    def obj(self, number: int) -> _Object:
        found = self.cache.get(number)
        if found is None:
            found = self.cache[number] = _Object(self._body(number))
        return found

    def pages(self) -> list[int]:
        catalog = self.obj(self.root).head
        found = re.search(rb"/Pages\s*(\d+) 0 R", catalog)
        if found is None:
            raise Unsupported("catalogue without pages")
        result: list[int] = []
        self._collect(int(found[1]), result)
        return result

    def _collect(self, number: int, result: list[int]) -> None:
        head = self.obj(number).head
        if re.search(rb"/Type\s*/Pages\b", head):
            if re.search(rb"/(Resources|MediaBox|CropBox|Rotate)\b", head):
                raise Unsupported("inherited page attributes")
            kids = re.search(rb"/Kids\s*\[([^\]]*)\]", head)
            if kids is None:
                raise Unsupported("page tree node without kids")
            for match in _REF.finditer(kids[1]):
                self._collect(int(match[1]), result)
        else:
            result.append(number)

    def single(self, page: int) -> bytes:
        """A one-page PDF of `page`: catalogue 1, page tree 2, info 3, page 4, then the rest."""
        head = self.obj(page).head
        head = _STRUCT_PARENTS.sub(b"", _PARENT.sub(b"", head))
        order = [page]
        numbers = {page: 4}
        queue = [int(m[1]) for m in _REF.finditer(head)]
        while queue:
            number = queue.pop()
            if number in numbers:
                continue
            numbers[number] = len(order) + 4
            order.append(number)
            item = self.obj(number)
            if item.forbidden:
                raise Unsupported(f"page {page} reaches object {number}")
            queue.extend(item.refs)

        def renumber(match: re.Match[bytes]) -> bytes:
            return b"%d 0 R" % numbers[int(match[1])]

        bodies = [
            b"<</Type/Catalog/Pages 2 0 R>>",
            b"<</Type/Pages/Count 1/Kids[4 0 R]>>",
            b"<<" + self.info + b">>",
            _REF.sub(renumber, head)[:-2] + b"/Parent 2 0 R>>",
        ]
        for number in order[1:]:
            item = self.obj(number)
            key = (number, tuple([numbers[ref] for ref in item.refs]))
            body = self.rewritten.get(key)
            if body is None:
                body = _REF.sub(renumber, item.head) + item.tail
                if len(self.rewritten) < 10_000:
                    self.rewritten[key] = body
            bodies.append(body)
        return _write(bodies)


def _write(bodies: list[bytes]) -> bytes:
    out = [b"%PDF-1.7\n%\x80\x80\x80\x80\n"]
    position = len(out[0])
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(position)
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
        out.append(chunk)
        position += len(chunk)
    size = len(bodies) + 1
    xref = [b"xref\n0 %d\n0000000000 65535 f\r\n" % size]
    xref += [b"%010d 00000 n\r\n" % offset for offset in offsets]
    out += xref
    trailer = b"trailer\n<</Size %d/Root 1 0 R/Info 3 0 R>>\nstartxref\n%d\n%%%%EOF"
    out.append(trailer % (size, position))
    return b"".join(out)


class Pages:
    """The pages of one PDF, each as a PDF of its own (raises Unsupported when the PDF is
    not one this module can cut, possibly while iterating)."""

    def __init__(self, pdf: bytes) -> None:
        try:
            self._document = _Document(pdf)
            self._pages = self._document.pages()
        except (ValueError, KeyError, IndexError) as error:
            raise Unsupported(str(error)) from error

    def __len__(self) -> int:
        return len(self._pages)

    def __iter__(self) -> Iterator[bytes]:
        for page in self._pages:
            try:
                single = self._document.single(page)
            except (ValueError, KeyError, IndexError) as error:
                raise Unsupported(str(error)) from error
            yield single


def split(pdf: bytes) -> list[bytes]:
    """One PDF per page of `pdf`, in page order."""
    return list(Pages(pdf))
