"""Issue 19: the API and downloads as a script, a browser on another site, GDAL and a spreadsheet use them."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import warnings
from pathlib import Path

import dash
import pandas as pd
import pyogrio
import pytest
import shapely
from flask.testing import FlaskClient

from dashboard.api import spec
from dashboard.needs import state as needs_state


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


def test_a_repeated_request_with_its_etag_gets_304(client: FlaskClient):
    url = "/api/v1/indicators?level=epci&indicator=population"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    assert first.headers["Last-Modified"] and first.headers["Cache-Control"] == "public, max-age=3600"
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    assert client.get(url, headers={"If-None-Match": 'W/"autre"'}).status_code == 200
    other = client.get(url + ",taux_pauvrete")
    assert other.headers["ETag"] != first.headers["ETag"]  # the parameters are in the tag
    zipped = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert zipped.status_code == 304  # weak tag: the same data, gzipped or not


def test_api_answers_are_readable_from_another_site(client: FlaskClient):
    for url in ("/api/v1/territories?level=epci", "/api/v1/openapi.json", "/api/v1/territories?level=zzz"):
        response = client.get(url, headers={"Origin": "https://observatoire.example.org"})
        assert response.headers["Access-Control-Allow-Origin"] == "*", url
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/territories", headers={"Access-Control-Request-Method": "GET"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_reading_every_commune_page_by_page_gives_the_full_csv(client: FlaskClient):
    base = "/api/v1/indicators?level=commune&indicator=population,taux_pauvrete"
    full = pd.read_csv(io.BytesIO(client.get(base + "&format=csv").data), dtype=str, keep_default_na=False)
    pages, url = [], base + "&limite=2000"
    while url:
        body = client.get(url).get_json()
        pages.extend(body["donnees"])
        assert body["total"] == len(full) and body["nombre"] == len(body["donnees"]) <= 2000
        url = body["suivant"]
    assert len(pages) == len(full) == 2 * 3831
    read = pd.DataFrame(pages)
    assert read["code_commune"].tolist() == full["code_commune"].tolist()
    assert read["indicateur"].tolist() == full["indicateur"].tolist()
    shown = read["valeur"].map(lambda value: "" if value is None or pd.isna(value) else f"{value:.12g}")
    assert shown.tolist() == full["valeur"].tolist()
    # CSV pages too, with a Link header and the total count.
    first = client.get(base + "&format=csv&limite=5000&debut=5000&_=1700000000")
    assert first.headers["X-Total-Count"] == str(len(full)) and 'rel="prev"' in first.headers["Link"]
    assert 'rel="next"' not in first.headers["Link"] and "_=" not in first.headers["Link"]
    assert len(pd.read_csv(io.BytesIO(first.data))) == len(full) - 5000


def test_fields_and_bad_pages_are_checked(client: FlaskClient):
    body = client.get("/api/v1/territories?level=commune&champs=nom_commune,code_commune&limite=3").get_json()
    assert [list(row) for row in body["territoires"]] == [["nom_commune", "code_commune"]] * 3
    for query, parameter in (("champs=zzz", "champs"), ("limite=0", "limite"), ("debut=-1", "debut")):
        response = client.get(f"/api/v1/territories?level=commune&{query}")
        assert response.status_code == 400 and response.get_json()["erreur"]["parametre"] == parameter
    assert "code_commune" in client.get("/api/v1/territories?level=commune&champs=zzz").get_json()["erreur"]["message"]
    # The cache-buster `_` is ignored (and stays out of the cache key); other unknown parameters are not.
    assert client.get("/api/v1/territories?level=epci&_=123").status_code == 200
    assert client.get("/api/v1/territories?level=epci&_=124").headers["X-Cache"] == "HIT"
    assert client.get("/api/v1/needs?_=1").status_code == 200
    assert client.get("/api/v1/territories?level=epci&x=1").status_code == 400


def test_json_csv_and_downloads_are_compressed(client: FlaskClient):
    for url in (
        "/api/v1/territories?level=commune&format=csv",
        "/api/v1/territories?level=commune",
        "/telecharger/csv?niveau=commune",
        "/telecharger/geojson?niveau=epci",
        "/telecharger/gpkg?niveau=epci",
    ):
        plain = client.get(url)
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain.headers, url
        assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"], url
        assert len(zipped.data) < len(plain.data) / 2, url
        if "telecharger" not in url:
            assert gzip.decompress(zipped.data) == plain.data


def test_openapi_is_written_from_the_declarations_the_api_checks(client: FlaskClient):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": "/api/v1"}]
    assert set(document["paths"]) == {endpoint.path for endpoint in spec.ENDPOINTS}
    for endpoint in spec.ENDPOINTS:
        operation = document["paths"][endpoint.path]["get"]
        assert [p["name"] for p in operation["parameters"]] == list(endpoint.names)
        assert all(p["description"] for p in operation["parameters"])
        assert {"200", "304", "400"} <= set(operation["responses"])
        # Every declared parameter is accepted by the route, and its example answers 200.
        assert client.get(operation["x-exemple"]).status_code == 200, endpoint.path
    needs = {p["name"] for p in document["paths"]["/needs"]["get"]["parameters"]}
    assert set(needs_state.SCENARIO_PARAMS) <= needs  # projets= included
    level = document["paths"]["/indicators"]["get"]["parameters"][0]
    assert level["required"] and level["schema"]["enum"] == list(spec.API_LEVELS)
    coverage = document["paths"]["/indicators"]["get"]["responses"]["200"]["content"]["application/json"]
    rows = coverage["schema"]["properties"]["donnees"]["items"]["properties"]
    assert rows["couverture"]["description"].endswith("(%)")
    assert client.get("/api/v1/").get_json()["openapi"] == "/api/v1/openapi.json"


def test_the_api_page_is_readable_without_javascript(client: FlaskClient):
    response = client.get("/api")
    page = response.text
    assert response.status_code == 200 and response.mimetype == "text/html" and "<script" not in page
    for endpoint in spec.ENDPOINTS:
        assert f"GET /api/v1{endpoint.path}" in page
        assert all(f"<code>{name}</code>" in page for name in endpoint.names)
    assert "/api/v1/openapi.json" in page and "/reutiliser-les-donnees" in page and "taux_pauvrete" in page


def test_an_invalid_level_or_tab_is_a_french_400_never_another_file(client: FlaskClient):
    for query, words in (("niveau=zzz", "« niveau » : « zzz »"), ("onglet=etablissements", "« onglet »")):
        response = client.get(f"/telecharger/csv?{query}")
        assert response.status_code == 400 and response.mimetype == "text/html", query
        assert words in response.text and "Valeurs acceptées" in response.text
    assert client.get("/telecharger/csv?onglet=residences").status_code == 200


def test_geojson_is_rfc_7946_and_opens_in_gdal_without_warning(client: FlaskClient, tmp_path: Path):
    for level in ("commune", "epci"):
        data = client.get(f"/telecharger/geojson?niveau={level}&indicateurs=taux_pauvrete").data
        document = json.loads(data)
        geometries = [shapely.from_geojson(json.dumps(f["geometry"])) for f in document["features"]]
        assert {feature["geometry"]["type"] for feature in document["features"]} == {"MultiPolygon"}
        for geometry in geometries:
            for polygon in geometry.geoms:
                assert polygon.exterior.is_ccw  # counter-clockwise outer rings
                assert all(not ring.is_ccw for ring in polygon.interiors)
        assert all(geometry.is_valid for geometry in geometries)
        path = tmp_path / f"{level}.geojson"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a GDAL warning fails the test
            info = pyogrio.read_info(path)
            pyogrio.read_dataframe(path)
        assert info["geometry_type"] == "MultiPolygon"
        assert info["dtypes"][list(info["fields"]).index("taux_pauvrete")] == "float64"  # Real at every level


def test_geopackage_is_version_1_2_with_dates_and_one_type_per_field(client: FlaskClient, tmp_path: Path):
    types = {}
    for level in ("commune", "epci"):
        path = tmp_path / f"{level}.gpkg"
        path.write_bytes(client.get(f"/telecharger/gpkg?niveau={level}&indicateurs=taux_pauvrete").data)
        with sqlite3.connect(path) as database:
            assert database.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # « GPKG »
            assert database.execute("PRAGMA user_version").fetchone()[0] == 10200  # 1.2: GDAL 3.6 reads it quietly
            columns = database.execute(f"PRAGMA table_info(territoires_{level})").fetchall()
            types[level] = {name: kind for _, name, kind, *_ in columns}
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            info = pyogrio.read_info(path, layer=f"territoires_{level}")
            pyogrio.read_dataframe(path, layer="sources", read_geometry=False)
        assert info["geometry_type"] == "MultiPolygon"
    assert types["commune"]["taux_pauvrete"] == types["epci"]["taux_pauvrete"] == "REAL"
    path = tmp_path / "etablissements.gpkg"
    path.write_bytes(client.get("/telecharger/gpkg?onglet=residences").data)
    with sqlite3.connect(path) as database:
        kinds = {name: kind for _, name, kind, *_ in database.execute("PRAGMA table_info(etablissements)")}
    assert kinds["ouverture"] == "DATE"
    read = pyogrio.read_dataframe(path, layer="etablissements")
    assert pd.api.types.is_datetime64_any_dtype(read["ouverture"]) and read.geom_type.unique().tolist() == ["Point"]


def test_xlsx_stores_opening_dates_as_dates(client: FlaskClient):
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/telecharger/xlsx?onglet=residences").data))["Données"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Date d'ouverture") + 1
    cells = [sheet.cell(row=row, column=column) for row in range(2, 30)]
    dated = [cell for cell in cells if cell.value is not None]
    assert dated and all(cell.is_date and cell.number_format == "dd/mm/yyyy" for cell in dated)
    assert sheet.cell(row=2, column=header.index("N° FINESS") + 1).data_type == "s"  # codes stay text


def test_shapefile_conversion_keeps_french_names_with_utf8(client: FlaskClient, tmp_path: Path):
    """The instructions of « Réutiliser les données »: ENCODING=UTF-8 keeps « œ » (and writes a .cpg)."""
    source = tmp_path / "communes.gpkg"
    source.write_bytes(client.get("/telecharger/gpkg?niveau=commune&indicateurs=population").data)
    layer = pyogrio.read_dataframe(source, layer="territoires_commune")
    assert layer["nom_commune"].str.contains("œ").sum() > 0
    target = tmp_path / "communes.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # field names cut to 10 characters: expected for a Shapefile
        pyogrio.write_dataframe(layer, target, layer_options={"ENCODING": "UTF-8"})
    assert (tmp_path / "communes.cpg").read_text().strip().upper().replace("-", "") == "UTF8"
    back = pyogrio.read_dataframe(target)
    assert back["nom_commun"].tolist() == layer["nom_commune"].tolist()
