"""« Comprendre les résidences sociales »: what they are, the five kinds, Logement d'abord, answers to reservations.

The text is in `content.comprendre`; the figures come from the store.
"""

from __future__ import annotations

from collections.abc import Mapping

from dash import dcc, html

from dashboard.content import comprendre as text
from dashboard.content import fact_children, fact_items, fact_paragraphs, references
from dashboard.content import ids as content_ids
from dashboard.core import catalogue as roles
from dashboard.core import routes
from dashboard.core.formatting import format_count, typo
from dashboard.core.levels import FAMILY_RESIDENCE
from dashboard.core.perimeter import in_perimeter, perimeter
from dashboard.core.store import Store, StoreError, current_store
from dashboard.ui.components import data_missing, sources_line

TYPOLOGY_ANCHOR = f"{routes.SOURCES}#{content_ids.SOURCES_TYPOLOGY}"

#: Regional capacities (DREES) shown beside the FINESS counts, by reference figure id.
DREES_PLACES = (
    "drees_places_pensions_famille_hdf_2021",
    "drees_places_autres_rs_hdf_2021",
    "drees_places_fjt_hdf_2021",
)
ATTRIBUTIONS = "attributions_sortants_hebergement_hdf_1an"
ACCELERATED_FRANCE = "territoires_acceleres_france"
TOC = (
    (f"#{content_ids.COMPRENDRE_DEFINITION}", "Qu'est-ce qu'une résidence sociale ?"),
    (f"#{content_ids.COMPRENDRE_TYPES}", "Les cinq catégories"),
    (f"#{content_ids.COMPRENDRE_LOGEMENT_DABORD}", "Dans le Logement d'abord"),
    (f"#{content_ids.COMPRENDRE_RESERVES}", "Les réserves des élus"),
    (f"#{content_ids.COMPRENDRE_BENEFITS}", "Ce qu'elle apporte au territoire"),
)


def _type_rows(store: Store) -> list[html.Tr]:
    labels = store.catalogue["residence_types"]["labels"]
    counts = store.residence_counts(FAMILY_RESIDENCE).to_dict()
    rows = []
    for kind, count in counts.items():
        public, specific = text.TYPE_DESCRIPTIONS.get(kind, ("", ""))
        rows.append(
            html.Tr(
                [
                    html.Th(labels.get(kind, kind), scope="row"),
                    html.Td(typo(public)),
                    html.Td(typo(specific)),
                    html.Td(format_count(count), className="number"),
                ]
            )
        )
    rows.append(
        html.Tr(
            [
                html.Th("Ensemble", scope="row"),
                html.Td(),
                html.Td(),
                html.Td(format_count(sum(counts.values())), className="number"),
            ],
            className="total",
        )
    )
    return rows


def types_table(store: Store) -> html.Div:
    """The five kinds: who they are for, what differs, how many establishments the register lists."""
    headers = [
        html.Th("Catégorie", scope="col"),
        html.Th("Pour qui", scope="col"),
        html.Th("Ce qui la distingue", scope="col"),
        html.Th(f"Établissements {in_perimeter()}", scope="col", className="number"),
    ]
    caption = typo(
        "Les catégories de résidences sociales. Publics et spécificités : repères généraux, hors "
        "des documents sources, à vérifier auprès des services de l'État."
    )
    return html.Div(
        [
            html.Table(
                [html.Caption(caption), html.Thead(html.Tr(headers)), html.Tbody(_type_rows(store))],
                className="data-table types-table",
            ),
            html.P(
                [
                    sources_line(store.residence_citations(FAMILY_RESIDENCE)),
                    ". Catégorie déduite du code FINESS de chaque établissement : ",
                    dcc.Link("voir la règle", href=TYPOLOGY_ANCHOR),
                    ".",
                ],
                className="figure-source",
            ),
        ],
        className="table-scroll",
    )


def drees_places(store: Store) -> html.Div | None:
    """Places by kind in the région (DREES): FINESS gives no capacities."""
    figures = references.index(store.catalogue.get("reference_figures", []))
    records = [figures[key] for key in DREES_PLACES if key in figures]
    if not records:
        return None
    return html.Div(
        [
            html.H3(typo("Combien de places ?")),
            html.P(
                typo(
                    "Le répertoire FINESS ne donne pas le nombre de places de chaque établissement. La DREES publie "
                    "les capacités par région :"
                )
            ),
            html.Ul(
                [
                    html.Li(
                        [
                            html.Span(record["label_fr"], className="count-label"),
                            html.Span(format_count(int(record["value"])), className="count"),
                        ]
                    )
                    for record in records
                ],
                className="count-list",
            ),
            html.P(
                typo(f"Places au {references.date_fr(records[0]['reference_date'])}, {records[0]['geography']}. ")
                + references.source_line(records[0]),
                className="figure-source",
            ),
        ],
        className="panel",
    )


def kinds_section(store: Store | StoreError) -> html.Div | html.Section:
    """The five kinds with their counts, or (once on the page) how to build the data."""
    if isinstance(store, StoreError):
        return data_missing(store)
    return html.Div([types_table(store), drees_places(store)])


