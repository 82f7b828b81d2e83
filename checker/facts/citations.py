"""Facts: the pages and sections an item cites, and what the page map says of them.

A page number means nothing until the guideline and edition are known
(DOMAIN.md section 3), so every cited page carries its source and edition
and whether the 2009 CPMTG map applies, beside what the map says of it.
"""

from __future__ import annotations

from checker.facts.records import Record, spanned
from checker.facts.registry import fact, record
from checker.facts.scope import ItemFacts
from checker.knowledge.guideline import Guideline
from checker.model import Item

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
    "a page an item's citations name, with the page map's view of it; points at the page number",
    spanned=True,
    number=(int, "the page number"),
    kind=(str, "whose citation names it: `admin` / `reviewer` / `rationale`"),
    source=(str, "the guideline the citation names (`MTUS`, `ODG` ...)"),
    edition=(str | None, "the edition the citation names (`2009`), null when it names none"),
    mtus_2009=(bool, "the 2009 CPMTG page map applies (MTUS, 2009 or no edition)"),
    in_guideline=(bool, "1 <= the page <= the guideline's last page"),
    last_page=(int, "the guideline's last page (127)"),
    topics=(list[str], "page-map topics containing the page"),
    topic=(str | None, "the topic the page is about, when it does not cover the item"),
    topic_title=(str | None, "that topic's title"),
    covers_item=(bool | None, "the page covers the item's topic (its own, parent, related or general pages); null when the item's topic is unknown"),
    in_guideline_lines=(bool, "the admin or reviewer lines list the page, or a section they list covers it"),
)
SECTION = record(
    "section",
    "a `Section(s):` citation, with the page map's view of it",
    spanned=True,
    name=(str, "the section as written (`Muscle relaxants (for pain)`)"),
    kind=(str, "`admin` / `reviewer` / `rationale`"),
    topic=(str | None, "the page-map topic the section names"),
    topic_title=(str | None, "that topic's title"),
    covers_item=(bool | None, "the section covers the item's topic; null when either topic is unknown"),
)


@fact("item.pages", PAGES, "cited pages by citation: `item.pages.admin`, `item.pages.reviewer`, `item.pages.rationale`")
def pages(scope: ItemFacts) -> Record:
    return {kind: scope.item.pages(kind) for kind in ("admin", "reviewer", "rationale")}


@fact("item.guideline_pages", list[int], "pages of the admin and reviewer guideline lines (`[24, 29, 65]`)")
def guideline_pages(scope: ItemFacts) -> list[int]:
    return sorted(set(scope.item.pages("admin")) | set(scope.item.pages("reviewer")))


@fact("item.sections", list[str], "sections the admin and reviewer guideline lines cite")
def sections(scope: ItemFacts) -> list[str]:
    return scope.item.sections("admin") + scope.item.sections("reviewer")


@fact("item.cited_pages", list[PAGE], "every cited page, with the page map's view of it")
def cited_pages(scope: ItemFacts) -> list[Record]:
    return _cited_pages(scope.item, scope["topic"], scope.knowledge.guideline)


@fact("item.cited_sections", list[SECTION], "every `Section(s):` citation")
def cited_sections(scope: ItemFacts) -> list[Record]:
    return _cited_sections(scope.item, scope["topic"], scope.knowledge.guideline)


def _cited_pages(item: Item, topic_id: str | None, guideline: Guideline) -> list[Record]:
    """Every page an item's citations name, with what the page map says of it."""
    allowed = guideline.allowed_pages(topic_id) if topic_id else frozenset()
    guideline_lines = set(item.pages("admin")) | set(item.pages("reviewer"))
    section_pages: set[int] = set()
    for name in item.sections("admin") + item.sections("reviewer"):
        named = guideline.topic_named(name)
        if named is not None:
            section_pages |= guideline.allowed_pages(named.id)
    records = []
    for citation in item.citations:
        for ref in citation.page_refs:
            source = ref.source or citation.source or "MTUS"
            edition = citation.edition
            for page in ref.pages:
                topics = guideline.topics_of_page(page)
                covers = page in allowed if topic_id else None
                # The topic the page is about, when it is not the item's own.
                other = topics[0] if topics and covers is False else None
                records.append(
                    spanned(
                        ref.text,
                        ref.span_of_page(page),
                        number=page,
                        kind=citation.kind,
                        source=source,
                        edition=edition,
                        mtus_2009=source == "MTUS" and edition in (None, "", guideline.edition),
                        in_guideline=1 <= page <= guideline.page_count,
                        last_page=guideline.page_count,
                        topics=[t.id for t in topics],
                        topic=other.id if other else None,
                        topic_title=other.title if other else None,
                        covers_item=covers,
                        in_guideline_lines=page in guideline_lines or page in section_pages,
                    )
                )
    return records


def _cited_sections(item: Item, topic_id: str | None, guideline: Guideline) -> list[Record]:
    records = []
    for citation in item.citations:
        for name in citation.sections:
            named = guideline.topic_named(name)
            covers = None
            if topic_id and named is not None:
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
