"""The API's answers as data: long table of indicator values, territories, establishments, sources."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from flask import current_app, has_app_context

from dashboard.api.spec import API_LEVELS
from dashboard.core import routes
from dashboard.core.catalogue import ROLE_TERRITORIES, dataset_for
from dashboard.core.levels import FRANCE_CODE
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store
from dashboard.tables.files import records
from dashboard.tables.indicators import indicator_citations, indicator_specs, is_approximation, level_indicators

LOOKUPS_EXTENSION = "dashboard_api_lookups"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab), sauf mention contraire dans les sources"
MISSING = "null (JSON) ou vide (CSV) : valeur manquante, jamais 0"
#: Coverage is a share of the population in %, with one decimal, as in the downloaded files.
COVERAGE_DECIMALS = 1


def meta(store: Store) -> dict[str, Any]:
    built = perimeter(store)
    return {
        "donnees_construites_le": store.built_at.isoformat(),
        "perimetre": {"niveau": built.level, "code": built.code, "nom": built.name},
        "licence": LICENCE,
        "valeurs_manquantes": MISSING,
        "documentation": routes.API_DOC,
    }


def indicator_entry(indicator: str, spec: dict[str, Any]) -> dict[str, Any]:
    """What the API says of every indicator: id, label, unit, definition, theme and method."""
    return {
        "id": indicator,
        "libelle": spec.get("label"),
        "unite": spec.get("unit"),
        "definition": spec.get("definition"),
        "theme": spec.get("theme_label") or spec.get("theme"),
        "methode": spec.get("method"),
        "methode_libelle": spec.get("method_label"),
    }


def dataset_summary(dataset: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": dataset.get("id"),
        "titre": dataset.get("title"),
        "producteur": dataset.get("publisher"),
        "millesime": dataset.get("vintage"),
        "licence": dataset.get("licence"),
        "citation": dataset.get("citation"),
        "url": dataset.get("page_url"),
        "couverture": dataset.get("level"),
    }


def datasets(store: Store, ids: Sequence[str]) -> list[dict[str, Any]]:
    found = []
    for dataset_id in ids:
        try:
            found.append(dataset_summary(store.dataset(dataset_id)))
        except KeyError:
            continue
    return found


def memo(store: Store, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per store (and per app): the lists parameters are checked against on every request,
    hits included (the long table's indicators per level takes ~40 ms). Read-only values."""
    if not has_app_context():
        return compute()
    lookups = current_app.extensions.get(LOOKUPS_EXTENSION)
    if lookups is None or lookups.get("") is not store:  # first call, or another store (tests, a reload)
        lookups = {"": store}
        current_app.extensions[LOOKUPS_EXTENSION] = lookups
    if name not in lookups:
        lookups[name] = compute()
    return lookups[name]


def available(store: Store, level: str) -> list[str]:
    """Indicators with values at a level (memoised)."""
    return memo(store, f"indicators:{level}", lambda: list(level_indicators(store, (level,))[level]))


def names(store: Store, level: str) -> dict[str, str]:
    """Name of every territory of a level, by code (memoised)."""
    return memo(store, f"names:{level}", lambda: _territory_names(store, level))


def _territory_names(store: Store, level: str) -> dict[str, str]:
    if level == "france":
        return {FRANCE_CODE: "France"}
    territories = store.territories.loc[store.territories["level"] == level]
    return dict(zip(territories["code"], territories["name"], strict=True))


def code_field(level: str) -> str:
    """`code_<niveau>`: the one name of a territory's code, in the API and in the files."""
    return f"code_{level}"


def name_field(level: str) -> str:
    """`nom_<niveau>`: the one name of a territory's name, in the API and in the files."""
    return f"nom_{level}"


def indicators_json_frame(store: Store, level: str, indicators: Sequence[str], codes: Sequence[str]) -> pd.DataFrame:
    """The rows of the JSON answer: territory, indicator, value and coverage (in %)."""
    frame = indicator_rows(store, level, indicators, codes)
    return frame[[code_field(level), name_field(level), "indicateur", "valeur", "couverture"]]


def indicators_payload(store: Store, level: str, indicators: Sequence[str], frame: pd.DataFrame) -> dict:
    """Long table of the values (`frame`: the rows of the page), with the catalogue entry, source and vintage
    of each indicator."""
    specs = indicator_specs(store)
    citations = indicator_citations(store, level)
    described = []
    for indicator in indicators:
        spec = specs[indicator]
        source, vintage = citations.get(indicator, ("", spec.get("vintage", "")))
        described.append(
            {
                **indicator_entry(indicator, spec),
                "approximation": is_approximation(spec, level),
                "source": source,
                "millesime": vintage,
                "jeux_de_donnees": datasets(store, spec.get("datasets", [])),
            }
        )
    return {
        "niveau": level,
        "nombre": len(frame),
        "indicateurs": described,
        "donnees": records(frame),
        "meta": meta(store),
    }


def indicator_rows(store: Store, level: str, indicators: Sequence[str], codes: Sequence[str]) -> pd.DataFrame:
    long = store.indicators
    rows = long.loc[(long["level"] == level) & long["indicator"].isin(list(indicators))]
    if codes:
        rows = rows.loc[rows["code"].isin(list(codes))]
    order = {indicator: position for position, indicator in enumerate(indicators)}
    rows = rows.assign(_order=rows["indicator"].map(order)).sort_values(["code", "_order"], kind="stable")
    return pd.DataFrame(
        {
            "niveau": level,
            code_field(level): rows["code"].astype("str"),
            name_field(level): rows["code"].map(names(store, level)).astype("str"),
            "indicateur": rows["indicator"].astype("str"),
            "valeur": rows["value"].astype("float64"),
            "couverture": rows["coverage"].astype("float64").mul(100).round(COVERAGE_DECIMALS),
            "source": rows["source"].astype("str"),
            "millesime": rows["vintage"].astype("str"),
        }
    ).reset_index(drop=True)


