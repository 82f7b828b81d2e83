"""Which guideline edition every citation of a letter is to (DOMAIN.md section 3).

The MTUS changed over the years letters were written: the 2009 CPMTG for
requests up to 2016-07-28, its 2016 revision and the Opioids Treatment
Guidelines from 2016-07-29, ACOEM's 2nd Edition chapters until November 2017
and the ACOEM-based guidelines from December 2017.  A page number means
nothing until the guideline and edition are known, so after the letter is read
each citation gets its edition, decided (``Citation.decided_by``):

1. ``citation``: its own words name it ("(2009)", "2nd Edition (2004)",
   "Opioids Treatment Guidelines"); the reading step has set it already;
2. ``item-lines``: a page named inside a rationale takes the guideline and
   edition of the item's guideline lines (of its family, or the lines' one
   guideline when its sentence names none);
3. ``dates``: the letter's dates (the request, else the UR decision, else the
   application) and the ``in_force`` dates of the family's guideline files;
4. ``unknown``: nothing says, or the family has no editions (ODG,
   acupuncture, the drug formulary).

The letter's own ``edition_in_force`` is the CPMTG edition in force on its
dates.  Precision first: nothing here guesses an edition the letter's words
and dates do not settle.
"""

from __future__ import annotations

import datetime as dt

from checker.knowledge.guideline import Guidelines, guidelines
from checker.knowledge.sources import sources
from checker.model import Citation, Item, Letter

def decide_editions(letter: Letter) -> None:
    """Decide the edition of every citation of every item, by the letter's dates (read with its header)."""
    known = guidelines()
    in_force = known.in_force(sources().mtus_means, letter.dates.reference)
    letter.edition_in_force = in_force.edition if in_force else None
    for item in letter.items:
        _decide_item(item, letter.dates.reference, known)


def _decide_item(item: Item, day: dt.date | None, known: Guidelines) -> None:
    lines = [c for c in item.citations if c.kind != "rationale"]
    for citation in lines:
        _by_dates(citation, day, known)
    for citation in item.citations:
        if citation.kind == "rationale":
            _decide_rationale(citation, lines, day, known)


def _by_dates(citation: Citation, day: dt.date | None, known: Guidelines) -> None:
    """A citation whose words name no edition: the edition its family had in force on the letter's dates."""
    if citation.edition is not None:
        citation.decided_by = "citation"
        return
    found = known.in_force(citation.guideline, day) if known.editions(citation.guideline) else None
    citation.edition = found.edition if found else None
    citation.decided_by = "dates" if found else "unknown"


def _decide_rationale(citation: Citation, lines: list[Citation], day: dt.date | None, known: Guidelines) -> None:
    """A page named in the rationale: its sentence's guideline, else the item's lines'; the edition likewise."""
    if not citation.named:
        family = family_from_lines(lines, citation.pages, mtus_only=citation.guideline is not None)
        if family != citation.guideline:
            citation.guideline = family
            citation.source = sources().source_of(family)
            if citation.edition is not None and known.find(family, citation.edition) is None:
                citation.edition = None  # "the 2016 MTUS" read as an edition the lines' guideline does not have
    if citation.edition is not None:
        citation.decided_by = "citation"
        return
    same = [c for c in lines if c.guideline == citation.guideline and c.edition is not None]
    if same:
        pages = set(citation.pages)
        best = sorted(same, key=lambda c: (c.decided_by != "citation", not pages & set(c.pages)))[0]
        citation.edition, citation.decided_by = best.edition, "item-lines"
        return
    _by_dates(citation, day, known)


def family_from_lines(lines: list[Citation], pages: list[int], mtus_only: bool) -> str | None:
    """The guideline a reference that names none belongs to: the line that lists its pages, else the lines' one guideline.

    ``mtus_only``: the reference says "the MTUS", so only lines of a guideline of the MTUS count.
    Falls back to the family "the MTUS" alone stands for (``mtus_means`` of rules/sources.yaml).
    """
    src = sources()
    candidates = [c for c in lines if c.guideline is not None and (not mtus_only or src.part_of_mtus(c.guideline))]
    listing = [c for c in candidates if set(pages) & set(c.pages)]
    if listing:
        return listing[0].guideline
    families = list(dict.fromkeys(c.guideline for c in candidates if c.pages or c.sections))
    if len(families) != 1:
        families = list(dict.fromkeys(c.guideline for c in candidates))
    return families[0] if len(families) == 1 else src.mtus_means
