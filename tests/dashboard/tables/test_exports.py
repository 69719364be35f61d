"""Tables page state and downloads, without a browser: every file opens with a real reader and equals the view."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box

from dashboard.core.perimeter import APP_NAME, perimeter
from dashboard.core.store import Store, load_store
from dashboard.tables import files as table_files
from dashboard.tables import formats as table_formats
from dashboard.tables import geodata, spreadsheets
from dashboard.tables import grid as table_grid
from dashboard.tables import indicators as table_indicators
from dashboard.tables import views as table_views
from dashboard.tables.state import (
    DEFAULT_LEVEL,
    Sort,
    TableChoices,
    Threshold,
    from_controls,
    parse_number,
    parse_query,
    sort_from_column_state,
    to_query,
)

EXPORTED_AT = datetime(2026, 3, 15, 10, 30, tzinfo=UTC)
PERMALINK = "http://localhost/tableaux?niveau=epci"


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


@pytest.fixture(scope="module")
def choices(store: Store) -> TableChoices:
    return table_indicators.table_choices(store)


def context(store: Store | None = None) -> table_files.ExportContext:
    return table_files.ExportContext(
        EXPORTED_AT, PERMALINK, store.built_at if store else None, title=perimeter(store).title if store else APP_NAME
    )


def state_of(choices: TableChoices, **query: str):
    state, notices = parse_query(query, choices)
    assert notices == [], notices
    return state


def expected_values(store: Store, level: str, indicator: str) -> pd.Series:
    long = store.indicators
    rows = long.loc[(long["level"] == level) & (long["indicator"] == indicator)]
    return rows.set_index("code")["value"]


# --- URL state --------------------------------------------------------------------------------------------

TINY_CHOICES = TableChoices(
    indicators={"commune": ("population", "taux_pauvrete"), "epci": ("population", "taux_pauvrete", "nb_fjt")},
    departements=("02", "59"),
    epcis=("200000001", "200000002"),
    residence_types=("fjt", "chrs"),
    featured=("population", "taux_pauvrete", "revenu_median"),
)


def test_empty_query_gives_defaults():
    state, notices = parse_query({}, TINY_CHOICES)
    assert notices == []
    assert state.level == DEFAULT_LEVEL
    assert state.indicators == ("population", "taux_pauvrete")
    assert to_query(state) == "niveau=epci&indicateurs=population,taux_pauvrete"


def test_bad_values_are_ignored_with_a_french_notice():
    query = {
        "niveau": "canton",
        "indicateurs": "inconnu,nb_fjt",
        "dep": "75,59",
        "epci": "123",
        "min_population": "beaucoup",
        "max_nb_fjt": "2",
        "min_nb_fjt": "5",
        "tri": "-zzz",
        "onglet": "cartes",
        "utm_source": "x",
    }
    state, notices = parse_query(query, TINY_CHOICES)
    assert state.level == "epci" and state.tab == "territoires"
    assert state.indicators == ("nb_fjt",)
    assert state.departements == ("59",) and state.epcis == ()
    assert state.thresholds == () and state.sort is None
    text = " ".join(notices)
    for expected in (
        "Niveau « canton » inconnu",
        "Indicateur « inconnu » inconnu",
        "Département « 75 » inconnu",
        "EPCI « 123 » inconnu",
        "« min_population=beaucoup » ignoré : un nombre est attendu",
        "le minimum dépasse le maximum",
        "Tri « -zzz » impossible",
        "Onglet « cartes » inconnu",
        "Paramètre « utm_source » inconnu",
    ):
        assert expected in text


def test_thresholds_accept_a_decimal_comma_and_add_their_column():
    state, notices = parse_query(
        {"niveau": "commune", "indicateurs": "population", "min_taux_pauvrete": "12,5", "tri": "-taux_pauvrete"},
        TINY_CHOICES,
    )
    assert notices == []
    assert state.thresholds == (Threshold("taux_pauvrete", 12.5, None),)
    assert state.indicators == ("population", "taux_pauvrete")
    assert state.sort == Sort("taux_pauvrete", descending=True)
    assert parse_number("1\u202f234,5") == 1234.5 and parse_number("abc") is None and parse_number("inf") is None


def test_query_round_trip_and_catalogue_column_order():
    query = {
        "onglet": "residences",
        "niveau": "epci",
        "indicateurs": "nb_fjt,population",
        "dep": "59",
        "epci": "200000002",
        "max_population": "50000",
        "tri": "nom",
        "types": "chrs",
        "tri_residences": "-finess",
    }
    state, notices = parse_query(query, TINY_CHOICES)
    assert notices == []
    assert state.indicators == ("population", "nb_fjt")
    again, again_notices = parse_query(dict(pair.split("=") for pair in to_query(state).split("&")), TINY_CHOICES)
    assert again == state and again_notices == []


def test_controls_are_validated_like_the_url():
    state = from_controls(
        TINY_CHOICES,
        tab="territoires",
        level="commune",
        indicators=["population", "nb_fjt"],
        departements=["02"],
        epcis=[],
        thresholds=[("population", "1 000", None), (None, "3", "4"), ("taux_pauvrete", "x", "")],
        sort="-nb_fjt",
    )
    assert state.indicators == ("population",)  # nb_fjt is not available for communes
    assert state.thresholds == (Threshold("population", 1000.0, None),)
    assert state.sort is None  # its column left the table


def test_sort_from_the_grid_column_state():
    assert sort_from_column_state([{"colId": "code", "sort": None}, {"colId": "population", "sort": "desc"}]) == Sort(
        "population", True
    )
    assert sort_from_column_state([{"colId": "code"}]) is None
    assert sort_from_column_state(None) is None


# --- Views on the real build --------------------------------------------------------------------------


def test_epci_view_filters_sorts_and_keeps_missing_values(store: Store, choices: TableChoices):
    state = state_of(
        choices, niveau="epci", indicateurs="population,taux_pauvrete", dep="59,62", min_population="50000",
        tri="-population",
    )  # fmt: skip
    view = table_views.territory_view(store, state)
    frame = view.frame
    epci = store.territories.loc[store.territories["level"] == "epci"].set_index("code")
    population = expected_values(store, "epci", "population")
    expected_codes = [
        code for code in epci.index if epci.at[code, "departement_code"] in ("59", "62") and population[code] >= 50000
    ]
    assert sorted(frame["code_epci"]) == sorted(expected_codes)
    assert frame["population"].is_monotonic_decreasing
    assert frame["population"].tolist() == [int(population[code]) for code in frame["code_epci"]]
    assert view.total == store.count_territories("epci")
    # Taux de pauvreté is an approximation above the commune: flagged, with its coverage next to it.
    assert [c.id for c in view.columns][-3:] == ["population", "taux_pauvrete", "couverture_taux_pauvrete"]
    assert view.column("taux_pauvrete").approximation
    assert view.column("taux_pauvrete").header == "Taux de pauvreté (%, approximation)"
    coverage = store.indicators.loc[
        (store.indicators["level"] == "epci") & (store.indicators["indicator"] == "taux_pauvrete")
    ].set_index("code")["coverage"]
    assert np.allclose(frame["couverture_taux_pauvrete"], (coverage[frame["code_epci"]] * 100).round(1).to_numpy())


def test_commune_view_never_turns_missing_into_zero(store: Store, choices: TableChoices):
    view = table_views.territory_view(store, state_of(choices, niveau="commune", indicateurs="taux_pauvrete"))
    values = expected_values(store, "commune", "taux_pauvrete")
    missing = values[values.isna()].index
    assert len(missing) > 0
    shown = view.frame.set_index("code_commune")["taux_pauvrete"]
    in_view = [code for code in missing if code in shown.index]
    assert in_view and shown[in_view].isna().all()
    assert not view.column("taux_pauvrete").approximation  # published as is for communes
    assert "couverture_taux_pauvrete" not in view.frame
    assert len(view.frame) == store.count_territories("commune")


def test_residences_view_filters_by_epci_and_type(store: Store, choices: TableChoices):
    residences = store.residences
    epci = residences["epci_code"].value_counts().index[0]
    state = state_of(choices, onglet="residences", epci=epci, types="pension_de_famille,fjt")
    view = table_views.view_of(store, state)
    expected = residences.loc[
        (residences["epci_code"] == epci) & residences["type"].isin(["pension_de_famille", "fjt"])
    ]
    assert sorted(view.frame["finess"]) == sorted(expected["finess"])
    assert set(view.frame["type"]) <= {"Pension de famille", "Foyer de jeunes travailleurs"}
    assert view.total == len(residences)
    assert view.sources[0]["Source"] == "FINESS (DREES), extraction du 08/01/2021"


# --- Files ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def epci_view(store: Store, choices: TableChoices) -> table_views.View:
    state = state_of(
        choices, niveau="epci", indicateurs="population,evolution_population,taux_pauvrete,nb_pension_de_famille",
        dep="80,02", tri="-evolution_population",
    )  # fmt: skip
    return table_views.territory_view(store, state)


def test_french_csv_reads_back_in_pandas(epci_view: table_views.View):
    content = spreadsheets.to_csv(epci_view, excel=True)
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert ";" in text.splitlines()[0] and re.search(r"\d,\d", text)
    read = pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig", dtype=text_dtypes(epci_view))
    assert_same_as_view(read, epci_view, [c.csv_header for c in epci_view.columns])
    header = read.columns[epci_view.frame.columns.get_loc("population")]
    assert header == "Population municipale (habitants) [source : Insee, populations légales 2023 ; millésime : 2023]"


def test_standard_csv_reads_back_in_pandas(epci_view: table_views.View):
    content = spreadsheets.to_csv(epci_view)
    assert not content.startswith("\ufeff".encode())
    read = pd.read_csv(io.BytesIO(content), dtype=text_dtypes(epci_view))
    assert_same_as_view(read, epci_view, [c.csv_header for c in epci_view.columns])


def text_dtypes(view: table_views.View) -> dict[str, type]:
    """Read text columns as text, as a planner would import codes such as '02'."""
    return {column.csv_header: str for column in view.columns if not column.numeric}


def assert_same_as_view(read: pd.DataFrame, view: table_views.View, headers: list[str]) -> None:
    assert list(read.columns) == headers
    assert len(read) == len(view.frame)
    for position, column in enumerate(view.columns):
        got = read.iloc[:, position]
        want = view.frame[column.id]
        if column.numeric:
            assert np.allclose(got.astype(float), want.astype(float), equal_nan=True), column.id
            assert got.isna().tolist() == want.isna().tolist(), column.id
        else:
            assert got.astype(str).tolist() == want.astype(str).tolist(), column.id


def test_xlsx_has_data_sources_and_filters_sheets(store: Store, epci_view: table_views.View):
    workbook = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx(epci_view, context(store))))
    assert workbook.sheetnames == ["Données", "Sources", "Filtres"]
    data = workbook["Données"]
    assert data.freeze_panes == "C2"
    rows = list(data.iter_rows(values_only=True))
    assert list(rows[0]) == epci_view.headers
    read = pd.DataFrame(rows[1:], columns=rows[0])
    assert_same_as_view(read, epci_view, epci_view.headers)
    population = epci_view.headers.index("Population municipale (habitants)") + 1
    evolution = epci_view.headers.index("Évolution annuelle de la population (% par an)") + 1
    assert data.cell(row=2, column=population).number_format == "#,##0"
    assert data.cell(row=2, column=evolution).number_format == "#,##0.00"
    assert data.cell(row=2, column=evolution).data_type == "n"

    sources = list(workbook["Sources"].iter_rows(values_only=True))
    header = sources[0]
    assert header[:7] == ("Colonne", "Donnée", "Unité", "Définition", "Méthode", "Source", "Millésime")
    assert {"Producteur", "Licence", "Adresse", "Couverture"} <= set(header)
    by_column = {row[0]: dict(zip(header, row, strict=True)) for row in sources[1:]}
    for column in epci_view.columns:
        if column.role == "indicator":
            row = by_column[column.header]
            assert row["Source"] == column.source and row["Millésime"] == column.vintage
            assert row["Licence"] and row["Adresse"].startswith("https://")
    assert by_column["Taux de pauvreté (%, approximation)"]["Méthode"].startswith("APPROXIMATION")
    assert "part de la population couverte" in by_column["Taux de pauvreté (%, approximation)"]["Couverture"]

    filters = dict(workbook["Filtres"].iter_rows(min_row=2, values_only=True))
    assert filters["Départements"] == "02 Aisne, 80 Somme"
    assert filters["Date d'export"] == "15/03/2026 10:30"
    assert filters["Lien vers cette vue"] == PERMALINK
    assert filters["Tri"] == "Évolution annuelle de la population (% par an), décroissant"


def test_geojson_and_geopackage_hold_the_view(store: Store, epci_view: table_views.View, tmp_path: Path):
    geojson = tmp_path / "vue.geojson"
    geojson.write_bytes(geodata.to_geojson(epci_view, context(store)))
    document = json.loads(geojson.read_text(encoding="utf-8"))
    assert document["metadata"]["filtres"]["Lien vers cette vue"] == PERMALINK
    assert {c["id"]: c["source"] for c in document["metadata"]["colonnes"]}["population"] == (
        "Insee, populations légales 2023"
    )
    gpkg = tmp_path / "vue.gpkg"
    gpkg.write_bytes(geodata.to_gpkg(epci_view, context(store)))
    layers = dict(pyogrio.list_layers(gpkg))
    assert layers[epci_view.layer] == "MultiPolygon"
    assert {"sources", "filtres", "colonnes"} <= set(layers)
    for path, layer in ((geojson, None), (gpkg, epci_view.layer)):
        read = pyogrio.read_dataframe(path, layer=layer)
        assert read.crs.to_epsg() == 4326
        assert list(read.columns[:-1]) == list(epci_view.frame.columns)
        assert_same_as_view(read.drop(columns="geometry"), epci_view, list(epci_view.frame.columns))
        assert read.geometry.notna().all() and not read.geometry.is_empty.any()
    sources = pyogrio.read_dataframe(gpkg, layer="sources", read_geometry=False)
    assert "Insee, populations légales 2023" in set(sources["source"])


def test_every_format_of_a_residences_view(store: Store, choices: TableChoices, tmp_path: Path):
    view = table_views.view_of(store, state_of(choices, onglet="residences", dep="80", types="pension_de_famille"))
    assert len(view.frame) > 0
    for key in table_formats.FORMATS:
        content = table_formats.write(view, key, context(store))
        path = tmp_path / f"etablissements.{table_formats.FORMATS[key].extension}"
        path.write_bytes(content)
        if key in (table_formats.FORMAT_GEOJSON, table_formats.FORMAT_GPKG):
            read = pyogrio.read_dataframe(path, layer=view.layer if key == table_formats.FORMAT_GPKG else None)
            assert read["finess"].tolist() == view.frame["finess"].tolist()
            assert np.allclose(read.geometry.x, view.frame["longitude"], atol=1e-6)
        elif key == table_formats.FORMAT_XLSX:
            rows = list(openpyxl.load_workbook(path)["Données"].iter_rows(values_only=True))
            assert [row[1] for row in rows[1:]] == view.frame["finess"].tolist()
        else:
            options = {"sep": ";", "decimal": ","} if key == table_formats.FORMAT_CSV_EXCEL else {}
            read = pd.read_csv(path, dtype=str, encoding="utf-8-sig", **options)
            assert read["N° FINESS"].tolist() == view.frame["finess"].tolist()


def test_file_names_carry_level_date_and_filters(choices: TableChoices):
    day = date(2026, 3, 15)
    state = state_of(choices, niveau="commune", dep="59,62", min_population="1000")
    assert (
        table_formats.filename(state, table_formats.FORMAT_CSV_EXCEL, day)
        == "territoires_commune_2026-03-15_dep-59-62_1-seuil_excel.csv"
    )
    assert (
        table_formats.filename(state_of(choices), table_formats.FORMAT_GPKG, day)
        == "territoires_epci_2026-03-15_hdf.gpkg"
    )
    residences = state_of(choices, onglet="residences", types="fjt")
    assert table_formats.filename(residences, table_formats.FORMAT_XLSX, day) == "etablissements_2026-03-15_fjt.xlsx"


def test_grid_columns_follow_the_view_and_its_sort(epci_view: table_views.View):
    defs = table_grid.grid_column_defs(epci_view, Sort("evolution_population", True))
    leaves = [leaf for item in defs for leaf in item.get("children", [item])]
    assert [leaf["field"] for leaf in leaves] == list(epci_view.frame.columns)
    assert {leaf["field"]: leaf["sort"] for leaf in leaves if leaf["sort"]} == {"evolution_population": "desc"}
    groups = [item["headerName"] for item in defs if "children" in item]
    assert groups == ["Logement", "Précarité", "Hébergement et logement accompagné"]
    rows = table_grid.grid_rows(epci_view)
    json.dumps(rows, allow_nan=False)  # missing values are null, never NaN
    assert rows[0]["code_epci"] == epci_view.frame["code_epci"].iloc[0]


# --- Formula injection ----------------------------------------------------------------------------------

HOSTILE_NAMES = ['=HYPERLINK("http://x")', "+33 1 23", "-2+3", "@SUM(A1)", "\tTab", "\rRetour", "Ordinaire"]


def hostile_store() -> Store:
    """A handmade store whose names start with formula characters and whose values are negative."""
    codes = [f"0200{i}" for i in range(len(HOSTILE_NAMES))]
    territories = gpd.GeoDataFrame(
        {
            "level": ["commune"] * len(codes) + ["epci", "departement"],
            "code": [*codes, "200000001", "02"],
            "name": [*HOSTILE_NAMES, "=EPCI", "Aisne"],
            "kind": [None] * len(codes) + ["CC", None],
            "departement_code": ["02"] * len(codes) + ["02", None],
            "epci_code": ["200000001"] * len(codes) + [None, None],
            "in_region": [True] * (len(codes) + 2),
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))] + [box(0, 0, 9, 1), box(0, 0, 9, 2)],
        crs="EPSG:4326",
    )
    indicators = pd.DataFrame(
        {
            "level": "commune",
            "code": codes,
            "indicator": "evolution_population",
            "value": [-1.25, -0.5, 0.0, 1.5, np.nan, -3.0, 2.0],
            "source": "Insee, test",
            "vintage": "test",
            "coverage": 1.0,
        }
    )
    residences = gpd.GeoDataFrame(
        {
            "finess": ["020000001"],
            "name": ["-RESIDENCE"],
            "type": ["fjt"],
            "type_label": ["Foyer de jeunes travailleurs"],
            "family": ["residence_sociale"],
            "family_label": ["Résidences sociales"],
            "commune_code": [codes[0]],
            "commune_name": ["=Commune"],
            "epci_code": ["200000001"],
            "departement_code": ["02"],
            "opening_date": [None],
            "source": ["FINESS (test)"],
        },
        geometry=[Point(0.5, 0.5)],
        crs="EPSG:4326",
    )
    catalogue = {
        "datasets": [],
        "indicators": [
            {
                "id": "evolution_population",
                "label": "Évolution annuelle de la population",
                "unit": "% par an",
                "theme": "logement",
                "theme_label": "Logement",
                "method": "taux_annuel",
                "method_label": "Taux annuel.",
                "datasets": [],
                "available": True,
            }
        ],
        "themes": {"logement": "Logement"},
        "residence_types": {"labels": {"fjt": "Foyer de jeunes travailleurs"}, "residence_sociale": ["fjt"]},
    }
    return Store(territories, indicators, residences, {}, catalogue, EXPORTED_AT)


def test_neutralise_prefixes_only_dangerous_text():
    assert [table_files.neutralise(name) for name in HOSTILE_NAMES] == [
        '\'=HYPERLINK("http://x")',
        "'+33 1 23",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTab",
        "'\rRetour",
        "Ordinaire",
    ]
    assert table_files.neutralise(-3.5) == -3.5 and table_files.neutralise(None) is None


def test_csv_and_xlsx_neutralise_text_but_keep_numbers():
    store = hostile_store()
    choices = table_indicators.table_choices(store)
    state, _ = parse_query({"niveau": "commune", "indicateurs": "evolution_population"}, choices)
    view = table_views.territory_view(store, state)
    assert view.frame["nom_commune"].tolist() == HOSTILE_NAMES  # the view itself is untouched
    expected_names = [table_files.neutralise(name) for name in HOSTILE_NAMES]

    for excel, options in ((True, {"sep": ";", "decimal": ","}), (False, {})):
        read = pd.read_csv(
            io.BytesIO(spreadsheets.to_csv(view, excel=excel)), encoding="utf-8-sig", dtype={0: str}, keep_default_na=False,
            na_values=[""], **options,
        )  # fmt: skip
        assert read["Commune"].tolist() == expected_names
        assert read["EPCI"].tolist() == ["'=EPCI"] * len(HOSTILE_NAMES)
        values = read.iloc[:, 5]
        assert values.dtype == float
        assert values.tolist()[:4] == [-1.25, -0.5, 0.0, 1.5] and np.isnan(values.iloc[4])

    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx(view, context())))["Données"]
    names = [sheet.cell(row=row, column=1) for row in range(2, 2 + len(HOSTILE_NAMES))]
    # XLSX stores a carriage return as the escape _x000D_ (Excel decodes it; openpyxl does not).
    assert [cell.value.replace("_x000D_", "\r") for cell in names] == expected_names
    assert all(cell.data_type == "s" for cell in names)
    numbers = [sheet.cell(row=row, column=6) for row in range(2, 2 + len(HOSTILE_NAMES))]
    assert [cell.value for cell in numbers] == [-1.25, -0.5, 0, 1.5, None, -3, 2]
    assert all(cell.data_type == "n" for cell in numbers if cell.value is not None)

    residences = table_views.view_of(store, parse_query({"onglet": "residences"}, choices)[0])
    sheet = openpyxl.load_workbook(io.BytesIO(spreadsheets.to_xlsx(residences, context())))["Données"]
    row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert row["Nom de l'établissement"] == "'-RESIDENCE" and row["Commune"] == "'=Commune"
    assert row["Longitude (degrés, WGS 84)"] == 0.5
