"""French text of the information pages, written from the source texts (shared seeds), as data.

Each statement is a `Fact` carrying the document it comes from; statements the source texts do not
support are marked GENERAL and shown with a caveat.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dash import html

from dashboard.core.formatting import typo

GENERAL = "GENERAL"
GENERAL_NOTE = "information générale, qui ne vient pas des documents sources ; à vérifier auprès des services de l'État"


@dataclass(frozen=True)
class Fact:
    """A statement and the document it comes from (or GENERAL when it is general knowledge)."""

    text: str
    source: str


GENERAL_MARK = "repère général"


def source_note(source: str) -> str:
    """What follows a statement: its source document, or the general-knowledge mark."""
    return GENERAL_MARK if source == GENERAL else typo(f"Source : {source}")


def source_span(source: str) -> html.Span:
    """'(Source : …)', or '(repère général)' explained by `general_legend()`."""
    if source == GENERAL:
        return html.Span(f"({GENERAL_MARK})", className="fact-source fact-general", title=typo(GENERAL_NOTE))
    return html.Span(f"({source_note(source)})", className="fact-source")


def general_legend() -> html.P:
    """The explanation of the « repère général » mark, once per page."""
    return html.P(
        [html.Span(f"({GENERAL_MARK})", className="fact-general"), typo(f" : {GENERAL_NOTE}.")],
        className="fact-legend",
    )


def fact_children(fact: Fact) -> list:
    """A statement followed by its source, as children of a paragraph or list item."""
    return [typo(fact.text), " ", source_span(fact.source)]


def fact_paragraphs(facts: Iterable[Fact]) -> list[html.P]:
    return [html.P(fact_children(fact), className="fact") for fact in facts]


def fact_items(facts: Iterable[Fact], class_name: str = "fact-list") -> html.Ul:
    return html.Ul([html.Li(fact_children(fact)) for fact in facts], className=class_name)
