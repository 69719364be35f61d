"""What a view says about itself: the « Sources » rows (datasets, producer, vintage, coverage) and the
« Filtres » rows (perimeter, thresholds, sort, row count) written into the files and shown on the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from dashboard.core.catalogue import ROLE_TERRITORIES, dataset_id_for, geometry_role
from dashboard.core.formatting import format_count, format_number, with_unit
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store
from dashboard.tables.columns import Column
from dashboard.tables.indicators import indicator_specs, territory_names
from dashboard.tables.state import LEVEL_PLURAL, Sort, TableState, Threshold

# --- Sources ---------------------------------------------------------------------------------------------


def dataset_rows(store: Store, dataset_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Catalogue entries of the datasets (unknown ids skipped)."""
    rows = []
    for dataset_id in dataset_ids:
        try:
            rows.append(store.dataset(dataset_id))
        except KeyError:
            continue
    return rows


def join(values: Sequence[str]) -> str:
    """Distinct non-empty values, in order, separated by « ; »."""
    return " ; ".join(value for value in dict.fromkeys(values) if value)


def source_row(column: str, what: str, datasets: list[dict[str, Any]], **extra: str) -> dict[str, str]:
    """One row of the « Sources » sheet: the columns it describes, their datasets and details."""
    return {
        "Colonne": column,
        "Donnée": what,
        "Unité": extra.get("unit", ""),
        "Définition": extra.get("definition", ""),
        "Méthode": extra.get("method", ""),
        "Source": extra.get("source") or join([dataset.get("citation", "") for dataset in datasets]),
        "Millésime": extra.get("vintage") or join([dataset.get("vintage", "") for dataset in datasets]),
        "Jeu de données": join([dataset.get("title", "") for dataset in datasets]),
        "Producteur": join([dataset.get("publisher", "") for dataset in datasets]),
        "Licence": join([dataset.get("licence", "") for dataset in datasets]),
        "Adresse": join([dataset.get("page_url", "") for dataset in datasets]),
        "Couverture": extra.get("coverage", ""),
    }


def percent(value: float) -> str:
    """A percentage (0 to 100) without decimals: « 88 % »."""
    return with_unit(format_number(value), "%")


def coverage_text(view_frame: pd.DataFrame, column: Column, coverage: Column | None) -> str:
    """How many rows have a value, and which share of the population they cover."""
    present = int(view_frame[column.id].notna().sum())
    text = f"valeurs renseignées : {format_count(present)} sur {format_count(len(view_frame))} lignes"
    if coverage is not None and present:
        shares = view_frame.loc[view_frame[column.id].notna(), coverage.id]
        text += (
            f" ; part de la population couverte : de {percent(shares.min())} à "
            f"{percent(shares.max())} (colonne « {coverage.header} »)"
        )
    return text


def _indicator_source(store: Store, column: Column, frame: pd.DataFrame, coverage: Column | None) -> dict[str, str]:
    spec = indicator_specs(store)[column.id]
    method = spec.get("method_label", "")
    if column.approximation:
        method = f"APPROXIMATION. {method}"
    return source_row(
        column.header,
        column.label,
        dataset_rows(store, spec.get("datasets", [])),
        unit=column.unit or "",
        definition=column.definition or "",
        method=method,
        source=column.source or "",
        vintage=column.vintage or "",
        coverage=coverage_text(frame, column, coverage),
    )


def _present(ids: Sequence[str | None]) -> list[str]:
    return [dataset_id for dataset_id in ids if dataset_id]


def territory_sources(store: Store, level: str, columns: Sequence[Column], frame: pd.DataFrame) -> list[dict]:
    """Sources of a territories view: the territories, each indicator (with its coverage), the contours."""
    sources = [
        source_row(
            ", ".join(column.header for column in columns if column.role == "base"),
            f"Codes, noms et rattachements : {LEVEL_PLURAL[level]}",
            dataset_rows(store, _present([dataset_id_for(store, ROLE_TERRITORIES)])),
        ),
    ]
    coverage_by_indicator = {column.indicator: column for column in columns if column.role == "coverage"}
    for column in columns:
        if column.role == "indicator":
            sources.append(_indicator_source(store, column, frame, coverage_by_indicator.get(column.id)))
    sources.append(
        source_row(
            "géométrie (GeoJSON, GeoPackage)",
            f"Contours : {LEVEL_PLURAL[level]}",
            dataset_rows(store, _present([dataset_id_for(store, geometry_role(level))])),
        )
    )
    return sources


