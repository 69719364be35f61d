"""The calculator's callback: validate the inputs, estimate, redraw and write the state to the address.

Without built data the calculator still works, with no default value: it reads the store, when there is
one, only for the reference figures (so it does not use `store_for_callback`, which would stop it).
"""

from __future__ import annotations

import dash
from dash import Input, Output

from dashboard.calculator import ids as calculator_ids
from dashboard.calculator import model as calc
from dashboard.calculator import views as view
from dashboard.calculator.layout import HIDDEN, SHOWN, block_id, error_id, input_id, reference_figures
from dashboard.core.store import current_store

FIELD_KEYS = tuple(calc.FIELDS_BY_KEY)


@dash.callback(
    output=dict(
        result=Output(calculator_ids.CALC_RESULT, "children"),
        chart=Output(calculator_ids.CALC_CHART, "figure"),
        table=Output(calculator_ids.CALC_TABLE, "children"),
        search=Output(calculator_ids.CALC_URL, "search"),
        errors={key: Output(error_id(key), "children") for key in FIELD_KEYS},
        classes={key: Output(block_id(key), "className") for key in FIELD_KEYS},
        styles={key: Output(block_id(key), "style") for key in FIELD_KEYS},
    ),
    inputs=dict(
        kind=Input(calculator_ids.CALC_KIND, "value"),
        mode=Input(calculator_ids.CALC_SUBSIDY_MODE, "value"),
        values={key: Input(input_id(key), "value") for key in FIELD_KEYS},
    ),
)
def update(kind: str, mode: str, values: dict[str, str | None]) -> dict:
    """Validate, estimate, redraw, and write the state to the address bar."""
    figures = reference_figures(current_store())
    initial = calc.defaults(figures.values())
    state = {calc.KIND: kind, calc.SUBSIDY_MODE: mode}
    state.update({key: "" if values[key] is None else str(values[key]) for key in FIELD_KEYS})
    checked = calc.validate(state)
    estimate = calc.estimate(state, checked)
    used = set(calc.used_fields(state))
    return dict(
        result=view.result_view(estimate, state),
        chart=view.cost_figure(estimate, kind == calc.KIND_PENSION),
        table=view.comparison_table(estimate, state, initial, figures),
        search=calc.query_string(state, initial),
        errors={key: checked.errors.get(key, "") for key in FIELD_KEYS},
        classes={key: "calc-field calc-field-invalid" if key in checked.errors else "calc-field" for key in FIELD_KEYS},
        styles={key: SHOWN if key in used else HIDDEN for key in FIELD_KEYS},
    )
