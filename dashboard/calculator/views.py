"""The calculator's French text and views: field help, result panel, comparison table and chart.

Pure functions of the calculator state and the reference figures (no callbacks, no store access).
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
from dash import html

from dashboard.calculator import model as calc
from dashboard.content import references
from dashboard.core.formatting import NNBSP, typo

BLUE = "#000091"
BLUE_MEDIUM = "#6a6af4"
BLUE_LIGHT = "#b1b1f9"
GREY = "#666666"
RESIDENCE_LABEL = "Résidence sociale (estimation)"
PARTS = (
    ("investment_part", "Subvention d'investissement amortie", BLUE),
    ("forfait_part", "Forfait journalier", BLUE_MEDIUM),
    ("agls_part", "AGLS", BLUE_LIGHT),
)
ALTERNATIVE_SHORT = {
    calc.COST_CHRS: "Place en CHRS",
    calc.COST_HOTEL: "Hôtel toute l'année",
    calc.COST_IML: "Intermédiation locative (au plus)",
}
#: Category labels of the chart, broken on two lines to fit narrow screens.
RESIDENCE_CHART = "Résidence sociale<br>(estimation)"
ALTERNATIVE_CHART = {
    calc.COST_CHRS: "Place en CHRS",
    calc.COST_HOTEL: "Hôtel<br>toute l'année",
    calc.COST_IML: "Intermédiation<br>locative (au plus)",
}
ALTERNATIVE_SENTENCE = {
    calc.COST_CHRS: "Une place en CHRS",
    calc.COST_HOTEL: "Une place à l'hôtel toute l'année",
    calc.COST_IML: "Une place en intermédiation locative",
}

LEAD = (
    "Estimer le coût public annuel d'une place en résidence sociale et le comparer à celui des solutions "
    "qu'elle peut éviter."
)
WHY = (
    "Les partenaires régionaux veulent décortiquer le modèle économique des résidences sociales, en "
    "investissement comme en fonctionnement, et montrer les économies qu'elles permettent par rapport à une "
    "gestion curative des situations."
)
WHY_SOURCE = "Feuille de route des partenaires régionaux, mars 2024"
NOT_THE_SAME_SERVICE = (
    "Ces solutions ne rendent pas le même service : la comparaison donne un ordre de grandeur, pas une économie "
    "garantie."
)
FORMULA_SUMMARY = (
    "Coût public annuel d'une place = subventions d'investissement ÷ durée d'amortissement ÷ nombre de places "
    f"+ forfait journalier × {calc.DAYS_PER_YEAR} × taux d'occupation (pensions de famille) "
    "+ AGLS ÷ nombre de places"
)
FORMULA = (
    (
        "Part investissement",
        "subventions publiques d'investissement ÷ durée d'amortissement ÷ nombre de places. Les subventions "
        "valent soit le montant saisi, soit la part subventionnée × investissement par place × nombre de places. "
        "Amortissement linéaire, sans intérêts ni actualisation.",
    ),
    (
        "Part forfait journalier (pensions de famille et résidences accueil)",
        f"forfait journalier × {calc.DAYS_PER_YEAR} jours × taux d'occupation : le forfait est compté pour les "
        "journées occupées ; s'il est versé pour toutes les places, saisissez 100 %.",
    ),
    ("Part AGLS", "aide à la gestion locative sociale de la résidence ÷ nombre de places."),
    (
        "Coût public annuel d'une place",
        "part investissement + part forfait journalier + part AGLS, en euros par place et par an.",
    ),
    (
        "Coût complet annuel d'une place",
        "investissement par place ÷ durée d'amortissement + coût de fonctionnement par place (tous financeurs).",
    ),
    (
        "Reste à couvrir en fonctionnement",
        "coût de fonctionnement par place − part forfait journalier − part AGLS : ce que doivent couvrir les "
        "redevances des habitants et les autres recettes.",
    ),
    (
        "Comparaison",
        "coût annuel d'une place dans la solution évitée ÷ coût public annuel estimé d'une place de la résidence.",
    ),
)
RESULT_ROUNDING = "Montants arrondis à la dizaine d'euros."
CHART_TITLE = "Coût public annuel d'une place, comparé aux solutions évitées"


# --- Field help ------------------------------------------------------------------------------


def field_help(field: calc.Field, figures: Mapping[str, Mapping]) -> str:
    """Where the default of a field comes from, or why it has none."""
    record = figures.get(field.reference) if field.reference else None
    if record is None:
        hint = f"Saisissez celle de votre projet ({field.hint})." if field.hint else "Saisissez la valeur à retenir."
        return typo(f"Pas de valeur par défaut : aucun chiffre publié ne permet de la pré-remplir. {hint}")
    text = f"Par défaut : {references.value_fr(record)} — {record['label_fr']}"
    if field.key == calc.AGLS:
        low, high = (figures.get(key) for key in calc.REFERENCE_AGLS_RANGE)
        if low is not None and high is not None:
            text = (
                f"Par défaut : {references.value_fr(high)}, haut de la fourchette publiée "
                f"({calc.format_number(float(low['value']))} à {references.value_fr(high)}), pour ne pas "
                "sous-estimer le coût public"
            )
    return typo(f"{text}. {references.source_line(record)}.")


def fields_without_default(figures: Mapping[str, Mapping]) -> list[str]:
    return [
        field.label[0].lower() + field.label[1:]
        for field in calc.FIELDS
        if not (field.reference and field.reference in figures)
    ]


def defaults_to_confirm(figures: Mapping[str, Mapping]) -> list[str]:
    labels = []
    for field in calc.FIELDS:
        record = figures.get(field.reference) if field.reference else None
        if record is not None and record.get("to_be_confirmed"):
            labels.append(field.label[0].lower() + field.label[1:])
    return labels


# --- Result ----------------------------------------------------------------------------------


def _part_rows(estimate: calc.Estimate, pension: bool) -> list[html.Li]:
    rows = []
    for attribute, label, _color in PARTS:
        if attribute == "forfait_part" and not pension:
            continue
        value = getattr(estimate, attribute)
        shown = calc.format_euros(value) if value is not None else "à compléter"
        rows.append(html.Li([html.Span(label, className="count-label"), html.Span(shown, className="count")]))
    return rows


def _missing(prefix: str, labels: tuple[str, ...] | list[str]) -> str:
    return typo(f"{prefix} : {calc.french_list(f'« {label} »' for label in labels)}.")


def _headline(estimate: calc.Estimate) -> list:
    """The public cost, or what to correct and fill in to get it."""
    if estimate.public_cost is not None:
        return [
            html.P("Coût public annuel estimé d'une place", className="key-figure-label"),
            html.P(f"≈{NNBSP}{calc.format_euros(estimate.public_cost)}", className="key-figure-value"),
            html.P("par place et par an — ordre de grandeur", className="calc-unit-line"),
        ]
    messages = []
    if estimate.invalid:
        messages.append(html.P(_missing("Corrigez", estimate.invalid)))
    if estimate.missing:
        messages.append(html.P(_missing("Pour estimer le coût public d'une place, renseignez", estimate.missing)))
    return [html.Div(messages, className="calc-missing")]


def _full_cost(estimate: calc.Estimate) -> list[html.P]:
    """The full cost of a place, then what is left to cover in operation."""
    if estimate.full_cost is not None:
        lines = [
            html.P(
                typo(
                    f"Coût complet annuel d'une place (investissement amorti et fonctionnement, tous financeurs) : "
                    f"≈ {calc.format_euros(estimate.full_cost)}."
                )
            )
        ]
    else:
        lines = [
            html.P(
                _missing("Pour le coût complet d'une place, renseignez ou corrigez", estimate.missing_full),
                className="calc-hint",
            )
        ]
    remainder = estimate.operating_remainder
    if remainder is not None and remainder >= 0:
        lines.append(
            html.P(
                typo(
                    f"Reste à couvrir en fonctionnement par les redevances des habitants et d'autres recettes : "
                    f"≈ {calc.format_euros(remainder)} par place et par an."
                )
            )
        )
    elif remainder is not None:
        lines.append(
            html.P(
                typo(
                    f"Les financements publics de fonctionnement saisis dépassent le coût de fonctionnement de "
                    f"≈ {calc.format_euros(-remainder)} par place et par an : vérifiez les saisies."
                )
            )
        )
    return lines


def _comparison(alternative: calc.Alternative) -> html.Li:
    subject = ALTERNATIVE_SENTENCE[alternative.key]
    cost = calc.format_euros(alternative.cost)
    if alternative.ratio is None:
        return html.Li(typo(f"{subject} : ≈ {cost} par an."))
    if alternative.ratio >= 1:
        return html.Li(
            typo(
                f"{subject} : ≈ {cost} par an, soit {calc.format_ratio(alternative.ratio)} fois le coût "
                "public estimé d'une place de la résidence."
            )
        )
    return html.Li(typo(f"{subject} : ≈ {cost} par an, soit moins que le coût public estimé de la résidence."))


def result_view(estimate: calc.Estimate, state: Mapping[str, str]) -> list:
    """The headline estimate, its parts, the full cost and the comparison sentences."""
    pension = state.get(calc.KIND) == calc.KIND_PENSION
    children: list = [
        html.H2(typo("Résultat : une estimation"), className="calc-result-title"),
        *_headline(estimate),
        html.Ul(_part_rows(estimate, pension), className="count-list calc-parts"),
        *_full_cost(estimate),
    ]
    if estimate.alternatives:
        children += [
            html.H3("Par rapport aux solutions évitées"),
            html.Ul([_comparison(alternative) for alternative in estimate.alternatives]),
            html.P(typo(NOT_THE_SAME_SERVICE), className="calc-hint"),
        ]
    children.append(html.P(RESULT_ROUNDING, className="calc-hint"))
    return children


def comparison_table(
    estimate: calc.Estimate, state: Mapping[str, str], initial: Mapping[str, str], figures: Mapping[str, Mapping]
) -> html.Div:
    """The chart as a table: each solution and its annual cost per place, then where the defaults come from."""
    rows = [
        html.Tr(
            [
                html.Th(RESIDENCE_LABEL, scope="row"),
                html.Td(calc.format_euros(estimate.public_cost) if estimate.public_cost is not None else "à compléter"),
                html.Td("—"),
            ]
        )
    ]
    citations: list[str] = []
    for alternative in estimate.alternatives:
        field = calc.FIELDS_BY_KEY[alternative.key]
        record = figures.get(field.reference) if field.reference else None
        typed = state.get(alternative.key) != initial.get(alternative.key) or record is None
        if not typed:
            citations.append(references.source_line(record))
        ratio = f"×{NNBSP}{calc.format_ratio(alternative.ratio)}" if alternative.ratio is not None else "—"
        rows.append(
            html.Tr(
                [
                    html.Th(ALTERNATIVE_SHORT[alternative.key], scope="row"),
                    html.Td(
                        [
                            calc.format_euros(alternative.cost),
                            html.Span(" (valeur saisie)", className="calc-hint") if typed else None,
                        ]
                    ),
                    html.Td(ratio),
                ]
            )
        )
    table = html.Table(
        [
            html.Caption("Coût public annuel d'une place, en euros (ordres de grandeur)"),
            html.Thead(
                html.Tr(
                    [
                        html.Th("Solution", scope="col"),
                        html.Th("Par place et par an", scope="col"),
                        html.Th("Rapport au coût de la résidence", scope="col"),
                    ]
                )
            ),
            html.Tbody(rows),
        ],
        className="data-table calc-table",
    )
    sources = [html.P(typo(line), className="figure-source") for line in dict.fromkeys(citations)]
    return html.Div(
        [table, html.P("Résidence : estimation à partir des valeurs saisies.", className="figure-source"), *sources]
    )


def _chart_layout(labels: list[str]) -> dict:
    """The chart's layout: stacked horizontal bars, French separators, one row per label."""
    return dict(
        barmode="stack",
        separators=f",{NNBSP}",
        height=170 + 60 * len(labels),
        margin={"l": 10, "r": 80, "t": 70, "b": 50},
        font={
            "family": "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif",
            "size": 13,
            "color": "#161616",
        },
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"},
        xaxis={
            "title": {"text": "€ par place et par an"},
            "gridcolor": "#e5e5e5",
            "rangemode": "tozero",
            "tickformat": ",.0f",
            "nticks": 5,
        },
        yaxis={"categoryorder": "array", "categoryarray": labels[::-1], "automargin": True},
    )