def _reference_figure(figures: Mapping[str, Mapping], key: str, label: str) -> html.Div | None:
    record = figures.get(key)
    if record is None:
        return None
    return html.Div(
        [
            html.P(format_count(int(record["value"])), className="key-figure-value"),
            html.P(typo(label), className="key-figure-label"),
            html.P(typo(references.source_line(record)), className="key-figure-source"),
        ],
        className="key-figure",
    )


def logement_dabord_figures(store: Store | StoreError) -> html.Div | None:
    """Figures of the plan from the store: attributions in the région, accelerated territories."""
    if isinstance(store, StoreError):
        return None
    figures = references.index(store.catalogue.get("reference_figures", []))
    accelerated = store.catalogue.get("accelerated_territories", [])
    citation = roles.citation_for(store, roles.ROLE_REFERENCE_FIGURES)
    accelerated_source = sources_line([citation]) if citation else ""
    blocks = [
        _reference_figure(
            figures, ATTRIBUTIONS, "logements sociaux attribués en un an à des sortants d'hébergement dans la région"
        ),
        _reference_figure(figures, ACCELERATED_FRANCE, "territoires de mise en œuvre accélérée du plan (1re vague)"),
    ]
    content = [html.Div([block for block in blocks if block is not None], className="key-figures")]
    if accelerated:
        content.append(
            html.Div(
                [
                    html.H3(f"Territoires de mise en œuvre accélérée {perimeter(store).in_name}"),
                    html.Ul(
                        [
                            html.Li(
                                f"{territory['territory_name']} ({territory['wave']}{'re' if territory['wave'] == 1 else 'e'} vague)"
                            )
                            for territory in accelerated
                        ]
                    ),
                    html.P(accelerated_source, className="figure-source"),
                ],
                className="panel",
            )
        )
    return html.Div(content)


def pathway() -> html.Div:
    return html.Div(
        [
            html.Ol(
                [html.Li(typo(step)) for step in text.PATHWAY],
                className="pathway",
                **{"aria-label": "Parcours résidentiel"},
            ),
            *fact_paragraphs(text.PATHWAY_FACTS),
        ]
    )


def pillars() -> html.Div:
    return html.Div(
        [
            html.Ul(
                [html.Li([html.H3(title), html.P(typo(body))], className="pillar") for title, body in text.PILLARS],
                className="pillars",
            ),
            html.P(typo(f"Source : {text.PILLARS_SOURCE}"), className="figure-source"),
        ]
    )


def reservations() -> html.Section:
    blocks = [
        html.Div(
            [html.H3(typo(question), className="reservation-question"), fact_items(answers)],
            className="reservation panel",
        )
        for question, answers in text.RESERVATIONS
    ]
    return html.Section(
        [
            html.H2("Les réserves des élus, et ce qu'on peut y répondre"),
            html.P(fact_children(text.RESERVATIONS_INTRO), className="fact intro"),
            *blocks,
        ],
        id=content_ids.COMPRENDRE_RESERVES,
    )


def next_steps() -> html.Nav:
    return html.Nav(
        [
            dcc.Link("Monter un projet de résidence sociale", href=routes.PROJECT, className="button"),
            dcc.Link("Estimer le coût public d'une place", href=routes.CALCULATOR, className="button button-secondary"),
        ],
        className="next-steps",
        **{"aria-label": "Pour aller plus loin"},
    )


def table_of_contents() -> html.Nav:
    return html.Nav(
        html.Ul(
            [html.Li(html.A(label, href=anchor)) for anchor, label in TOC]
            + [html.Li(dcc.Link("Monter un projet", href=routes.PROJECT))],
            className="toc",
        ),
        **{"aria-label": "Sommaire de la page"},
    )


def layout() -> html.Div:
    """The whole page; without built data the kinds section says how to build it."""
    store = current_store()
    return html.Div(
        [
            html.H1("Comprendre les résidences sociales", id=content_ids.COMPRENDRE_TITLE),
            html.P(typo(text.LEAD), className="lead"),
            table_of_contents(),
            html.Section(
                [
                    html.H2(typo("Une résidence sociale, qu'est-ce que c'est ?")),
                    pillars(),
                    *fact_paragraphs(text.DEFINITION),
                ],
                id=content_ids.COMPRENDRE_DEFINITION,
            ),
            html.Section(
                [
                    html.H2("Cinq catégories de résidences sociales"),
                    html.P(fact_children(text.TYPES_INTRO), className="fact"),
                    kinds_section(store),
                ],
                id=content_ids.COMPRENDRE_TYPES,
            ),
            html.Section(
                [
                    html.H2("Dans la politique du Logement d'abord"),
                    *fact_paragraphs(text.LOGEMENT_DABORD),
                    logement_dabord_figures(store),
                    html.H3("Une étape du parcours résidentiel", className="subsection"),
                    pathway(),
                ],
                id=content_ids.COMPRENDRE_LOGEMENT_DABORD,
            ),
            reservations(),
            html.Section(
                [html.H2("Ce qu'une résidence sociale apporte au territoire"), fact_items(text.BENEFITS), next_steps()],
                id=content_ids.COMPRENDRE_BENEFITS,
            ),
        ],
        className="prose-page",
    )
