"""Facts: the guidelines, editions, pages and sections an item cites, and what each page map says of them.

A page number means nothing until the guideline and edition are known
(DOMAIN.md section 3).  Every citation carries its guideline, its edition and
how the edition was decided (``checker/letter/editions.py``); a page is judged
only against the page map of its own guideline and edition, and only where
that edition has one (the 2009 CPMTG).  Pages of ACOEM, ODG, the 2016
guidelines or an unknown edition are never judged against the 2009 map.
"""

from __future__ import annotations

from checker.facts.records import Record, spanned
from checker.facts.registry import DateString, fact, record
from checker.facts.scope import ItemFacts, LetterFacts
from checker.knowledge.guideline import DEFAULT_GUIDELINE, Guideline, Guidelines
from checker.knowledge.sources import sources
from checker.model import Citation, Item, Span

#: Fields of a page and of a citation record: whose citation, which guideline and edition, decided how.
_WHOSE = dict(
    kind=(str, "whose citation it is: `admin` / `reviewer` / `rationale`"),
    source=(str | None, "the source the citation names (`MTUS`, `ODG`, `ACOEM`); null when it names none"),
    guideline=(str | None, "the guideline family (`cpmtg`, `opioids-tg`, `acoem`, `odg`, `acupuncture`, `formulary`); null when it names none"),
    edition=(str | None, "the citation's edition (`2009`, `2016`, `2004` ...), decided by its words, the item's lines or the letter's dates; "
             "null when unknown or when the family has none"),
    decided_by=(str, "how the edition was decided: `citation` (its words), `item-lines`, `dates` or `unknown`"),
    guideline_id=(str | None, "the guideline edition's file in rules/guidelines (`cpmtg-2009`); null when the guideline or edition is unknown"),
)

PAGES = record(
    "pages",
    "cited pages by whose citation names them",
    spanned=False,
    admin=(list[int], "pages of the claims administrator's guideline line"),
    reviewer=(list[int], "pages of the reviewer's guideline line"),
    rationale=(list[int], "pages named inside the rationale prose"),
)
PAGE = record(
    "page",
    "a page an item's citations name, with the view of its own guideline's page map; points at the page number",
    spanned=True,
    number=(int, "the page number"),
    **_WHOSE,
    has_map=(bool, "the citation's guideline and edition have a page map (only the 2009 CPMTG does): the page can be judged"),
    mtus_2009=(bool, "the citation is to the 2009 CPMTG (by its words, the item's lines or the letter's dates)"),
    in_guideline=(bool, "false only when the page lies beyond the last page of its guideline's page map"),
    last_page=(int | None, "the last page of its guideline's page map (127 for the 2009 CPMTG); null without a map"),
    topics=(list[str], "topics of its guideline's page map containing the page"),
    topic=(str | None, "the topic the page is about, when it does not cover the item"),
    topic_title=(str | None, "that topic's title"),
    covers_item=(bool | None, "the page covers the item's topic (its own, parent, related or general pages); null when the item's topic or the page map is unknown"),
    in_guideline_lines=(bool, "the admin or reviewer lines of the same guideline edition list the page, or a section they list covers it"),
)
PAGE_SET = record(
    "page_set",
    "some pages of one citation, at the first of them; in a message, the pages (`63-66`)",
    spanned=True,
    value=(list[int], "the pages"),
    topics=(list[str], "the titles of the topics the pages are about (for pages that do not cover the item)"),
)
CITATION = record(
    "citation",
    "one guideline citation of an item (a guideline of an admin or reviewer line, or a page reference in the rationale), "
    "with its pages judged against its own guideline's page map",
    spanned=True,
    **_WHOSE,
    title=(str | None, "that guideline edition's title"),
    pages=(list[int], "the pages it names"),
    has_map=(bool, "its guideline and edition have a page map (only the 2009 CPMTG does): its pages can be judged"),
    last_page=(int | None, "the last page of that page map"),
    beyond=(PAGE_SET | None, "its pages beyond the last page of its page map; null when none (or no map)"),
    off_topic=(PAGE_SET | None, "its pages about another topic than the item's; null when none (or no map, or the item's topic is unknown)"),
    not_in_lines=(PAGE_SET | None, "for a rationale citation: its pages (covering the item) that the admin and reviewer lines of the same "
                  "guideline edition do not list; null when none, or when those lines list no pages or sections"),
)
SECTION = record(
    "section",
    "a `Section(s):` citation, with its guideline's view of it",
    spanned=True,
    name=(str, "the section as written (`Muscle relaxants (for pain)`)"),
    kind=(str, "`admin` / `reviewer` / `rationale`"),
    topic=(str | None, "the page-map topic the section names"),
    topic_title=(str | None, "that topic's title"),
    covers_item=(bool | None, "the section covers the item's topic; null when either topic, or the citation's page map, is unknown"),
)
LETTER_DATES = record(
    "letter_dates",
    "the dates that decide which guideline editions apply",
    spanned=False,
    request=(DateString | None, "the disputed request as the case summary dates it (the RFA, else the UR decision)"),
    ur_decision=(DateString | None, "the UR decision date of the header"),
    application=(DateString | None, "the IMR application date of the header"),
    decision=(DateString | None, "the IMR decision date of the header"),
)


