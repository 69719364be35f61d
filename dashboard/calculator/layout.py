"""Economic-model calculator page: the form, its result area and the formula.

The arithmetic is in `calculator.model`, the views in `calculator.views`, the wiring in
`calculator.callbacks`. The state lives in the query string (restored on load).
"""

from __future__ import annotations

from collections.abc import Mapping

from dash import dcc, html

from dashboard.calculator import ids as calculator_ids
from dashboard.calculator import model as calc
from dashboard.calculator import views as view
from dashboard.content import Fact, fact_children, references
from dashboard.content import ids as content_ids
from dashboard.core import routes
from dashboard.core.formatting import format_count, typo
from dashboard.core.store import Store, StoreError, current_store
from dashboard.needs.analysis import supply_of
from dashboard.ui.components import data_missing, ignored_parameters
from dashboard.ui.graph_frame import graph_frame

HIDDEN = {"display": "none"}
SHOWN: dict = {}
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "locale": "fr",
    "toImageButtonOptions": {"filename": "cout-public-residence-sociale"},
}
FIELDSETS = (
    ("Le projet", (calc.PLACES,)),
    ("L'investissement", (calc.INVESTMENT, calc.SUBSIDY_SHARE_FIELD, calc.SUBSIDY_AMOUNT_FIELD, calc.DURATION)),
    ("Le fonctionnement", (calc.OPERATING, calc.FORFAIT, calc.OCCUPANCY, calc.AGLS)),
    ("Les solutions comparées", calc.ALTERNATIVES),
)


#: The supply family whose average size prefills the places of the default project (a pension de famille).
TYPICAL_FAMILY = "pension_famille"


def typical_size(store: Store) -> dict | None:
    """The average size of the région's pensions de famille and résidences accueil, as a reference figure:
    places published by the DREES ÷ establishments listed in FINESS (the needs analysis' computation), rounded
    to a whole place; None when the build has no such computation."""
    family = next((item for item in supply_of(store).families if item.key == TYPICAL_FAMILY), None)
    if family is None or not family.per_establishment:
        return None
    return {
        "id": calc.REFERENCE_PLACES,
        "label_fr": (
            f"taille moyenne des {family.label.lower()} de la région, {format_count(family.places)} places ÷ "
            f"{format_count(family.establishments)} établissements (estimation)"
        ),
        "value": float(round(family.per_establishment)),
        "unit": "places",
        "publisher": "DREES et FINESS",
        "publication": f"places : {family.publication} ; établissements : FINESS",
        "reference_date": family.reference_date,
    }


def reference_figures(store: Store | StoreError) -> dict[str, Mapping]:
    """The reference figures by id, with the typical size of a project; none without built data (the
    calculator then has no default)."""
    if isinstance(store, StoreError):
        return {}
    figures = references.index(store.catalogue.get("reference_figures", []))
    size = typical_size(store)
    return figures | ({size["id"]: size} if size else {})


def input_id(key: str) -> str:
    return f"{calculator_ids.CALC_FIELD_PREFIX}{key}"


def error_id(key: str) -> str:
    return f"{calculator_ids.CALC_ERROR_PREFIX}{key}"


def block_id(key: str) -> str:
    return f"{calculator_ids.CALC_BLOCK_PREFIX}{key}"


def field_block(field: calc.Field, value: str, figures: Mapping[str, Mapping], visible: bool) -> html.Div:
    help_id = f"{input_id(field.key)}-aide"
    return html.Div(
        [
            html.Label(field.label, htmlFor=input_id(field.key), className="calc-label"),
            html.Div(
                [
                    dcc.Input(
                        id=input_id(field.key),
                        type="text",
                        value=value,
                        placeholder="à saisir",
                        debounce=True,
                        autoComplete="off",
                        className="calc-input",
                    ),
                    html.Span(field.unit, className="calc-unit"),
                ],
                className="calc-input-row",
            ),
            html.P(view.field_help(field, figures), id=help_id, className="calc-help"),
            html.P(id=error_id(field.key), className="calc-error", **{"aria-live": "polite"}),
        ],
        id=block_id(field.key),
        className="calc-field",
        style=SHOWN if visible else HIDDEN,
    )


def choice(component_id: str, key: str, legend: str, state: Mapping[str, str]) -> html.Fieldset:
    return html.Fieldset(
        [
            html.Legend(legend, className="calc-label"),
            dcc.RadioItems(
                id=component_id,
                options=[{"label": label, "value": value} for value, label in calc.CHOICES[key].items()],
                value=state[key],
                className="calc-radios",
                inputClassName="calc-radio-input",
                labelClassName="calc-radio-label",
            ),
        ],
        className="calc-choice",
    )


