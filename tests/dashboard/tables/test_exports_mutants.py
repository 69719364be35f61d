"""Tables page views and downloads on a tiny handmade store, value by value: every rule of dashboard/tables/
(thresholds, sort, missing values, coverage, sources, filters, formula neutralisation, file layouts, grid, file
names) pinned down exactly, so that a small bug in it fails a test (tests/benchmarks/bench_mutation.py)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import xlsxwriter
from shapely.geometry import Point, box

from dashboard.core.formatting import format_count
from dashboard.core.store import Store
from dashboard.tables import files as table_files
from dashboard.tables import formats as table_formats
from dashboard.tables import geodata, provenance, spreadsheets
from dashboard.tables import grid as table_grid
from dashboard.tables import indicators as table_indicators
from dashboard.tables import views as table_views
from dashboard.tables.columns import Column
from dashboard.tables.state import RESIDENCE_COLUMNS, Sort, TableState, Threshold

EXPORTED_AT = datetime(2026, 3, 15, 10, 30, tzinfo=UTC)
BUILT_AT = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)
PERMALINK = "http://localhost/tableaux?niveau=epci"
NNBSP = "\u202f"
EPCI_INDICATORS = ("population", "taux_pauvrete", "evolution_population")


def dataset(dataset_id: str, title: str, publisher: str, vintage: str, citation: str) -> dict[str, str]:
    return {
        "id": dataset_id,
        "title": title,
        "publisher": publisher,
        "vintage": vintage,
        "licence": "Licence Ouverte",
        "page_url": f"https://example.org/{dataset_id}",
        "citation": citation,
    }


DATASETS = [
    dataset("decoupage-administratif-6.0.0", "Découpage", "Etalab", "COG 2025", "Etalab, Découpage (COG 2025)"),
    dataset("insee-pop", "Populations légales", "Insee", "2023 (catalogue)", "Insee, populations (catalogue)"),
    dataset("insee-filo", "Filosofi", "Insee", "2021", "Insee, Filosofi 2021"),
    dataset("etalab-contours-administratifs-2024-1000m", "Contours", "Etalab", "2024", "Etalab, contours 2024"),
    dataset("france-geojson-communes-hdf-2018", "Communes", "France GeoJSON", "2018", "France GeoJSON, communes"),
    dataset("finess-test-hdf", "FINESS région", "DREES", "2021", "FINESS (test)"),
    dataset("finess-test-france-housing", "FINESS logement", "DREES", "2021", "FINESS (test)"),
]
#: Role → dataset id, as the build writes it (`loaders.build.DATASET_ROLES`).
DATASET_ROLES = {
    "territories": "decoupage-administratif-6.0.0",
    "geometry_commune": "france-geojson-communes-hdf-2018",
    "geometry_epci": "etalab-contours-administratifs-2024-1000m",
    "geometry_departement": "etalab-contours-administratifs-2024-1000m",
}
INDICATOR_ENTRIES = [
    {
        "id": "population",
        "label": "Population municipale",
        "unit": "habitants",
        "theme": "demo",
        "theme_label": "Démographie",
        "method": "somme",
        "method_label": "Somme des communes.",
        "datasets": ["insee-pop"],
    },
    {
        "id": "evolution_population",
        "label": "Évolution annuelle de la population",
        "unit": "% par an",
        "theme": "demo",
        "theme_label": "Démographie",
        "method": "taux_annuel",
        "datasets": ["insee-pop", "inconnu"],
        "definition": "Évolution.",
        "vintage": "2013–2023 (catalogue)",
    },
    {
        "id": "taux_pauvrete",
        "label": "Taux de pauvreté",
        "unit": "%",
        "theme": "precarite",
        "method": "moyenne",
        "method_label": "Moyenne pondérée.",
        "datasets": ["insee-filo"],
        "approximation": True,
        "definition": "Pauvreté.",
    },
    {"id": "nb_fjt", "label": "FJT", "unit": "établissements", "available": True},
    {"id": "indice", "label": "Indice de test", "method": "somme"},
    {"id": "demande", "label": "Demande", "unit": "demandes", "available": False},
]
RESIDENCE_TYPES = {
    "labels": {
        "generaliste": "Résidence sociale généraliste",
        "pension_de_famille": "Pension de famille",
        "fjt": "Foyer de jeunes travailleurs",
    },
    "residence_sociale": ["generaliste", "pension_de_famille", "fjt"],
    "hebergement": ["chrs"],
    "rule": "Catégories FINESS 256 à 259.",
}


def indicator_rows() -> pd.DataFrame:
    rows = []

    def add(level, indicator, source, vintage, values, coverage=None):
        for position, (code, value) in enumerate(values.items()):
            share = 1.0 if coverage is None else coverage[position]
            rows.append(
                {"level": level, "code": code, "indicator": indicator, "value": value, "source": source,
                 "vintage": vintage, "coverage": share}
            )  # fmt: skip

    pop, filo = "Insee, populations 2023", "Insee, Filosofi 2021"
    add("epci", "population", pop, "2023", {"200000001": 1200.0, "200000002": 45000.0, "200000003": 8000.0})
    add("epci", "taux_pauvrete", filo, "2021", {"200000001": 12.346, "200000002": np.nan, "200000003": 20.0},
        [0.5, 0.0, 0.875])  # fmt: skip
    add("epci", "evolution_population", pop, "2013-2023", {"200000001": -0.5, "200000002": 0.25, "200000003": 1.0})
    add("epci", "demande", "SNE", "2024", {"200000001": 5.0})
    add("epci", "indice", "Calcul de test", "2025", {"200000001": 2.0, "200000002": np.nan, "200000003": 7.0})
    add("commune", "population", pop, "2023",
        {"02001": 400.0, "02002": 800.0, "59001": 45000.0, "59002": 8000.0, "76001": 50.0})  # fmt: skip
    add("commune", "taux_pauvrete", filo, "2021",
        {"02001": np.nan, "02002": 12.346, "59001": np.nan, "59002": 20.0, "76001": np.nan})  # fmt: skip
    add("departement", "population", pop, "2023", {"02": np.nan, "59": np.nan})
    return pd.DataFrame(rows)


def tiny_store(*, in_region: bool = True, residences: pd.DataFrame | None = None) -> Store:
    """2 départements, 3 EPCI, 5 communes (76001 outside the région, 59002 of unknown status), 3 establishments."""
    territories = gpd.GeoDataFrame(
        {
            "level": ["departement"] * 2 + ["epci"] * 3 + ["commune"] * 5,
            "code": ["59", "02", "200000002", "200000001", "200000003", "02001", "02002", "59001", "59002", "76001"],
            "name": ["Nord", "Aisne", "CA Deux", "CC Une", "CC Trois", "Aval", "Bourg", "Cité", "Dune", "Hors"],
            "kind": [None, None, "CA", "CC", "CC", None, None, None, None, None],
            "departement_code": [None, None, "59", "02", "59", "02", "02", "59", "59", "76"],
            "epci_code": [None] * 5 + ["200000001", "200000001", "200000002", "200000003", "200000003"],
            "in_region": [True] * 8 + [None, False],
        },
        geometry=[box(2, 0, 4, 1), box(0, 0, 2, 1), box(2, 0, 3, 1), box(0, 0, 2, 1), box(3, 0, 4, 1)]
        + [box(i, 0, i + 1, 1) for i in range(5)],
        crs="EPSG:4326",
    )
    if not in_region:
        territories = territories.drop(columns="in_region")
    if residences is None:
        residences = tiny_residences()
    catalogue = {
        "datasets": DATASETS,
        "dataset_roles": DATASET_ROLES,
        "indicators": INDICATOR_ENTRIES,
        "residence_types": RESIDENCE_TYPES,
    }
    return Store(territories, indicator_rows(), residences, {}, catalogue, BUILT_AT)


def tiny_residences() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "finess": ["590000002", "020000001", "590000001", "590000003"],
            "name": ["Résidence B", "=Pension", "Foyer A", "Sans point"],
            "type": ["generaliste", "pension_de_famille", "fjt", "fjt"],
            "type_label": [
                "Résidence sociale généraliste",
                "Pension de famille",
                *["Foyer de jeunes travailleurs"] * 2,
            ],
            "family": ["residence_sociale"] * 4,
            "family_label": ["Résidences sociales"] * 4,
            "commune_code": ["59001", "02001", "59001", "59002"],
            "commune_name": ["Cité", "Aval", "Cité", "Dune"],
            "epci_code": ["200000002", "200000001", "200000002", "200000003"],
            "departement_code": ["59", "02", "59", "59"],
            "opening_date": ["2001-05-01", None, "1999-01-01", None],
            "source": ["FINESS (test)"] * 4,
        },
        geometry=[Point(2.5, 0.5), Point(0.25, 0.75), Point(2.123456789, 0.5), box(3, 0, 4, 1)],
        crs="EPSG:4326",
    )


STORE = tiny_store()


def rows_of(frame: pd.DataFrame) -> list[dict]:
    """Rows with missing values as None (NaN never equals itself)."""
    return [
        {key: (None if value is None or value is pd.NA or value != value else value) for key, value in row.items()}
        for row in frame.astype(object).to_dict("records")
    ]


def epci_view(**state) -> table_views.View:
    return table_views.territory_view(STORE, TableState(level="epci", indicators=EPCI_INDICATORS, **state))


def context(built_at: datetime | None = BUILT_AT, permalink: str = PERMALINK) -> table_files.ExportContext:
    return table_files.ExportContext(EXPORTED_AT, permalink, built_at, title="Résidences sociales — Hauts-de-France")


# --- Catalogue and choices ------------------------------------------------------------------------------------


def test_indicator_specs_are_the_available_catalogue_entries_with_data_in_catalogue_order():
    # nb_fjt has no value in the data; demande has values but is not available.
    assert list(table_indicators.indicator_specs(STORE)) == [
        "population",
        "evolution_population",
        "taux_pauvrete",
        "indice",
    ]
    assert table_indicators.indicator_specs(STORE)["population"] is INDICATOR_ENTRIES[0]


def test_level_indicators_need_one_known_value_at_the_level():
    assert table_indicators.level_indicators(STORE) == {
        "commune": ("population", "taux_pauvrete"),
        "epci": ("population", "evolution_population", "taux_pauvrete", "indice"),
        "departement": (),  # population rows exist there, all missing
    }
    assert table_indicators.level_indicators(STORE, ("epci",)) == {
        "epci": ("population", "evolution_population", "taux_pauvrete", "indice")
    }


def test_choices_are_sorted_codes_of_the_region_and_every_residence_type():
    choices = table_indicators.table_choices(STORE)
    assert choices.departements == ("02", "59")
    assert choices.epcis == ("200000001", "200000002", "200000003")
    assert choices.residence_types == ("generaliste", "pension_de_famille", "fjt", "chrs")
    assert choices.indicators == table_indicators.level_indicators(STORE)
    # A commune outside the région is left out; one of unknown status (None) is kept.
    assert table_indicators.territory_names(STORE, "commune") == {
        "02001": "Aval",
        "02002": "Bourg",
        "59001": "Cité",
        "59002": "Dune",
    }
    # Without the in_region column (older builds), every territory is kept.
    assert list(table_indicators.territory_names(tiny_store(in_region=False), "commune")) == [
        "02001",
        "02002",
        "59001",
        "59002",
        "76001",
    ]
    empty = Store(STORE.territories, STORE.indicators, STORE.residences, {}, {"datasets": []}, BUILT_AT)
    assert table_indicators.table_choices(empty).residence_types == ()


def test_approximations_are_flagged_above_the_commune_only():
    assert table_indicators.is_approximation({"approximation": True}, "epci")
    assert table_indicators.is_approximation({"approximation": True}, "departement")
    assert not table_indicators.is_approximation({"approximation": True}, "commune")
    assert not table_indicators.is_approximation({}, "epci")
    assert not table_indicators.is_approximation({"approximation": False}, "epci")


def test_unit_header():
    assert table_indicators.unit_header("Taux de pauvreté", "%") == "Taux de pauvreté (%)"
    assert table_indicators.unit_header("Taux de pauvreté", "%", True) == "Taux de pauvreté (%, approximation)"
    assert table_indicators.unit_header("Taux de pauvreté", None, True) == "Taux de pauvreté (approximation)"
    assert table_indicators.unit_header("Ménages", "ménages") == "Ménages"
    assert table_indicators.unit_header("Ménages", "ménages", True) == "Ménages (approximation)"
    assert table_indicators.unit_header("Nom", None) == "Nom" and table_indicators.unit_header("Nom", "") == "Nom"


def test_column_headers_and_kinds():
    column = Column("taux", "Taux", "%", "decimal", 2, role="indicator", source="Insee", vintage="2021")
    assert column.header == "Taux (%)"
    assert column.csv_header == "Taux (%) [source : Insee ; millésime : 2021]"
    assert column.numeric
    base = Column("nom", "Nom", source="ignorée")
    assert base.csv_header == "Nom" and not base.numeric
    coverage = Column("couverture_taux", "Taux : couverture", "%", "decimal", 1, role="coverage")
    assert coverage.csv_header == "Taux : couverture (%)"
    assert Column("n", "N", kind="integer").numeric
    view = epci_view()
    assert view.column("taux_pauvrete").label == "Taux de pauvreté"
    assert view.headers == [column.header for column in view.columns]


def test_indicator_kind():
    whole = pd.Series([1.0, 2.0, np.nan])
    decimal = pd.Series([1.5, np.nan])
    # A whole-number indicator stays a decimal field (one type at every level), shown without decimals.
    assert table_views.indicator_kind({}, whole) == ("decimal", 0)
    assert table_views.indicator_kind({}, decimal) == ("decimal", 2)
    assert table_views.indicator_kind({"method": "somme"}, decimal) == ("integer", 0)
    assert table_views.indicator_kind({"unit": "€ par an"}, decimal) == ("integer", 0)
    assert table_views.indicator_kind({"unit": "%"}, pd.Series([np.nan, np.nan])) == ("decimal", 2)
    assert table_views.indicator_kind({}, pd.Series([], dtype=float)) == ("decimal", 2)


def test_as_kind_rounds_and_keeps_missing_values():
    integers = table_views.as_kind(pd.Series([1.4, 2.6, np.nan]), "integer", 0)
    assert str(integers.dtype) == "Int64" and integers.tolist()[:2] == [1, 3] and integers.isna().tolist()[2]
    decimals = table_views.as_kind(pd.Series([1.234, 5.0, np.nan]), "decimal", 2)
    assert decimals.dtype == "float64" and decimals.tolist()[:2] == [1.23, 5.0] and np.isnan(decimals.iloc[2])
    assert table_views.as_kind(pd.Series([1.23456]), "decimal", 3).tolist() == [1.235]


# --- Territory views -----------------------------------------------------------------------------------------


def test_epci_view_columns_values_and_coverage():
    view = epci_view()
    assert [(c.id, c.header, c.kind, c.decimals, c.role, c.theme) for c in view.columns] == [
        ("nom_epci", "EPCI", "text", 0, "base", None),
        ("code_epci", "Code EPCI (SIREN)", "text", 0, "base", None),
        ("nature", "Nature", "text", 0, "base", None),
        ("code_departement", "Département principal", "text", 0, "base", None),
        ("population", "Population municipale (habitants)", "integer", 0, "indicator", "Démographie"),
        ("taux_pauvrete", "Taux de pauvreté (%, approximation)", "decimal", 2, "indicator", "precarite"),
        (
            "couverture_taux_pauvrete",
            "Taux de pauvreté : couverture (% de la population)",
            "decimal",
            1,
            "coverage",
            "precarite",
        ),
        (
            "evolution_population",
            "Évolution annuelle de la population (% par an)",
            "decimal",
            2,
            "indicator",
            "Démographie",
        ),
    ]
    poverty = view.column("taux_pauvrete")
    assert (poverty.indicator, poverty.source, poverty.vintage, poverty.definition, poverty.approximation) == (
        "taux_pauvrete",
        "Insee, Filosofi 2021",
        "2021",
        "Pauvreté.",
        True,
    )
    assert view.column("couverture_taux_pauvrete").indicator == "taux_pauvrete"
    assert view.column("evolution_population").vintage == "2013-2023"
    assert rows_of(view.frame) == [
        {"code_epci": "200000001", "nom_epci": "CC Une", "nature": "CC", "code_departement": "02", "population": 1200,
         "taux_pauvrete": 12.35, "couverture_taux_pauvrete": 50.0, "evolution_population": -0.5},
        {"code_epci": "200000002", "nom_epci": "CA Deux", "nature": "CA", "code_departement": "59", "population": 45000,
         "taux_pauvrete": None, "couverture_taux_pauvrete": 0.0, "evolution_population": 0.25},
        {"code_epci": "200000003", "nom_epci": "CC Trois", "nature": "CC", "code_departement": "59", "population": 8000,
         "taux_pauvrete": 20.0, "couverture_taux_pauvrete": 87.5, "evolution_population": 1.0},
    ]  # fmt: skip
    assert str(view.frame["population"].dtype) == "Int64"
    assert view.frame["evolution_population"].dtype == "float64"
    assert list(view.frame.index) == [0, 1, 2]
    assert (view.kind, view.level, view.total, view.layer) == ("territoires", "epci", 3, "territoires_epci")
    assert view.geometry.to_wkt().tolist() == [box(0, 0, 2, 1).wkt, box(2, 0, 3, 1).wkt, box(3, 0, 4, 1).wkt]


def test_catalogue_defaults_of_an_indicator_column():
    view = table_views.territory_view(STORE, TableState(level="commune", indicators=("evolution_population",)))
    column = view.column("evolution_population")
    # No value at this level: no citation in the data, the catalogue's vintage stands in.
    assert (column.source, column.vintage) == ("", "2013–2023 (catalogue)")
    assert view.frame["evolution_population"].isna().all()
    assert view.sources[1]["Source"] == "Insee, populations (catalogue)" and view.sources[1]["Méthode"] == ""
    assert view.sources[1]["Millésime"] == "2013–2023 (catalogue)"
    population = epci_view().column("population")
    assert population.definition == "" and population.theme == "Démographie"
    assert epci_view().column("taux_pauvrete").theme == "precarite"  # no theme label: the theme's key


def test_filters_of_an_unfiltered_view():
    assert list(epci_view().filters) == [
        ("Tableau", "Territoires : EPCI"),
        ("Départements", "tous"),
        ("EPCI", "tous"),
        ("Seuils", "aucun"),
        (
            "Indicateurs",
            "Population municipale (habitants) ; Taux de pauvreté (%, approximation) ; "
            "Évolution annuelle de la population (% par an)",
        ),
        ("Tri", "par code"),
        ("Lignes", "3 sur 3 EPCI"),
    ]


def test_an_indicator_without_unit_datasets_or_citation_at_the_level():
    view = table_views.territory_view(STORE, TableState(level="epci", indicators=("indice",)))
    column = view.column("indice")
    assert (column.header, column.kind, column.theme, column.definition) == ("Indice de test", "integer", None, "")
    assert view.sources[1] == {
        "Colonne": "Indice de test",
        "Donnée": "Indice de test",
        "Unité": "",
        "Définition": "",
        "Méthode": "",
        "Source": "Calcul de test",
        "Millésime": "2025",
        "Jeu de données": "",
        "Producteur": "",
        "Licence": "",
        "Adresse": "",
        "Couverture": "valeurs renseignées : 2 sur 3 lignes",
    }
    # No value at the département level and no vintage in the catalogue: the datasets' own.
    departement = table_views.territory_view(STORE, TableState(level="departement", indicators=("taux_pauvrete",)))
    poverty = departement.column("taux_pauvrete")
    assert (poverty.source, poverty.vintage) == ("", "")
    assert poverty.csv_header == "Taux de pauvreté (%, approximation) [source :  ; millésime : ]"
    assert departement.sources[1]["Source"] == "Insee, Filosofi 2021" and departement.sources[1]["Millésime"] == "2021"


def test_values_of_another_level_with_the_same_code_stay_out():
    # Region 02 (Martinique) and département 02 (Aisne) share a code.
    rows = indicator_rows()
    extra = pd.DataFrame(
        [{"level": "region", "code": "02", "indicator": "population", "value": 360_000.0, "source": "Insee",
          "vintage": "2023", "coverage": 1.0}]
    )  # fmt: skip
    store = Store(
        STORE.territories, pd.concat([rows, extra], ignore_index=True), STORE.residences, {}, STORE.catalogue, BUILT_AT
    )
    view = table_views.territory_view(store, TableState(level="departement", indicators=("population",)))
    assert view.frame["population"].isna().all()


def test_a_citation_is_the_first_one_written_for_the_level():
    rows = indicator_rows()
    rows.loc[(rows["indicator"] == "population") & (rows["code"] == "200000003"), ["source", "vintage"]] = [
        "Autre",
        "2020",
    ]
    store = Store(STORE.territories, rows, STORE.residences, {}, STORE.catalogue, BUILT_AT)
    assert table_indicators.indicator_citations(store, "epci")["population"] == ("Insee, populations 2023", "2023")


def test_indicators_unknown_to_the_catalogue_are_left_out():
    view = table_views.territory_view(STORE, TableState(level="epci", indicators=("population", "nb_fjt", "demande")))
    assert [column.id for column in view.columns][4:] == ["population"]


def test_a_partially_covered_indicator_gets_a_coverage_column_even_when_published_as_is():
    store = tiny_store()
    store.indicators.loc[
        (store.indicators["level"] == "commune") & (store.indicators["indicator"] == "population"), "coverage"
    ] = [1.0, 0.9, 1.0, 1.0, 1.0]
    view = table_views.territory_view(store, TableState(level="commune", indicators=("population", "taux_pauvrete")))
    assert [column.id for column in view.columns][5:] == ["population", "couverture_population", "taux_pauvrete"]
    assert view.frame["couverture_population"].tolist() == [100.0, 90.0, 100.0, 100.0]
    assert not view.column("taux_pauvrete").approximation  # published per commune: neither flag nor coverage
    assert table_indicators.partially_covered(store, "commune", ["population", "taux_pauvrete"]) == {"population"}
    # A partial coverage of a missing value does not count.
    assert table_indicators.partially_covered(STORE, "epci", ["population", "evolution_population"]) == set()
    assert table_indicators.partially_covered(STORE, "epci", ["taux_pauvrete"]) == {"taux_pauvrete"}
    assert table_indicators.partially_covered(STORE, "commune", ["taux_pauvrete"]) == set()


def test_citations_are_read_per_level():
    assert table_indicators.indicator_citations(STORE, "epci") == {
        "population": ("Insee, populations 2023", "2023"),
        "taux_pauvrete": ("Insee, Filosofi 2021", "2021"),
        "evolution_population": ("Insee, populations 2023", "2013-2023"),
        "demande": ("SNE", "2024"),
        "indice": ("Calcul de test", "2025"),
    }


def test_commune_view_with_filters_thresholds_and_sort():
    state = TableState(
        level="commune",
        indicators=("population", "taux_pauvrete"),
        departements=("59", "02"),
        epcis=("200000001", "200000003"),
        thresholds=(Threshold("population", 800, None), Threshold("taux_pauvrete", None, 20.0)),
        sort=Sort("taux_pauvrete", True),
    )
    view = table_views.territory_view(STORE, state)
    assert rows_of(view.frame) == [
        {"code_commune": "59002", "nom_commune": "Dune", "code_departement": "59", "code_epci": "200000003", "nom_epci": "CC Trois",
         "population": 8000, "taux_pauvrete": 20.0},
        {"code_commune": "02002", "nom_commune": "Bourg", "code_departement": "02", "code_epci": "200000001", "nom_epci": "CC Une",
         "population": 800, "taux_pauvrete": 12.35},
    ]  # fmt: skip
    assert view.total == 4  # the commune outside the région is not counted
    assert view.geometry.to_wkt().tolist() == [box(3, 0, 4, 1).wkt, box(1, 0, 2, 1).wkt]
    assert view.layer == "territoires_commune"
    assert dict(view.filters) == {
        "Tableau": "Territoires : communes",
        "Départements": "59 Nord, 02 Aisne",
        "EPCI": "CC Une (200000001), CC Trois (200000003)",
        "Seuils": "Population municipale (habitants) ≥ 800 ; Taux de pauvreté (%) ≤ 20",
        "Indicateurs": "Population municipale (habitants) ; Taux de pauvreté (%)",
        "Tri": "Taux de pauvreté (%), décroissant",
        "Lignes": "2 sur 4 communes",
    }
    assert [key for key, _ in view.filters] == [
        "Tableau",
        "Départements",
        "EPCI",
        "Seuils",
        "Indicateurs",
        "Tri",
        "Lignes",
    ]


def test_threshold_bounds_are_inclusive():
    view = epci_view(thresholds=(Threshold("population", 8000, 45000),))
    assert view.frame["code_epci"].tolist() == ["200000002", "200000003"]
    assert epci_view(thresholds=(Threshold("population", 8000.5, None),)).frame["code_epci"].tolist() == ["200000002"]
    assert epci_view(thresholds=(Threshold("population", None, 7999.5),)).frame["code_epci"].tolist() == ["200000001"]


def test_a_missing_value_never_passes_a_threshold():
    assert epci_view(thresholds=(Threshold("taux_pauvrete", None, 100),)).frame["code_epci"].tolist() == [
        "200000001",
        "200000003",
    ]
    assert epci_view(thresholds=(Threshold("taux_pauvrete", 0, None),)).frame["code_epci"].tolist() == [
        "200000001",
        "200000003",
    ]


def test_every_threshold_applies():
    state = TableState(
        level="epci",
        indicators=("population", "evolution_population"),
        thresholds=(Threshold("evolution_population", 0, None), Threshold("population", None, 10000)),
    )
    view = table_views.territory_view(STORE, state)
    assert view.frame["code_epci"].tolist() == ["200000003"]
    assert dict(view.filters)["Seuils"] == (
        "Évolution annuelle de la population (% par an) ≥ 0 ; Population municipale (habitants) ≤ 10\u202f000"
    )


def test_missing_values_come_first_ascending_and_last_descending():
    assert epci_view(sort=Sort("taux_pauvrete")).frame["code_epci"].tolist() == ["200000002", "200000001", "200000003"]
    assert epci_view(sort=Sort("taux_pauvrete", True)).frame["code_epci"].tolist() == [
        "200000003",
        "200000001",
        "200000002",
    ]
    assert (
        dict(epci_view(sort=Sort("taux_pauvrete")).filters)["Tri"] == "Taux de pauvreté (%, approximation), croissant"
    )


def test_sort_is_stable_and_ignores_an_unknown_column():
    # Ties keep the code order, in both directions.
    assert epci_view(sort=Sort("nature")).frame["code_epci"].tolist() == ["200000002", "200000001", "200000003"]
    assert epci_view(sort=Sort("nature", True)).frame["code_epci"].tolist() == ["200000001", "200000003", "200000002"]
    assert epci_view(sort=Sort("absente", True)).frame["code_epci"].tolist() == ["200000001", "200000002", "200000003"]
    assert dict(epci_view(sort=Sort("absente", True)).filters)["Tri"] == "par code"
    many = pd.DataFrame({"k": [i % 3 for i in range(300)], "i": range(300)})
    for descending in (False, True):
        ordered = table_views.sorted_like_grid(many, Sort("k", descending))
        assert ordered["k"].is_monotonic_decreasing if descending else ordered["k"].is_monotonic_increasing
        assert all(group["i"].is_monotonic_increasing for _, group in ordered.groupby("k")), descending
    frame = pd.DataFrame({"a": [2.0, np.nan, 1.0]})
    assert table_views.sorted_like_grid(frame, None) is frame
    assert table_views.sorted_like_grid(frame, Sort("b")) is frame
    assert table_views.sorted_like_grid(frame, Sort("a")).index.tolist() == [1, 2, 0]


def test_departement_view_filters_on_its_own_code_and_has_no_epci_filter():
    state = TableState(level="departement", departements=("59",), epcis=("200000001",))
    view = table_views.territory_view(STORE, state)
    assert rows_of(view.frame) == [{"nom_departement": "Nord", "code_departement": "59"}]
    assert view.total == 2
    assert [key for key, _ in view.filters] == ["Tableau", "Départements", "Seuils", "Indicateurs", "Tri", "Lignes"]
    assert dict(view.filters)["Lignes"] == "1 sur 2 départements"
    assert dict(view.filters)["Indicateurs"] == ""


def test_epci_view_filters_on_departement_and_epci():
    view = epci_view(departements=("59",), epcis=("200000001", "200000002"))
    assert view.frame["code_epci"].tolist() == ["200000002"]
    assert dict(view.filters)["EPCI"] == "CC Une (200000001), CA Deux (200000002)"
    assert dict(view.filters)["Lignes"] == "1 sur 3 EPCI"


def test_sources_of_a_territory_view():
    view = epci_view(thresholds=(Threshold("population", 1000, 10000),))
    sources = list(view.sources)
    assert sources[0] == {
        "Colonne": "EPCI, Code EPCI (SIREN), Nature, Département principal",
        "Donnée": "Codes, noms et rattachements : EPCI",
        "Unité": "",
        "Définition": "",
        "Méthode": "",
        "Source": "Etalab, Découpage (COG 2025)",
        "Millésime": "COG 2025",
        "Jeu de données": "Découpage",
        "Producteur": "Etalab",
        "Licence": "Licence Ouverte",
        "Adresse": "https://example.org/decoupage-administratif-6.0.0",
        "Couverture": "",
    }
    assert sources[1] == {
        "Colonne": "Population municipale (habitants)",
        "Donnée": "Population municipale",
        "Unité": "habitants",
        "Définition": "",
        "Méthode": "Somme des communes.",
        "Source": "Insee, populations 2023",
        "Millésime": "2023",
        "Jeu de données": "Populations légales",
        "Producteur": "Insee",
        "Licence": "Licence Ouverte",
        "Adresse": "https://example.org/insee-pop",
        "Couverture": "valeurs renseignées : 2 sur 2 lignes",
    }
    poverty = sources[2]
    assert poverty["Colonne"] == "Taux de pauvreté (%, approximation)"
    assert poverty["Méthode"] == "APPROXIMATION. Moyenne pondérée."
    assert (poverty["Définition"], poverty["Unité"], poverty["Source"]) == ("Pauvreté.", "%", "Insee, Filosofi 2021")
    assert poverty["Couverture"] == (
        f"valeurs renseignées : 2 sur 2 lignes ; part de la population couverte : de 50{NNBSP}% à 88{NNBSP}% "
        "(colonne « Taux de pauvreté : couverture (% de la population) »)"
    )
    # A dataset missing from the catalogue is skipped, the others are cited.
    assert sources[3]["Jeu de données"] == "Populations légales" and sources[3]["Millésime"] == "2013-2023"
    assert sources[4] == {
        "Colonne": "géométrie (GeoJSON, GeoPackage)",
        "Donnée": "Contours : EPCI",
        "Unité": "",
        "Définition": "",
        "Méthode": "",
        "Source": "Etalab, contours 2024",
        "Millésime": "2024",
        "Jeu de données": "Contours",
        "Producteur": "Etalab",
        "Licence": "Licence Ouverte",
        "Adresse": "https://example.org/etalab-contours-administratifs-2024-1000m",
        "Couverture": "",
    }
    assert len(sources) == 5
    commune = table_views.territory_view(STORE, TableState(level="commune", indicators=("population",)))
    assert commune.sources[-1]["Jeu de données"] == "Communes"


def test_coverage_text_gives_the_smallest_and_largest_share_of_the_rows_with_a_value():
    column = Column("taux", "Taux", "%", "decimal", 2, role="indicator")
    coverage = Column("couverture_taux", "Taux : couverture", "% de la population", "decimal", 1)
    frame = pd.DataFrame({"taux": [10.0, np.nan, 12.0, 14.0], "couverture_taux": [40.0, 0.0, 90.0, 100.0]})
    assert provenance.coverage_text(frame, column, coverage) == (
        f"valeurs renseignées : 3 sur 4 lignes ; part de la population couverte : de 40{NNBSP}% à 100{NNBSP}% "
        "(colonne « Taux : couverture (% de la population) »)"
    )
    assert provenance.coverage_text(frame, column, None) == "valeurs renseignées : 3 sur 4 lignes"
    empty = frame.assign(taux=np.nan)
    assert provenance.coverage_text(empty, column, coverage) == "valeurs renseignées : 0 sur 4 lignes"


def test_source_rows_join_datasets_without_repeats_or_blanks():
    datasets = [DATASETS[1], {**DATASETS[2], "licence": "", "publisher": "Insee"}]
    row = provenance.source_row("Colonne", "Donnée", datasets, unit="%", coverage="tout")
    assert row == {
        "Colonne": "Colonne",
        "Donnée": "Donnée",
        "Unité": "%",
        "Définition": "",
        "Méthode": "",
        "Source": "Insee, populations (catalogue) ; Insee, Filosofi 2021",
        "Millésime": "2023 (catalogue) ; 2021",
        "Jeu de données": "Populations légales ; Filosofi",
        "Producteur": "Insee",
        "Licence": "Licence Ouverte",
        "Adresse": "https://example.org/insee-pop ; https://example.org/insee-filo",
        "Couverture": "tout",
    }
    # Fields missing from a catalogue entry are left blank, never filled with a placeholder.
    sparse = provenance.source_row("C", "D", [{"id": "x", "title": "Titre seul"}, {"id": "y", "publisher": "Éditeur"}])
    assert [sparse[key] for key in ("Source", "Millésime", "Jeu de données", "Producteur", "Licence", "Adresse")] == [
        "",
        "",
        "Titre seul",
        "Éditeur",
        "",
        "",
    ]
    assert provenance.source_row("C", "D", [], source="S", vintage="V")["Source"] == "S"
    assert provenance.source_row("C", "D", [], source="S", vintage="V")["Millésime"] == "V"
    assert provenance.join(["a", "", "b", "a"]) == "a ; b"
    assert [row["id"] for row in provenance.dataset_rows(STORE, ["insee-pop", "inconnu", "insee-filo"])] == [
        "insee-pop",
        "insee-filo",
    ]


def test_numbers_in_texts():
    assert format_count(1234567.4) == f"1{NNBSP}234{NNBSP}567"
    assert format_count(999.6) == "1" + NNBSP + "000"
    assert provenance.percent(87.5) == f"88{NNBSP}%"
    assert provenance.epci_label("200000001", {"200000001": "CC Une"}) == "CC Une (200000001)"
    assert provenance.epci_label("200000009", {}) == "200000009 (200000009)"
    assert provenance.departement_label("59", {"59": "Nord"}) == "59 Nord"
    assert provenance.departement_label("99", {"59": "Nord"}) == "99"


def test_threshold_texts():
    def text(minimum, maximum):
        return provenance.threshold_text(Threshold("x", minimum, maximum), "Population")

    assert text(1000, None) == f"Population ≥ 1{NNBSP}000"
    assert text(None, 12.5) == "Population ≤ 12,5"
    assert text(-1500.25, 999.5) == f"Population entre -1{NNBSP}500,25 et 999,5"
    assert text(0, 0) == "Population entre 0 et 0"
    assert text(1234567.125, None) == f"Population ≥ 1{NNBSP}234{NNBSP}567,125"


def test_missing_text_columns_read_as_missing():
    frame = pd.DataFrame({"a": [1, 2]}, index=[5, 6])
    missing = table_views.text_column(frame, "b")
    assert missing.index.tolist() == [5, 6] and missing.isna().all() and missing.dtype == "str"
    assert table_views.text_column(frame, "a").tolist() == ["1", "2"]


# --- Residences ----------------------------------------------------------------------------------------------


def test_residence_view_lists_every_establishment_by_departement_commune_and_name():
    view = table_views.residence_view(STORE, TableState(tab="residences"))
    assert rows_of(view.frame) == [
        {"finess": "020000001", "nom_etablissement": "=Pension", "type": "Pension de famille", "famille": "Résidences sociales",
         "code_commune": "02001", "nom_commune": "Aval", "code_epci": "200000001", "nom_epci": "CC Une", "code_departement": "02",
         "ouverture": None, "longitude": 0.25, "latitude": 0.75},
        {"finess": "590000001", "nom_etablissement": "Foyer A", "type": "Foyer de jeunes travailleurs",
         "famille": "Résidences sociales", "code_commune": "59001", "nom_commune": "Cité", "code_epci": "200000002",
         "nom_epci": "CA Deux", "code_departement": "59", "ouverture": "1999-01-01", "longitude": 2.123457, "latitude": 0.5},
        {"finess": "590000002", "nom_etablissement": "Résidence B", "type": "Résidence sociale généraliste",
         "famille": "Résidences sociales", "code_commune": "59001", "nom_commune": "Cité", "code_epci": "200000002",
         "nom_epci": "CA Deux", "code_departement": "59", "ouverture": "2001-05-01", "longitude": 2.5, "latitude": 0.5},
        {"finess": "590000003", "nom_etablissement": "Sans point", "type": "Foyer de jeunes travailleurs",
         "famille": "Résidences sociales", "code_commune": "59002", "nom_commune": "Dune", "code_epci": "200000003",
         "nom_epci": "CC Trois", "code_departement": "59", "ouverture": None, "longitude": None, "latitude": None},
    ]  # fmt: skip
    assert [(c.id, c.header, c.kind, c.decimals) for c in view.columns][-3:] == [
        ("ouverture", "Date d'ouverture", "date", 0),
        ("longitude", "Longitude (degrés, WGS 84)", "decimal", 6),
        ("latitude", "Latitude (degrés, WGS 84)", "decimal", 6),
    ]
    assert [c.id for c in view.columns] == [column_id for column_id, _ in RESIDENCE_COLUMNS]
    assert (view.kind, view.level, view.total, view.layer) == ("residences", None, 4, "etablissements")
    assert view.geometry.geom_type.tolist() == ["Point", "Point", "Point", "Polygon"]
    assert view.geometry.crs == "EPSG:4326"
    assert list(view.frame.index) == [0, 1, 2, 3]
    assert table_views.view_of(STORE, TableState(tab="residences")).layer == "etablissements"
    assert table_views.view_of(STORE, TableState(level="epci")).layer == "territoires_epci"


def test_residence_view_sources_prefer_the_france_housing_extract():
    view = table_views.residence_view(STORE, TableState(tab="residences", departements=("59",)))
    assert list(view.sources) == [
        {
            "Colonne": "Nom de l'établissement, N° FINESS, Type, Famille, Code commune, Commune, Code EPCI, EPCI, "
            "Département, Date d'ouverture, Longitude (degrés, WGS 84), Latitude (degrés, WGS 84)",
            "Donnée": "Établissements de logement accompagné et d'hébergement",
            "Unité": "",
            "Définition": "Catégories FINESS 256 à 259.",
            "Méthode": "",
            "Source": "FINESS (test)",
            "Millésime": "2021",
            "Jeu de données": "FINESS logement",
            "Producteur": "DREES",
            "Licence": "Licence Ouverte",
            "Adresse": "https://example.org/finess-test-france-housing",
            "Couverture": "3 établissements sur 4",
        },
        {
            "Colonne": "EPCI",
            "Donnée": "Noms des EPCI",
            "Unité": "",
            "Définition": "",
            "Méthode": "",
            "Source": "Etalab, Découpage (COG 2025)",
            "Millésime": "COG 2025",
            "Jeu de données": "Découpage",
            "Producteur": "Etalab",
            "Licence": "Licence Ouverte",
            "Adresse": "https://example.org/decoupage-administratif-6.0.0",
            "Couverture": "",
        },
    ]
    # Without the France extract, every FINESS dataset of the citation is named.
    store = tiny_store()
    store.catalogue["datasets"] = [d for d in DATASETS if not d["id"].endswith("france-housing")]
    only = table_views.residence_view(store, TableState(tab="residences"))
    assert only.sources[0]["Jeu de données"] == "FINESS région"


def test_residence_view_filters_and_sort():
    state = TableState(
        tab="residences",
        departements=("59",),
        epcis=("200000002", "200000003"),
        residence_types=("fjt", "chrs"),
        residence_sort=Sort("nom_etablissement", True),
    )
    view = table_views.residence_view(STORE, state)
    assert view.frame["finess"].tolist() == ["590000003", "590000001"]
    assert list(view.filters) == [
        ("Tableau", "Établissements (résidences sociales et hébergement)"),
        ("Départements", "59 Nord"),
        ("EPCI", "CA Deux (200000002), CC Trois (200000003)"),
        ("Types d'établissement", "Foyer de jeunes travailleurs, chrs"),
        ("Tri", "Nom de l'établissement, décroissant"),
        ("Lignes", "2 sur 4 établissements"),
    ]
    assert view.geometry.geom_type.tolist() == ["Polygon", "Point"]
    everything = table_views.residence_view(STORE, TableState(tab="residences", residence_sort=Sort("longitude")))
    assert everything.frame["finess"].tolist() == ["590000003", "020000001", "590000001", "590000002"]
    assert dict(everything.filters)["Types d'établissement"] == "tous"
    assert dict(everything.filters)["EPCI"] == "tous"
    assert dict(everything.filters)["Tri"] == "Longitude (degrés, WGS 84), croissant"
    unsorted = table_views.residence_view(STORE, TableState(tab="residences"))
    assert dict(unsorted.filters)["Tri"] == "par département, commune et nom"
    assert dict(unsorted.filters)["Départements"] == "tous"
    # Both filters apply: an EPCI of the Nord is not in the Aisne.
    none = table_views.residence_view(STORE, TableState(tab="residences", departements=("02",), epcis=("200000002",)))
    assert none.frame.empty and dict(none.filters)["Lignes"] == "0 sur 4 établissements"


def test_residence_coordinates_and_sources():
    residences = tiny_residences()
    residences.loc[1, "geometry"] = Point(0.123456789, 49.987654321)
    residences.loc[3, "source"] = "FINESS (autre extraction)"
    view = table_views.residence_view(tiny_store(residences=residences), TableState(tab="residences"))
    assert view.frame.loc[0, ["longitude", "latitude"]].tolist() == [0.123457, 49.987654]
    # Every source of the establishments is cited, with the datasets the catalogue knows.
    assert view.sources[0]["Source"] == "FINESS (autre extraction) ; FINESS (test)"
    assert view.sources[0]["Jeu de données"] == "FINESS logement"


def test_residences_with_a_bare_typology():
    store = tiny_store()
    store.catalogue["residence_types"] = {}
    view = table_views.residence_view(store, TableState(tab="residences", residence_types=("fjt",)))
    assert view.frame["finess"].tolist() == ["590000001", "590000003"]
    assert dict(view.filters)["Types d'établissement"] == "fjt"
    assert view.sources[0]["Définition"] == ""
    assert table_indicators.table_choices(store).residence_types == ()


def test_residences_without_geometry_type_or_source_columns():
    plain = pd.DataFrame(tiny_residences().drop(columns=["geometry", "source", "type", "opening_date"]))
    view = table_views.residence_view(
        tiny_store(residences=plain), TableState(tab="residences", residence_types=("fjt",))
    )
    assert len(view.frame) == 4  # no type column: the type filter cannot apply
    assert view.frame["longitude"].isna().all() and view.frame["ouverture"].isna().all()
    assert view.sources[0]["Source"] == "" and view.sources[0]["Jeu de données"] == ""


# --- Files ---------------------------------------------------------------------------------------------------


def test_export_context_rows():
    view = epci_view()
    rows = context().filter_rows(view)
    assert rows[: len(view.filters)] == list(view.filters)
    assert rows[len(view.filters) :] == [
        ("Date d'export", "15/03/2026 10:30"),
        ("Données construites le", "14/03/2026"),
        ("Lien vers cette vue", PERMALINK),
    ]
    assert context(None).filter_rows(view)[len(view.filters) :] == [
        ("Date d'export", "15/03/2026 10:30"),
        ("Lien vers cette vue", PERMALINK),
    ]


def test_safe_frame_neutralises_text_only_and_keeps_missing_values():
    view = table_views.residence_view(STORE, TableState(tab="residences"))
    frame = table_files.safe_frame(view)
    assert frame["nom_etablissement"].tolist() == ["'=Pension", "Foyer A", "Résidence B", "Sans point"]
    assert frame["ouverture"].isna().tolist() == [True, False, False, True]
    assert view.frame["nom_etablissement"].iloc[0] == "=Pension"  # the view is untouched
    negative = table_views.View("territoires", "epci", pd.DataFrame({"v": [-1.5]}), (Column("v", "V", kind="decimal"),), gpd.GeoSeries([None]))  # fmt: skip
    assert table_files.safe_frame(negative)["v"].tolist() == [-1.5]


def test_csv_files_byte_for_byte():
    view = table_views.territory_view(
        STORE, TableState(level="epci", indicators=("population", "taux_pauvrete"), departements=("59",))
    )
    header = (
        "EPCI,Code EPCI (SIREN),Nature,Département principal,"
        '"Population municipale (habitants) [source : Insee, populations 2023 ; millésime : 2023]",'
        '"Taux de pauvreté (%, approximation) [source : Insee, Filosofi 2021 ; millésime : 2021]",'
        "Taux de pauvreté : couverture (% de la population)"
    )
    assert (
        spreadsheets.to_csv(view)
        == (f"{header}\r\nCA Deux,200000002,CA,59,45000,,0.0\r\nCC Trois,200000003,CC,59,8000,20.0,87.5\r\n").encode()
    )
    assert spreadsheets.to_csv(view) == spreadsheets.to_csv(view)
    excel = spreadsheets.to_csv(view, excel=True)
    assert (
        excel
        == (
            "\ufeffEPCI;Code EPCI (SIREN);Nature;Département principal;"
            '"Population municipale (habitants) [source : Insee, populations 2023 ; millésime : 2023]";'
            '"Taux de pauvreté (%, approximation) [source : Insee, Filosofi 2021 ; millésime : 2021]";'
            "Taux de pauvreté : couverture (% de la population)"
            "\r\nCA Deux;200000002;CA;59;45000;;0,0\r\nCC Trois;200000003;CC;59;8000;20,0;87,5\r\n"
        ).encode()
    )


def test_csv_quotes_a_text_holding_a_line_break():
    residences = tiny_residences()
    residences.loc[0, "name"] = "Résidence\nB; bis"
    view = table_views.residence_view(tiny_store(residences=residences), TableState(tab="residences"))
    lines = spreadsheets.to_csv(view, excel=True).decode("utf-8-sig").split("\r\n")
    assert lines[3].startswith('"Résidence\nB; bis";590000002;')
    assert lines[1].startswith("'=Pension;020000001;Pension de famille;")


def test_number_formats():
    assert spreadsheets.number_format(Column("a", "A", kind="integer", decimals=3)) == "#,##0"
    assert spreadsheets.number_format(Column("a", "A", kind="decimal", decimals=2)) == "#,##0.00"
    assert spreadsheets.number_format(Column("a", "A", kind="decimal", decimals=6)) == "#,##0.000000"
    assert spreadsheets.number_format(Column("a", "A", kind="decimal", decimals=0)) == "#,##0"


def xlsx_parts(content: bytes) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert {item.compress_type for item in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def column_widths(sheet_xml: str) -> list[float]:
    widths = []
    for low, high, width in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', sheet_xml):
        widths += [float(width)] * (int(high) - int(low) + 1)
    return widths


def test_xlsx_data_sheet_layout():
    view = epci_view()
    content = spreadsheets.to_xlsx(view, context())
    parts = xlsx_parts(content)
    sheet = parts[spreadsheets.DATA_SHEET_PATH]
    assert '<dimension ref="A1:H4"/>' in sheet and '<autoFilter ref="A1:H4"/>' in sheet
    # xlsxwriter stores a width w as w + 0.7109375: texts 12, names 34, numbers 14.
    assert column_widths(sheet) == [34.7109375, 12.7109375, 12.7109375, 12.7109375] + [14.7109375] * 4
    assert '<c r="E2" s="3"><v>1200</v></c>' in sheet  # an integer column holds integers
    assert '<c r="F3"' not in sheet  # a missing value is an empty cell, never 0
    assert "<dc:title>Résidences sociales — Hauts-de-France</dc:title>" in parts["docProps/core.xml"]
    assert f"<dc:description>{PERMALINK}</dc:description>" in parts["docProps/core.xml"]
    assert "2026-03-15T10:30:00Z</dcterms:created>" in parts["docProps/core.xml"]

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Données", "Sources", "Filtres"]
    data = workbook["Données"]
    assert data.freeze_panes == "C2" and data.row_dimensions[1].height == 60
    header = data["A1"]
    assert header.value == "EPCI" and header.font.b and header.alignment.wrap_text
    assert header.alignment.vertical == "top" and header.fill.fgColor.rgb == "FFE3E3FD"
    assert header.border.bottom.style == "thin"
    assert [cell.value for cell in data[1]] == view.headers
    assert [[cell.value for cell in row] for row in data.iter_rows(min_row=2)] == [
        ["CC Une", "200000001", "CC", "02", 1200, 12.35, 50, -0.5],
        ["CA Deux", "200000002", "CA", "59", 45000, None, 0, 0.25],
        ["CC Trois", "200000003", "CC", "59", 8000, 20, 87.5, 1],
    ]
    assert [type(cell.value) for cell in data[2]][4:6] == [int, float]
    assert [cell.number_format for cell in data[2]] == ["General"] * 4 + ["#,##0", "#,##0.00", "#,##0.0", "#,##0.00"]
    assert all(not cell.font.b for cell in data[2])


def test_xlsx_column_widths_of_a_residences_view():
    view = table_views.residence_view(STORE, TableState(tab="residences"))
    sheet = xlsx_parts(spreadsheets.to_xlsx(view, context()))[spreadsheets.DATA_SHEET_PATH]
    # nom_etablissement, finess, type, famille, code_commune, nom_commune, code_epci, nom_epci, code_departement,
    # ouverture, longitude, latitude: names 34
    assert column_widths(sheet) == [w + 0.7109375 for w in (34, 12, 12, 12, 12, 34, 12, 34, 12, 12, 14, 14)]


def test_xlsx_sources_and_filters_sheets_are_neutralised():
    """A text starting with =, +, -, @ is a formula for a spreadsheet, in every sheet (an EPCI or dataset name)."""
    store = tiny_store()
    store.catalogue["datasets"] = [
        {**entry, "title": '=HYPERLINK("http://x")'} if entry["id"] == "insee-pop" else entry for entry in DATASETS
    ]
    store.territories.loc[store.territories["code"] == "200000001", "name"] = "+CC Une"
    view = table_views.territory_view(store, TableState(level="epci", indicators=("population",), epcis=("200000001",)))
    workbook = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx(view, context(permalink="@lien"))))
    sources = list(workbook["Sources"].iter_rows(values_only=True))
    assert sources[0] == tuple(view.sources[0])
    assert sources[2][7] == '\'=HYPERLINK("http://x")'
    assert [list(row) for row in sources[1:]] == [
        [str(table_files.neutralise(value)) for value in row.values()] for row in view.sources
    ]
    filters = dict(workbook["Filtres"].iter_rows(min_row=2, values_only=True))
    assert filters["EPCI"] == "'+CC Une (200000001)"
    assert filters["Lien vers cette vue"] == "'@lien"
    assert filters["Lignes"] == "1 sur 3 EPCI"
    assert next(workbook["Filtres"].iter_rows(values_only=True)) == ("Filtre", "Valeur")
    assert workbook["Données"]["A2"].value == "'+CC Une"


def test_xlsx_sources_and_filters_sheets_layout():
    content = spreadsheets.to_xlsx(epci_view(), context())
    parts = xlsx_parts(content)
    assert column_widths(parts["xl/worksheets/sheet2.xml"]) == [
        width + 0.7109375 for width in (32, 30, 14, 50, 50, 36, 22, 40, 30, 30, 40, 50)
    ]
    assert column_widths(parts["xl/worksheets/sheet3.xml"]) == [26.7109375, 100.7109375]
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    for name in ("Sources", "Filtres"):
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        title, text = sheet["A1"], sheet["A2"]
        assert title.font.b and title.alignment.wrap_text and title.alignment.vertical == "top"
        assert title.fill.fgColor.rgb == "FFE3E3FD"
        assert not text.font.b and text.alignment.wrap_text and text.alignment.vertical == "top"
        assert text.data_type == "s"


def test_xlsx_of_a_view_without_sources_or_rows():
    empty = epci_view(thresholds=(Threshold("population", 10**9, None),))
    bare = table_views.View(
        "territoires", "epci", empty.frame, empty.columns, empty.geometry, sources=(), filters=empty.filters
    )
    content = spreadsheets.to_xlsx(bare, context())
    sheet = xlsx_parts(content)[spreadsheets.DATA_SHEET_PATH]
    assert '<autoFilter ref="A1:H2"/>' in sheet and '<dimension ref="A1:H1"/>' in sheet
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook["Données"].max_row == 1
    assert workbook["Sources"].max_row == 1 and workbook["Sources"]["A1"].value is None


def test_xlsx_of_a_view_with_a_single_source_row():
    view = epci_view()
    single = table_views.View("territoires", "epci", view.frame, view.columns, view.geometry, sources=view.sources[:1])
    rows = list(
        openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx(single, context())))["Sources"].iter_rows(
            values_only=True
        )
    )
    assert rows == [tuple(view.sources[0]), tuple(view.sources[0].values())]


def test_xlsx_cells_escape_xml_and_drop_illegal_characters():
    residences = tiny_residences()
    residences.loc[0, "name"] = "A & B <C>\x01\r\nD"
    view = table_views.residence_view(tiny_store(residences=residences), TableState(tab="residences"))
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx(view, context())))["Données"]
    assert sheet["A3"].value == "A & B <C>_x000D_\nD"
    assert spreadsheets._xml_text("a<b>&\x0b\ufffe\r") == "a&lt;b&gt;&amp;_x000D_"


def test_column_letters():
    assert [spreadsheets._column_letter(index) for index in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_data_rows_xml():
    frame = pd.DataFrame(
        {
            "t": pd.Series(["x", None, np.nan, pd.NA], dtype=object),
            "n": [1.0, np.nan, 30.0, 4.5],
            "d": [2.5, -0.125, np.nan, np.nan],
        }
    )
    columns = (
        Column("t", "T"),
        Column("n", "N", kind="integer"),
        Column("d", "D", kind="decimal", decimals=2),
    )
    view = table_views.View("territoires", None, frame, columns, gpd.GeoSeries([None] * 4))
    # Missing texts (None, NaN, NA) and numbers leave no cell; integers are written without « .0 ».
    assert spreadsheets._data_rows_xml(view, frame, ["5", "", "7"]) == (
        '<row r="2"><c r="A2" s="5" t="inlineStr"><is><t xml:space="preserve">x</t></is></c>'
        '<c r="B2"><v>1</v></c><c r="C2" s="7"><v>2.5</v></c></row>'
        '<row r="3"><c r="C3" s="7"><v>-0.125</v></c></row>'
        '<row r="4"><c r="B4"><v>30</v></c></row>'
        '<row r="5"><c r="B5"><v>4.5</v></c></row>'
    )


def test_fill_data_sheet_refuses_a_sheet_without_its_template_row():
    view = epci_view()
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(spreadsheets.DATA_SHEET)
    sheet.write_string(0, 0, "seulement l'en-tête")
    workbook.close()
    with pytest.raises(ValueError, match=r"^template row missing from the data sheet$"):
        spreadsheets._fill_data_sheet(buffer.getvalue(), view, view.frame)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(spreadsheets.DATA_SHEET)
    sheet.write_number(1, 0, 0)
    workbook.close()
    with pytest.raises(ValueError, match=r"^the template row must hold one cell per column$"):
        spreadsheets._fill_data_sheet(buffer.getvalue(), view, view.frame)


def test_records_are_json_ready():
    frame = pd.DataFrame(
        {
            "texte": pd.Series(["a", None], dtype="str"),
            "entier": pd.Series([1, None], dtype="Int64"),
            "decimal": [np.float32(1.5), np.nan],
            "brut": pd.Series([np.int64(3), None], dtype=object),
        }
    )
    records = table_files.records(frame)
    assert records == [
        {"texte": "a", "entier": 1, "decimal": 1.5, "brut": 3},
        {"texte": None, "entier": None, "decimal": None, "brut": None},
    ]
    assert [type(value) for value in records[0].values()] == [str, int, float, int]
    assert table_files.json_value(np.float64(2.0)) == 2.0 and type(table_files.json_value(np.float64(2.0))) is float
    assert table_grid.grid_rows(epci_view()) == table_files.records(epci_view().frame)


def test_metadata_of_a_view():
    view = table_views.territory_view(STORE, TableState(level="epci", indicators=("taux_pauvrete",)))
    meta = geodata.metadata(view, context())
    assert meta["titre"] == "Résidences sociales — Hauts-de-France"
    assert meta["colonnes"][4:] == [
        {
            "id": "taux_pauvrete",
            "libelle": "Taux de pauvreté (%, approximation)",
            "unite": "%",
            "source": "Insee, Filosofi 2021",
            "millesime": "2021",
            "approximation": True,
        },
        {
            "id": "couverture_taux_pauvrete",
            "libelle": "Taux de pauvreté : couverture (% de la population)",
            "unite": "% de la population",
            "source": None,
            "millesime": None,
            "approximation": False,
        },
    ]
    assert meta["colonnes"][0]["id"] == "nom_epci" and len(meta["colonnes"]) == 6
    assert meta["sources"] == list(view.sources)
    assert meta["filtres"] == dict(context().filter_rows(view))


def test_geojson_document():
    view = table_views.residence_view(STORE, TableState(tab="residences", departements=("59",)))
    document = json.loads(geodata.to_geojson(view, context()).decode("utf-8"))
    assert list(document) == ["type", "name", "metadata", "features"]
    assert (document["type"], document["name"]) == ("FeatureCollection", "etablissements")
    assert document["metadata"] == json.loads(json.dumps(geodata.metadata(view, context())))
    assert [feature["type"] for feature in document["features"]] == ["Feature"] * 3
    assert document["features"][0]["properties"] == {
        "finess": "590000001",
        "nom_etablissement": "Foyer A",
        "type": "Foyer de jeunes travailleurs",
        "famille": "Résidences sociales",
        "code_commune": "59001",
        "nom_commune": "Cité",
        "code_epci": "200000002",
        "nom_epci": "CA Deux",
        "code_departement": "59",
        "ouverture": "1999-01-01",
        "longitude": 2.123457,
        "latitude": 0.5,
    }
    assert document["features"][0]["geometry"] == {"type": "Point", "coordinates": [2.123456789, 0.5]}
    assert document["features"][2]["geometry"] is None  # no point: no position in a layer of points
    assert document["features"][2]["properties"]["longitude"] is None
    text = geodata.to_geojson(view, context()).decode("utf-8")  # UTF-8, not \u escapes
    assert '"famille": "Résidences sociales"' in text and '"titre": "Résidences sociales — Hauts-de-France"' in text
    no_geometry = table_views.View("etablissements", None, view.frame.head(1), view.columns, gpd.GeoSeries([None]))
    assert json.loads(geodata.to_geojson(no_geometry, context()))["features"][0]["geometry"] is None


def test_geopackage_layers(tmp_path: Path):
    view = epci_view(departements=("59",))
    path = tmp_path / "vue.gpkg"
    path.write_bytes(geodata.to_gpkg(view, context()))
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"territoires_epci": "MultiPolygon", "colonnes": None, "sources": None, "filtres": None}
    layer = pyogrio.read_dataframe(path, layer="territoires_epci")
    assert layer.crs.to_epsg() == 4326
    assert layer["population"].tolist() == [45000, 8000] and layer["population"].dtype == "int64"
    assert layer["taux_pauvrete"].isna().tolist() == [True, False]
    # An integer column with a missing value stays an integer column.
    residences = tiny_residences()
    with_gap = table_views.View(
        "territoires",
        "epci",
        pd.DataFrame({"n": pd.array([3, None], dtype="Int64")}),
        (Column("n", "N", kind="integer"),),
        gpd.GeoSeries(residences.geometry.iloc[:2].to_numpy(), crs="EPSG:4326"),
        sources=view.sources,
        layer="entiers",
    )
    integers = tmp_path / "entiers.gpkg"
    integers.write_bytes(geodata.to_gpkg(with_gap, context()))
    read = pyogrio.read_dataframe(integers, layer="entiers")
    assert read["n"].iloc[0] == 3 and pd.isna(read["n"].iloc[1]) and str(read["n"].dtype) in ("Int64", "float64")
    columns = pyogrio.read_dataframe(path, layer="colonnes", read_geometry=False)
    assert columns.to_dict("records")[4] == {
        "colonne": "population",
        "libelle": "Population municipale (habitants)",
        "source": "Insee, populations 2023",
        "millesime": "2023",
    }
    assert columns.to_dict("records")[0] == {
        "colonne": "nom_epci",
        "libelle": "EPCI",
        "source": "",
        "millesime": "",
    }
    sources = pyogrio.read_dataframe(path, layer="sources", read_geometry=False)
    assert list(sources.columns) == [
        "colonne",
        "donnee",
        "unite",
        "definition",
        "methode",
        "source",
        "millesime",
        "jeu_de_donnees",
        "producteur",
        "licence",
        "adresse",
        "couverture",
    ]
    assert sources.to_dict("records") == list(view.sources)[:0] + [
        dict(zip(sources.columns, row.values(), strict=True)) for row in view.sources
    ]
    filters = pyogrio.read_dataframe(path, layer="filtres", read_geometry=False)
    assert list(filters.columns) == ["filtre", "valeur"]
    assert list(filters.itertuples(index=False, name=None)) == context().filter_rows(view)
    points = tmp_path / "points.gpkg"
    residences = table_views.residence_view(STORE, TableState(tab="residences", residence_types=("generaliste",)))
    points.write_bytes(geodata.to_gpkg(residences, context()))
    assert dict(pyogrio.list_layers(points))["etablissements"] == "Point"


def test_field_names():
    assert table_files.field_name("Jeu de données") == "jeu_de_donnees"
    assert table_files.field_name("  Élan -- N° 2 ") == "elan_n_2"
    assert table_files.slug("Hébergement et logement") == "hebergement-et-logement"


def test_write_dispatches_on_the_format(tmp_path: Path):
    view = epci_view()
    assert table_formats.write(view, table_formats.FORMAT_CSV, context()) == spreadsheets.to_csv(view)
    assert table_formats.write(view, table_formats.FORMAT_CSV_EXCEL, context()) == spreadsheets.to_csv(view, excel=True)
    assert table_formats.write(view, table_formats.FORMAT_GEOJSON, context()) == geodata.to_geojson(view, context())
    xlsx = openpyxl.load_workbook(io.BytesIO(table_formats.write(view, table_formats.FORMAT_XLSX, context())))
    assert xlsx.sheetnames == ["Données", "Sources", "Filtres"]
    path = tmp_path / "vue.gpkg"
    path.write_bytes(table_formats.write(view, table_formats.FORMAT_GPKG, context()))
    assert "territoires_epci" in dict(pyogrio.list_layers(path))
    with pytest.raises(KeyError, match="pdf"):
        table_formats.write(view, "pdf", context())


# --- Grid ----------------------------------------------------------------------------------------------------


def number_formatter(decimals: int) -> dict[str, str]:
    return {
        "function": "params.value == null ? 'n.d.' : d3.formatLocale({decimal: ',', thousands: '\u202f', "
        f"grouping: [3], currency: ['', '']}}).format(',.{decimals}f')(params.value)"
    }


def test_grid_leaves():
    view = epci_view()
    leaf = table_grid._grid_leaf(view.column("taux_pauvrete"), Sort("taux_pauvrete"))
    assert leaf == {
        "field": "taux_pauvrete",
        "colId": "taux_pauvrete",
        "headerName": "Taux de pauvreté (%, approximation)",
        "sort": "asc",
        "wrapHeaderText": True,
        "autoHeaderHeight": True,
        "type": "rightAligned",
        "cellDataType": "number",
        "width": 150,
        "valueFormatter": number_formatter(2),
        "headerTooltip": "Pauvreté. Source : Insee, Filosofi 2021 (millésime 2021). Approximation : voir la colonne "
        "de couverture et l'onglet « Sources » du fichier XLSX.",
    }
    population = table_grid._grid_leaf(view.column("population"), Sort("population", True))
    assert population["sort"] == "desc" and population["valueFormatter"] == number_formatter(0)
    assert population["headerTooltip"] == "Source : Insee, populations 2023 (millésime 2023)."
    assert table_grid._grid_leaf(view.column("couverture_taux_pauvrete"), None)["headerTooltip"] == (
        "Part de la population du territoire couverte par les données de l'indicateur."
    )
    assert table_grid._grid_leaf(view.column("nom_epci"), Sort("code_epci"), pinned=True) == {
        "field": "nom_epci",
        "colId": "nom_epci",
        "headerName": "EPCI",
        "sort": None,
        "wrapHeaderText": True,
        "autoHeaderHeight": True,
        "cellDataType": "text",
        "width": 240,
        "tooltipField": "nom_epci",
        "pinned": "left",
    }
    assert table_grid._grid_leaf(view.column("code_epci"), None) == {
        "field": "code_epci",
        "colId": "code_epci",
        "headerName": "Code EPCI (SIREN)",
        "sort": None,
        "wrapHeaderText": True,
        "autoHeaderHeight": True,
        "cellDataType": "text",
        "width": 130,
    }
    undefined = Column("x", "X", "u", "decimal", 1, role="indicator", source="S", vintage="V")
    assert table_grid._grid_leaf(undefined, None)["headerTooltip"] == "None Source : S (millésime V)."
    blank = Column("x", "X", "u", "decimal", 1, role="indicator", source="S", vintage="V", definition="")
    assert table_grid._grid_leaf(blank, None)["headerTooltip"] == "Source : S (millésime V)."


def test_grid_groups_consecutive_columns_of_a_theme():
    view = epci_view()
    defs = table_grid.grid_column_defs(view, Sort("population"))
    assert [item.get("field") for item in defs[:4]] == ["nom_epci", "code_epci", "nature", "code_departement"]
    assert [item.get("pinned") for item in defs[:2]] == ["left", None]  # the first column only: order kept
    groups = [(item["headerName"], item["groupId"], [leaf["field"] for leaf in item["children"]]) for item in defs[4:]]
    assert groups == [
        ("Démographie", "theme-4-demographie", ["population"]),
        ("precarite", "theme-5-precarite", ["taux_pauvrete", "couverture_taux_pauvrete"]),
        ("Démographie", "theme-6-demographie", ["evolution_population"]),
    ]
    assert defs[4]["children"][0]["sort"] == "asc"
    columns = (view.column("population"), view.column("code_epci"), view.column("evolution_population"))
    shuffled = table_views.View("territoires", "epci", view.frame, columns, view.geometry)
    assert [item.get("groupId", item.get("field")) for item in table_grid.grid_column_defs(shuffled, None)] == [
        "theme-0-demographie",
        "code_epci",
        "theme-2-demographie",
    ]


# --- File names ----------------------------------------------------------------------------------------------


def test_filter_summaries():
    assert table_formats.filter_summary(TableState()) == "hdf"
    assert table_formats.filter_summary(TableState(departements=("02", "59", "60"))) == "dep-02-59-60"
    assert table_formats.filter_summary(TableState(departements=("02", "59", "60", "62"))) == "4-dep"
    assert table_formats.filter_summary(TableState(epcis=("200000001",))) == "epci-200000001"
    assert table_formats.filter_summary(TableState(epcis=("200000001", "200000002"))) == "2-epci"
    assert table_formats.filter_summary(TableState(level="departement", epcis=("200000001",))) == "hdf"
    thresholds = (Threshold("population", 1, None), Threshold("taux_pauvrete", None, 2))
    assert table_formats.filter_summary(TableState(thresholds=thresholds[:1])) == "1-seuil"
    assert table_formats.filter_summary(TableState(departements=("59",), thresholds=thresholds)) == "dep-59_2-seuils"
    residences = TableState(tab="residences", level="departement", epcis=("200000001",), thresholds=thresholds)
    assert table_formats.filter_summary(residences) == "epci-200000001"
    assert table_formats.filter_summary(TableState(tab="residences", residence_types=("pension_de_famille",))) == (
        "pension-de-famille"
    )
    assert table_formats.filter_summary(TableState(tab="residences", residence_types=("fjt", "chrs"))) == "2-types"


def test_file_names():
    day = date(2026, 3, 15)
    state = TableState(level="commune", departements=("59",))
    assert (
        table_formats.filename(state, table_formats.FORMAT_CSV_EXCEL, day)
        == "territoires_commune_2026-03-15_dep-59_excel.csv"
    )
    assert table_formats.filename(state, table_formats.FORMAT_CSV, day) == "territoires_commune_2026-03-15_dep-59.csv"
    assert (
        table_formats.filename(state, table_formats.FORMAT_GEOJSON, day)
        == "territoires_commune_2026-03-15_dep-59.geojson"
    )
    assert (
        table_formats.filename(TableState(tab="residences"), table_formats.FORMAT_XLSX, day)
        == "etablissements_2026-03-15_hdf.xlsx"
    )