TERRITORY_FIELDS = {
    "code": "code_<niveau>",
    "name": "nom_<niveau>",
    "kind": "nature",
    "departement_code": "code_departement",
    "epci_code": "code_epci",
    "epci_name": "nom_epci",
    "population": "population",
    "in_region": "dans_la_region",
}
#: The attachments given at each level (the territories above it).
ATTACHMENT_FIELDS = ("kind", "departement_code", "epci_code", "epci_name")
ATTACHMENTS = {"commune": ("departement_code", "epci_code", "epci_name"), "epci": ("kind", "departement_code")}


def territories_frame(store: Store, level: str, departements: Sequence[str], epcis: Sequence[str]) -> pd.DataFrame:
    territories = store.territories.loc[store.territories["level"] == level]
    if departements:
        column = "code" if level == "departement" else "departement_code"
        territories = territories.loc[territories[column].isin(list(departements))]
    if epcis:
        column = "code" if level == "epci" else "epci_code"
        territories = territories.loc[territories[column].isin(list(epcis))]
    if "epci_code" in territories:
        territories = territories.assign(epci_name=territories["epci_code"].map(names(store, "epci")))
    attached = ATTACHMENTS.get(level, ())
    fields = [
        field
        for field in TERRITORY_FIELDS
        if field in territories and (field not in ATTACHMENT_FIELDS or field in attached)
    ]
    renames = {field: name.replace("<niveau>", level) for field, name in TERRITORY_FIELDS.items()}
    frame = pd.DataFrame(territories[fields]).rename(columns=renames)
    frame.insert(0, "niveau", level)
    return frame.sort_values(code_field(level), kind="stable").reset_index(drop=True)


RESIDENCE_FIELDS = {
    "finess": "finess",
    "name": "nom_etablissement",
    "type": "type",
    "type_label": "type_libelle",
    "family": "famille",
    "commune_code": "code_commune",
    "commune_name": "nom_commune",
    "epci_code": "code_epci",
    "epci_name": "nom_epci",
    "departement_code": "code_departement",
    "postal_code": "code_postal",
    "opening_date": "ouverture",
    "source": "source",
}


def residences_frame(store: Store, filters: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    residences = store.residences
    for field, values in filters.items():
        if values:
            kept = residences[field].isin(list(values)) if field in residences else False
            residences = residences.loc[kept]
    if "epci_code" in residences:
        residences = residences.assign(epci_name=residences["epci_code"].map(names(store, "epci")))
    fields = [field for field in RESIDENCE_FIELDS if field in residences]
    frame = pd.DataFrame(residences[fields]).rename(columns=RESIDENCE_FIELDS)
    if hasattr(residences, "geometry"):
        points = residences.geometry
        frame["longitude"] = points.x.round(6).to_numpy()
        frame["latitude"] = points.y.round(6).to_numpy()
    return frame.sort_values("finess", kind="stable").reset_index(drop=True)


def sources_payload(store: Store) -> dict[str, Any]:
    specs = indicator_specs(store)
    per_level = level_indicators(store, API_LEVELS)
    return {
        "jeux_de_donnees": [dataset_summary(dataset) for dataset in store.catalogue.get("datasets", [])],
        "indicateurs": [
            {
                **indicator_entry(indicator, spec),
                "millesime": spec.get("vintage"),
                "jeux_de_donnees": spec.get("datasets", []),
                "niveaux": [level for level in API_LEVELS if indicator in per_level[level]],
            }
            for indicator, spec in specs.items()
        ],
        "meta": meta(store),
    }


def indicators_csv_frame(store: Store, level: str, indicators: Sequence[str], codes: Sequence[str]) -> pd.DataFrame:
    """The long table with the label, unit and approximation flag of each indicator (the CSV answer)."""
    frame = indicator_rows(store, level, indicators, codes)
    specs = indicator_specs(store)
    frame.insert(4, "libelle", frame["indicateur"].map(lambda i: specs[i].get("label")))
    frame.insert(5, "unite", frame["indicateur"].map(lambda i: specs[i].get("unit")))
    frame["approximation"] = frame["indicateur"].map(lambda i: is_approximation(specs[i], level))
    return frame


def territories_payload(store: Store, level: str, frame: pd.DataFrame) -> dict[str, Any]:
    """The territories of a level, with the source and vintage of the administrative divisions."""
    source = dataset_for(store, ROLE_TERRITORIES) or {}
    return {
        "niveau": level,
        "nombre": len(frame),
        "source": source.get("citation"),
        "millesime": source.get("vintage"),
        "territoires": records(frame),
        "meta": meta(store),
    }


def residence_departements(store: Store) -> list[str]:
    """The départements that have establishments (memoised)."""
    residences = store.residences
    return memo(
        store,
        "residences:departements",
        lambda: sorted(residences.get("departement_code", pd.Series(dtype="str")).dropna().unique()),
    )


def residences_payload(store: Store, frame: pd.DataFrame) -> dict[str, Any]:
    """The establishments, with their sources and the typology rule."""
    citations = sorted(store.residences["source"].dropna().unique())
    return {
        "nombre": len(frame),
        "source": " ; ".join(citations),
        "regle_de_typologie": store.catalogue.get("residence_types", {}).get("rule"),
        "etablissements": records(frame),
        "meta": meta(store),
    }