def form(state: Mapping[str, str], figures: Mapping[str, Mapping]) -> html.Div:
    used = set(calc.used_fields(state))
    fieldsets = []
    for legend, keys in FIELDSETS:
        children: list = [html.Legend(legend)]
        if keys[0] == calc.PLACES:
            children.append(choice(calculator_ids.CALC_KIND, calc.KIND, "Type de résidence", state))
        if keys[0] == calc.INVESTMENT:
            children.append(field_block(calc.FIELDS_BY_KEY[calc.INVESTMENT], state[calc.INVESTMENT], figures, True))
            children.append(
                choice(calculator_ids.CALC_SUBSIDY_MODE, calc.SUBSIDY_MODE, "Subventions d'investissement", state)
            )
            keys = keys[1:]
        children += [field_block(calc.FIELDS_BY_KEY[key], state[key], figures, key in used) for key in keys]
        fieldsets.append(html.Fieldset(children, className="calc-fieldset"))
    fieldsets.append(html.P(dcc.Link("Revenir aux valeurs par défaut", href=routes.CALCULATOR), className="calc-reset"))
    return html.Div(fieldsets, className="calc-form")


def caveat(figures: Mapping[str, Mapping]) -> html.Div:
    to_confirm = view.defaults_to_confirm(figures)
    without_default = view.fields_without_default(figures)
    items = []
    if to_confirm:
        items.append(
            html.Li(
                typo(
                    "Valeurs par défaut issues de chiffres publiés, ordres de grandeur à confirmer auprès de la "
                    f"source primaire : {calc.french_list(to_confirm)}."
                )
            )
        )
    if without_default:
        items.append(
            html.Li(
                typo(
                    f"Sans valeur par défaut, faute de chiffre publié : {calc.french_list(without_default)}. "
                    "Saisissez les chiffres de votre projet."
                )
            )
        )
    items.append(
        html.Li(
            typo(
                "Toutes les valeurs sont modifiables : le résultat se met à jour quand vous quittez un champ ou "
                "appuyez sur Entrée, et l'adresse de la page conserve vos saisies."
            )
        )
    )
    return html.Div(
        [html.H2("Une estimation, pas un budget"), html.Ul(items)],
        className="notice notice-warning calc-caveat",
    )


def formula() -> html.Section:
    return html.Section(
        [
            html.H2("Comment le calcul est fait"),
            html.P(typo(view.FORMULA_SUMMARY), className="formula"),
            html.Dl(
                [item for term, body in view.FORMULA for item in (html.Dt(term), html.Dd(typo(body)))],
                className="facts calc-formula",
            ),
            html.P(
                typo(
                    "C'est une estimation simple : elle ne tient compte ni des intérêts des prêts, ni de l'inflation, "
                    "ni des aides au logement versées aux habitants, ni des dépenses évitées ailleurs (santé, urgence "
                    "sociale)."
                )
            ),
            html.P(
                [
                    "Origine des valeurs par défaut : ",
                    dcc.Link("chiffres de référence", href=f"{routes.SOURCES}#{content_ids.SOURCES_REFERENCE_FIGURES}"),
                    ".",
                ]
            ),
        ],
        id=calculator_ids.CALC_FORMULA,
    )


def calculator(query: Mapping[str, str | list[str]]) -> html.Div:
    """The form and its result. Without built data it still works, with no default value at all."""
    store = current_store()
    missing = data_missing(store) if isinstance(store, StoreError) else None
    figures = reference_figures(store)
    initial = calc.defaults(figures.values())
    state, notices = calc.state_from_query(query, initial)
    return html.Div(
        [
            dcc.Location(id=calculator_ids.CALC_URL, refresh=False),
            missing,
            caveat(figures),
            ignored_parameters([typo(notice) for notice in notices], calculator_ids.CALC_NOTICES),
            html.P(html.A("Aller au résultat", href=f"#{calculator_ids.CALC_RESULT}"), className="calc-skip"),
            html.Div(
                [
                    form(state, figures),
                    html.Div(
                        [
                            html.Div(id=calculator_ids.CALC_RESULT, className="calc-result", **{"aria-live": "polite"}),
                            html.H3(view.CHART_TITLE, className="calc-chart-title"),
                            graph_frame(
                                dcc.Graph(
                                    id=calculator_ids.CALC_CHART,
                                    config=GRAPH_CONFIG,
                                    className="calc-chart",
                                    figure=view.cost_figure(
                                        calc.estimate(state), state[calc.KIND] == calc.KIND_PENSION
                                    ),
                                )
                            ),
                            html.Div(id=calculator_ids.CALC_TABLE, className="table-scroll"),
                        ],
                        className="calc-output",
                    ),
                ],
                className="calc-grid",
            ),
            formula(),
        ]
    )


def layout(query: Mapping[str, str | list[str]]) -> html.Div:
    """The whole page: title, why, then the calculator in the state of the query string."""
    return html.Div(
        [
            html.H1("Calculateur du modèle économique", id=calculator_ids.CALC_TITLE),
            html.P(typo(view.LEAD), className="lead"),
            html.P(fact_children(Fact(view.WHY, view.WHY_SOURCE)), className="fact intro"),
            calculator(query=query),
        ]
    )
