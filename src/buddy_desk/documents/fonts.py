"""Embedded TrueType fonts whose subsets are made once per process, not once per PDF.

ReportLab embeds a TrueType font as subsets of up to 256 characters, numbered in the order
a document first uses them, so every letter gets its own subsets and builds and compresses
them again (~4–5 ms of a 12 ms letter). ``SharedSubsetFont`` starts every document's first
subset with the same characters in the same order (``PRESET``: what Dutch letters and the
names in them normally use) and closes it there, so that subset is the same in every
document and its font file, widths and ToUnicode map are made once per process and reused.
Characters outside the preset still work: they go to later subsets, which are made per
document (and reused too when another document happens to need exactly the same ones).

The fonts stay embedded (the letter reads the same everywhere); each PDF carries the whole
preset of every font it uses (~6–7 KB more per font than a subset of what it prints). Less
common letters (Polish, Turkish, Greek, …) go to a second, small subset of their own.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

SUBSET_SIZE = 256


def _preset() -> str:
    ascii_ = "".join(chr(c) for c in range(0x20, 0x7F))
    # Latin-1's letters (Dutch, and the names of French, German, Scandinavian, Spanish and
    # Portuguese origin), and the punctuation and signs Dutch letters use
    letters = "".join(chr(c) for c in range(0xC0, 0x100) if chr(c) not in "×÷")
    signs = "€‘’‚“”„–—…•·«»§°²³¼½¾×‰©®™£¢¥µ¡¿ªº´¨→"
    return ascii_ + letters + signs


PRESET = _preset()
"""The characters every document's first subset holds, in this order."""

# ReportLab's first subset keeps codes 32–127 for ASCII (readable PDFs, word spacing on 32)
# and hands out 1–31, then 128–255: 159 codes for the rest.
_FREE_CODES = 159

_CACHE_SIZE = 64  # subsets kept per font: the preset's, and a few recurring later ones
_SPLIT_CACHE_SIZE = 4096  # strings per font (a letter draws a few hundred, most recur)


@dataclass(frozen=True, slots=True)
class _Subset:
    """What a font subset puts into any PDF, made once: the font program (compressed and its
    length), the widths and the ToUnicode map (compressed)."""

    font_file: bytes
    font_file_length: int
    widths: bytes  # the PDF array, formatted
    to_unicode: bytes


class _Formatted(pdfdoc.PDFObject):  # type: ignore[misc]  # ReportLab is untyped
    """A PDF object formatted already."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class SharedSubsetFont(TTFont):  # type: ignore[misc]  # ReportLab is untyped
    """A TrueType font whose PDF subsets are shared between documents (see the module)."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, asciiReadable=True)
        self._subsets: OrderedDict[tuple[str, tuple[int, ...]], _Subset] = OrderedDict()
        # one subset made at a time: the face reads its file through a shared position, and
        # runs render on threads as well as on processes
        self._lock = threading.Lock()
        # splitString's answers for texts of characters whose codes the preset fixes
        self._split: dict[str, tuple[tuple[int, bytes], ...]] = {}
        self._fixed: frozenset[str] = frozenset()
        in_font = [c for c in PRESET if ord(c) in self.face.charToGlyph]
        self._preset = "".join(c for c in in_font if ord(c) >= 0x7F)
        if len(self._preset) > _FREE_CODES:
            raise ValueError(f"{name}: the preset needs {len(self._preset)} codes")

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> Any:  # noqa: N802
        """ReportLab's, answered from memory for text whose codes are the same in every
        document (a pure-Python loop per character, for every string drawn)."""
        if doc not in self.state:
            self._start(doc)
        found = self._split.get(text)
        if found is not None:
            return found
        parts = super().splitString(text, doc, encoding)
        if isinstance(text, str) and self._fixed.issuperset(text):
            if len(self._split) >= _SPLIT_CACHE_SIZE:
                self._split.clear()
            self._split[text] = tuple(parts)
        return parts

    def _start(self, doc: Any) -> None:
        """Give a new document's first subset the preset; whatever comes later starts a
        second subset (the first one's unused codes stay unused)."""
        state = self._assignState(doc)
        super().splitString(self._preset, doc)
        state.nextCode = SUBSET_SIZE
        if not self._fixed:
            fixed = set(map(chr, state.assignments))
            if 32 in state.assignments:
                fixed.add("\xa0")  # ReportLab draws a no-break space as a space
            self._fixed = frozenset(fixed)

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - ReportLab's name
        """ReportLab's ``TTFont.addObjects``, with each subset's parts made once."""
        state = self._assignState(doc)
        state.frozen = 1
        face = self.face
        for n, codes in enumerate(state.subsets):
            internal = self.getSubsetInternalName(n, doc)[1:]
            base = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            made = self._subset(base, tuple(codes))

            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name = internal
            font.BaseFont = base
            font.FirstChar = 0
            font.LastChar = len(codes) - 1
            font.Widths = _Formatted(made.widths)
            font.ToUnicode = doc.Reference(
                _stream(made.to_unicode, doc.compression), "toUnicodeCMap:" + base
            )
            font.FontDescriptor = self._descriptor(doc, base, made)
            doc.Reference(font, internal)
            doc.idToObject["BasicFonts"].dict[internal] = font
        del self.state[doc]

    def _subset(self, base: str, codes: tuple[int, ...]) -> _Subset:
        key = (base, codes)
        with self._lock:
            made = self._subsets.get(key)
            if made is not None:
                self._subsets.move_to_end(key)
                return made
            program = self.face.makeSubset(list(codes))
            made = _Subset(
                font_file=zlib.compress(program, 9),
                font_file_length=len(program),
                widths=pdfdoc.PDFArray(list(map(self.face.getCharWidth, codes))).format(None),
                to_unicode=zlib.compress(makeToUnicodeCMap(base, list(codes)).encode(), 9),
            )
            self._subsets[key] = made
            if len(self._subsets) > _CACHE_SIZE:
                self._subsets.popitem(last=False)
            return made

    def _descriptor(self, doc: Any, base: str, made: _Subset) -> Any:
        """``TTFontFace.addSubsetObjects`` with the font program made already."""
        face = self.face
        font_file = _stream(made.font_file, doc.compression)
        font_file.dictionary["Length1"] = made.font_file_length
        ref = doc.Reference(font_file, f"fontFile:{face.filename}({base})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(base),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": ref,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + base)


def _stream(compressed: bytes, compression: bool) -> Any:
    """A PDF stream of content compressed already (a set Filter stops ReportLab from
    compressing it again)."""
    stream = pdfdoc.PDFStream()
    if compression:
        stream.content = compressed
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    else:
        stream.content = zlib.decompress(compressed)
    return stream