@fact("letter.edition_in_force", str | None, "the CPMTG edition in force on the letter's dates: `2009`, `2016`; null when no date says")
def edition_in_force(scope: LetterFacts) -> str | None:
    return scope.letter.edition_in_force


@fact("letter.dates", LETTER_DATES, "the letter's dates: `letter.dates.request`, `.ur_decision`, `.application`, `.decision`")
def dates(scope: LetterFacts) -> Record:
    d = scope.letter.dates
    iso = {name: (value.isoformat() if value else None) for name, value in vars(d).items()}
    return {name: iso[name] for name in ("request", "ur_decision", "application", "decision")}


@fact("item.pages", PAGES, "cited pages by citation: `item.pages.admin`, `item.pages.reviewer`, `item.pages.rationale`")
def pages(scope: ItemFacts) -> Record:
    return {kind: scope.item.pages(kind) for kind in ("admin", "reviewer", "rationale")}


@fact("item.guideline_pages", list[int], "pages of the admin and reviewer guideline lines (`[24, 29, 65]`)")
def guideline_pages(scope: ItemFacts) -> list[int]:
    return sorted(set(scope.item.pages("admin")) | set(scope.item.pages("reviewer")))


@fact("item.sections", list[str], "sections the admin and reviewer guideline lines cite")
def sections(scope: ItemFacts) -> list[str]:
    return scope.item.sections("admin") + scope.item.sections("reviewer")


@fact(
    "item.editions",
    list[str],
    "the guideline editions that apply to the item (`[cpmtg-2009]`): those its citations name, and for every other "
    "guideline of the MTUS the edition in force on the letter's dates; empty when nothing settles them",
)
def editions(scope: ItemFacts) -> list[str]:
    return item_editions(scope.item, scope.knowledge.editions, scope.letter.dates.reference)


def item_editions(item: Item, known: Guidelines, day) -> list[str]:  # noqa: ANN001 (a date or None)
    """Editions the item's citations settle, then the one in force on ``day`` for each MTUS family they leave open."""
    found = {g.id for c in item.citations if (g := own_guideline(c, known)) is not None}
    settled = {known.get(g).family for g in found if known.get(g) is not None}
    src = sources()
    for family in src.families:
        if family not in settled and src.part_of_mtus(family) and known.editions(family):
            in_force = known.in_force(family, day)
            if in_force is not None:
                found.add(in_force.id)
    return sorted(found)


def own_guideline(citation: Citation, known: Guidelines) -> Guideline | None:
    """The guideline edition a citation is to, when its family and (for families with editions) its edition are known."""
    if citation.guideline is None or (citation.edition is None and known.editions(citation.guideline)):
        return None
    return known.find(citation.guideline, citation.edition)


@fact("item.citations", list[CITATION], "every citation of the item, one per guideline of each guideline line and one per page "
      "reference of the rationale, with its pages judged against its own guideline's page map")
def citations(scope: ItemFacts) -> list[Record]:
    return _citations(scope.item, scope["topic"], scope.knowledge.editions)


@fact("item.cited_pages", list[PAGE], "every cited page, with its own guideline's page map's view of it")
def cited_pages(scope: ItemFacts) -> list[Record]:
    return _cited_pages(scope.item, scope["topic"], scope.knowledge.editions)


@fact("item.cited_sections", list[SECTION], "every `Section(s):` citation")
def cited_sections(scope: ItemFacts) -> list[Record]:
    return _cited_sections(scope.item, scope["topic"], scope.knowledge.editions)


def _whose(citation: Citation, own: Guideline | None) -> dict[str, str | None]:
    """The ``_WHOSE`` fields of a page or citation record."""
    return {
        "kind": citation.kind,
        "source": citation.source,
        "guideline": citation.guideline,
        "edition": citation.edition,
        "decided_by": citation.decided_by,
        "guideline_id": own.id if own else None,
    }


def _mapped(citation: Citation, known: Guidelines) -> Guideline | None:
    """The citation's guideline edition when it has a page map its pages can be judged against."""
    guideline = own_guideline(citation, known)
    return guideline if guideline is not None and guideline.has_page_map else None


