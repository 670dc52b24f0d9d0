"""Letters to residents, Qt-free: content (plain Dutch, B1), templates, layout and rendering.

- ``templates`` — the coordinator-editable text blocks in ``resources/letters/nl/*.txt``,
  validated at load (file, line, block and placeholder named in the error).
- ``content`` — a pure function from a ``DossierDetail`` (+ the resident's choices) to the
  structured content of the integrated damage-and-strengthening summary letter.
- ``style`` — the house style: embedded fonts, colours, paragraph styles, page geometry.
- ``layout`` — the letter frame both organisations share: letterheads, the window-envelope
  address, reference column, continuation header, "pagina 1 van 2". Reusable for any letter
  (e.g. an inspection confirmation): hand it a ``LetterFrame`` and a list of flowables.
- ``render`` — the summary letter's content → flowables → PDF bytes or a combined PDF.
"""