def residence_sources(store: Store, columns: Sequence[Column], shown: int, total: int) -> tuple[dict, ...]:
    """Sources of the establishments list: FINESS (the France-wide extract first) and the EPCI names."""
    residences = store.residences
    citations = sorted(residences["source"].dropna().unique()) if "source" in residences else []
    finess = [d for d in store.catalogue.get("datasets", []) if d.get("citation") in citations and "finess" in d["id"]]
    finess = [d for d in finess if d["id"].endswith("france-housing")] or finess
    return (
        source_row(
            ", ".join(column.header for column in columns),
            "Établissements de logement accompagné et d'hébergement",
            finess,
            definition=store.catalogue.get("residence_types", {}).get("rule", ""),
            source=join(citations),
            coverage=f"{format_count(shown)} établissements sur {format_count(total)}",
        ),
        source_row("EPCI", "Noms des EPCI", dataset_rows(store, _present([dataset_id_for(store, ROLE_TERRITORIES)]))),
    )


# --- Filters ---------------------------------------------------------------------------------------------


def epci_label(code: str, names: dict[str, str]) -> str:
    return f"{names.get(code, code)} ({code})"


def departement_label(code: str, names: dict[str, str]) -> str:
    return f"{code} {names[code]}" if code in names else code


def threshold_number(value: float) -> str:
    """A threshold as the filters sheet writes it: French, up to 10 significant digits."""
    digits = f"{value:.10g}"
    if "e" in digits:
        return digits.replace(".", ",")
    return format_number(value, len(digits.partition(".")[2]))


def threshold_text(threshold: Threshold, header: str) -> str:
    """« Population entre 1 000 et 5 000 », « … ≥ 12,5 » or « … ≤ 3 »."""
    if threshold.minimum is not None and threshold.maximum is not None:
        return f"{header} entre {threshold_number(threshold.minimum)} et {threshold_number(threshold.maximum)}"
    if threshold.minimum is not None:
        return f"{header} ≥ {threshold_number(threshold.minimum)}"
    return f"{header} ≤ {threshold_number(threshold.maximum)}"


def all_of(region: str) -> str:
    """« tous (<région>) », or « tous » when the store does not name its région."""
    return f"tous ({region})" if region else "tous"


def common_filters(store: Store, state: TableState, *, epci_filter: bool) -> list[tuple[str, str]]:
    """The perimeter filters: départements, and EPCI when they apply."""
    departement_names = territory_names(store, "departement")
    epci_names = territory_names(store, "epci")
    chosen = ", ".join(departement_label(code, departement_names) for code in state.departements)
    filters = [("Départements", chosen or all_of(perimeter(store).name))]
    if epci_filter:
        filters.append(("EPCI", ", ".join(epci_label(code, epci_names) for code in state.epcis) or "tous"))
    return filters


def sort_text(sort: Sort | None, headers: dict[str, str], default: str) -> str:
    if sort is None or sort.column not in headers:
        return default
    return f"{headers[sort.column]}, {'décroissant' if sort.descending else 'croissant'}"


def territory_filters(
    store: Store, state: TableState, columns: Sequence[Column], shown: int, total: int
) -> list[tuple[str, str]]:
    """The « Filtres » rows of a territories view."""
    plural = LEVEL_PLURAL[state.level]
    headers = {column.id: column.header for column in columns}
    thresholds = " ; ".join(threshold_text(t, headers[t.indicator]) for t in state.thresholds)
    return [
        ("Tableau", f"Territoires : {plural}"),
        *common_filters(store, state, epci_filter=state.uses_epci_filter),
        ("Seuils", thresholds or "aucun"),
        ("Indicateurs", " ; ".join(column.header for column in columns if column.role == "indicator")),
        ("Tri", sort_text(state.sort, headers, "par code")),
        ("Lignes", f"{format_count(shown)} sur {format_count(total)} {plural}"),
    ]


def residence_filters(
    store: Store, state: TableState, columns: Sequence[Column], shown: int, total: int
) -> list[tuple[str, str]]:
    """The « Filtres » rows of the establishments list."""
    labels = store.catalogue.get("residence_types", {}).get("labels", {})
    headers = {column.id: column.header for column in columns}
    return [
        ("Tableau", "Établissements (résidences sociales et hébergement)"),
        *common_filters(store, state, epci_filter=True),
        ("Types d'établissement", ", ".join(labels.get(code, code) for code in state.residence_types) or "tous"),
        ("Tri", sort_text(state.residence_sort, headers, "par département, commune et nom")),
        ("Lignes", f"{format_count(shown)} sur {format_count(total)} établissements"),
    ]