def _line_pages(item: Item, known: Guidelines) -> dict[str, tuple[set[int], bool]]:
    """For each mapped guideline the admin and reviewer lines cite (by id): the pages they list (pages of the
    sections they list too), and whether they list any pages or sections at all.

    Worked out once per item: a rationale may make thousands of page references.
    """
    lines: dict[str, tuple[set[int], bool]] = {}
    for citation in item.citations:
        guideline = _mapped(citation, known) if citation.kind != "rationale" else None
        if guideline is None:
            continue
        listed, any_listed = lines.setdefault(guideline.id, (set(), False))
        listed |= set(citation.pages)
        for name in citation.sections:
            named = guideline.topic_named(name)
            if named is not None:
                listed |= guideline.allowed_pages(named.id)
        lines[guideline.id] = (listed, any_listed or bool(citation.pages or citation.sections))
    return lines


def _judge(page: int, guideline: Guideline, topic_id: str | None) -> tuple[bool, bool | None, list]:
    """(in the guideline, covers the item or None, topics of the page) for one page of a mapped guideline."""
    allowed = guideline.allowed_pages(topic_id) if topic_id and guideline.topic(topic_id) else None
    return (
        1 <= page <= (guideline.page_count or page),
        None if allowed is None else page in allowed,
        guideline.topics_of_page(page),
    )


def _cited_pages(item: Item, topic_id: str | None, known: Guidelines) -> list[Record]:
    """Every page an item's citations name, with what its own guideline's page map says of it."""
    records = []
    lines = _line_pages(item, known)
    for citation in item.citations:
        own = own_guideline(citation, known)
        mapped = own if own is not None and own.has_page_map else None
        listed = lines.get(mapped.id, (set(), False))[0] if mapped is not None else set()
        for ref in citation.page_refs:
            for page in ref.pages:
                inside, covers, topics = _judge(page, mapped, topic_id) if mapped else (True, None, [])
                other = topics[0] if topics and covers is False else None
                records.append(
                    spanned(
                        ref.text,
                        ref.span_of_page(page),
                        number=page,
                        **_whose(citation, own),
                        has_map=mapped is not None,
                        mtus_2009=own is not None and own.id == DEFAULT_GUIDELINE,
                        in_guideline=inside,
                        last_page=mapped.page_count if mapped else None,
                        topics=[t.id for t in topics],
                        topic=other.id if other else None,
                        topic_title=other.title if other else None,
                        covers_item=covers,
                        in_guideline_lines=page in listed,
                    )
                )
    return records


def _citations(item: Item, topic_id: str | None, known: Guidelines) -> list[Record]:
    """Each citation with its pages judged (one finding per citation, with all of its pages)."""
    records = []
    lines = _line_pages(item, known)
    for citation in item.citations:
        own = own_guideline(citation, known)
        mapped = own if own is not None and own.has_page_map else None
        beyond: list[tuple[int, Span]] = []
        off: list[tuple[int, Span, str]] = []
        unlisted: list[tuple[int, Span]] = []
        listed, lines_list = lines.get(mapped.id, (set(), False)) if mapped is not None else (set(), False)
        for ref in citation.page_refs:
            for page in ref.pages:
                if mapped is None:
                    continue
                inside, covers, topics = _judge(page, mapped, topic_id)
                span = ref.span_of_page(page)
                if not inside:
                    beyond.append((page, span))
                elif covers is False and topics:
                    off.append((page, span, topics[0].title))
                elif citation.kind == "rationale" and lines_list and page not in listed:
                    unlisted.append((page, span))
        records.append(
            spanned(
                citation.text,
                citation.span,
                **_whose(citation, own),
                title=own.title if own else None,
                pages=citation.pages,
                has_map=mapped is not None,
                last_page=mapped.page_count if mapped else None,
                beyond=_page_set(citation, beyond),
                off_topic=_page_set(citation, off),
                not_in_lines=_page_set(citation, unlisted),
            )
        )
    return records


def _page_set(citation: Citation, found: list[tuple]) -> Record | None:
    """Some pages of a citation as one record, at the first of them; None when there are none."""
    if not found:
        return None
    ref_text = next((r.text for r in citation.page_refs if found[0][0] in r.pages), citation.text)
    titles = [entry[2] for entry in found if len(entry) > 2]
    return spanned(
        ref_text,
        found[0][1],
        value=sorted({entry[0] for entry in found}),
        topics=list(dict.fromkeys(titles)),
    )


def _cited_sections(item: Item, topic_id: str | None, known: Guidelines) -> list[Record]:
    records = []
    for citation in item.citations:
        guideline = _mapped(citation, known)
        for name in citation.sections:
            named = guideline.topic_named(name) if guideline is not None else None
            covers = None
            if guideline is not None and topic_id and guideline.topic(topic_id) and named is not None:
                covers = guideline.covers(topic_id, named.id) or guideline.covers(named.id, topic_id) or bool(
                    named.pages & guideline.allowed_pages(topic_id)
                )
            records.append(
                spanned(
                    name,
                    citation.span,
                    name=name,
                    kind=citation.kind,
                    topic=named.id if named else None,
                    topic_title=named.title if named else None,
                    covers_item=covers,
                )
            )
    return records