def cost_figure(estimate: calc.Estimate, pension: bool) -> go.Figure:
    """Horizontal bars: the residence's public cost by part, then each avoided solution."""
    labels = [RESIDENCE_CHART] + [ALTERNATIVE_CHART[alternative.key] for alternative in estimate.alternatives]
    figure = go.Figure()
    if estimate.public_cost is not None:
        for attribute, name, color in PARTS:
            if attribute == "forfait_part" and not pension:
                continue
            value = getattr(estimate, attribute)
            figure.add_bar(
                x=[value],
                y=[RESIDENCE_CHART],
                orientation="h",
                name=name,
                marker_color=color,
                hovertemplate=f"{name} : %{{x:,.0f}}{NNBSP}€<extra></extra>",
            )
        figure.add_annotation(
            x=estimate.public_cost,
            y=RESIDENCE_CHART,
            text=f"≈{NNBSP}{calc.format_euros(estimate.public_cost)}",
            showarrow=False,
            xanchor="left",
            xshift=6,
        )
    else:
        figure.add_annotation(
            x=0,
            y=RESIDENCE_CHART,
            text="Estimation impossible : champs à compléter",
            showarrow=False,
            xanchor="left",
            font={"color": GREY},
        )
    if estimate.alternatives:
        figure.add_bar(
            x=[alternative.cost for alternative in estimate.alternatives],
            y=labels[1:],
            orientation="h",
            name="Solutions évitées",
            marker_color=GREY,
            text=[f"≈{NNBSP}{calc.format_euros(alternative.cost)}" for alternative in estimate.alternatives],
            textposition="outside",
            cliponaxis=False,
            customdata=[ALTERNATIVE_SHORT[alternative.key] for alternative in estimate.alternatives],
            hovertemplate=f"%{{customdata}} : %{{x:,.0f}}{NNBSP}€<extra></extra>",
        )
    if not figure.data:
        figure.update_xaxes(visible=False)
        figure.update_yaxes(visible=False)
    figure.update_layout(**_chart_layout(labels))
    return figure
