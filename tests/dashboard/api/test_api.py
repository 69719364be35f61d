"""Read-only API, download route and the pages of issue 6, through the Flask test client."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlencode

import dash
import openpyxl
import pandas as pd
import pytest
from flask.testing import FlaskClient

from dashboard.api.cache import cache_config
from dashboard.api.payloads import API_LEVELS
from dashboard.app import create_app, navigable_pages
from dashboard.core import catalogue
from dashboard.core.store import Store
from dashboard.settings import Settings
from dashboard.tables import indicators as table_indicators
from dashboard.tables import views as table_views
from dashboard.tables.state import parse_query


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()


def refused(client: FlaskClient, url: str, status: int = 400) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.mimetype == "application/json"
    return response.get_json()["erreur"]


def test_cache_config_is_a_local_cache_by_default():
    config = cache_config(Settings())
    assert config["CACHE_TYPE"] == "dashboard.api.cache.BoundedLocalCache"
    assert config["CACHE_MAX_BYTES"] == 64 * 1024 * 1024  # CACHE_MAX_MB, per worker
    # With REDIS_URL: the shared Redis cache (tested against a real server in tests/test_redis_cache.py).
    assert cache_config(Settings(redis_url="redis://cache"))["CACHE_TYPE"] == "dashboard.api.cache.TolerantRedisCache"


def test_indicators_in_json_carry_source_and_vintage(client: FlaskClient, store: Store):
    epci = store.territories.loc[store.territories["level"] == "epci", "code"].iloc[0]
    response = client.get(f"/api/v1/indicators?level=epci&indicator=population,taux_pauvrete&code={epci}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["niveau"] == "epci" and body["nombre"] == 2
    described = {item["id"]: item for item in body["indicateurs"]}
    assert described["population"]["source"] == "Insee, populations légales 2023"
    assert described["population"]["millesime"] == "2023"
    assert described["population"]["unite"] == "habitants"
    assert described["taux_pauvrete"]["approximation"] is True
    assert described["taux_pauvrete"]["jeux_de_donnees"][0]["licence"]
    long = store.indicators
    expected = long.loc[(long["level"] == "epci") & (long["code"] == epci)].set_index("indicator")
    for row in body["donnees"]:
        assert row["code_epci"] == epci and row["nom_epci"]
        assert row["valeur"] == pytest.approx(expected.at[row["indicateur"], "value"])
        # Coverage in % of the population, as in the downloaded files.
        assert row["couverture"] == pytest.approx(expected.at[row["indicateur"], "coverage"] * 100, abs=0.05)
    assert body["meta"]["documentation"] == "/api" and body["meta"]["donnees_construites_le"]
    assert body["meta"]["perimetre"] == {"niveau": "region", "code": "32", "nom": "Hauts-de-France"}


def test_missing_values_are_null_in_json_and_empty_in_csv(client: FlaskClient, store: Store):
    long = store.indicators
    missing = long.loc[(long["level"] == "commune") & (long["indicator"] == "taux_pauvrete") & long["value"].isna()]
    code = missing["code"].iloc[0]
    body = client.get(f"/api/v1/indicators?level=commune&indicator=taux_pauvrete&code={code}").get_json()
    assert body["donnees"][0]["valeur"] is None
    response = client.get(f"/api/v1/indicators?level=commune&indicator=taux_pauvrete,population&code={code}&format=csv")
    assert response.mimetype == "text/csv"
    read = pd.read_csv(io.BytesIO(response.data), dtype={"code_commune": str})
    assert list(read.columns) == [
        "niveau", "code_commune", "nom_commune", "indicateur", "libelle", "unite", "valeur", "couverture", "source", "millesime",
        "approximation",
    ]  # fmt: skip
    by_indicator = read.set_index("indicateur")
    assert pd.isna(by_indicator.at["taux_pauvrete", "valeur"])
    assert by_indicator.at["population", "valeur"] > 0
    assert by_indicator.at["population", "source"] == "Insee, populations légales 2023"
    assert set(read["approximation"]) == {"non"}  # booleans: oui / non in CSV


def test_every_level_of_the_api_answers(client: FlaskClient):
    for level in API_LEVELS:
        body = client.get(f"/api/v1/indicators?level={level}&indicator=population").get_json()
        assert body["nombre"] > 0, level
    france = client.get("/api/v1/indicators?level=france&indicator=population").get_json()
    assert france["donnees"][0]["code_france"] == "FR"


@pytest.mark.parametrize(
    ("url", "parameter", "words"),
    [
        ("/api/v1/indicators", "level", "obligatoire"),
        ("/api/v1/indicators?level=canton", "level", "Valeur inconnue pour « level » : « canton »"),
        ("/api/v1/indicators?level=epci&indicator=population,pif", "indicator", "inconnu : « pif »"),
        ("/api/v1/indicators?level=commune&indicator=lda_relogements", "indicator", "au niveau commune"),
        ("/api/v1/indicators?level=commune&code=99999,59350", "code", "Code (au niveau commune) inconnu : « 99999 »"),
        ("/api/v1/indicators?level=epci&format=xml", "format", "Valeur inconnue pour « format »"),
        ("/api/v1/indicators?level=epci&niveau=epci", "niveau", "Paramètre inconnu : « niveau »"),
        ("/api/v1/territories?level=france", "level", "Valeur inconnue pour « level »"),
        ("/api/v1/territories?level=region&epci=200093201", "epci", "ne s'applique pas"),
        ("/api/v1/residences?type=hotel", "type", "Type d'établissement inconnu : « hotel »"),
        ("/api/v1/residences?epci=123", "epci", "EPCI inconnu : « 123 »"),
        ("/api/v1/sources?format=csv", "format", "Valeur inconnue pour « format »"),
    ],
)
def test_bad_parameters_get_a_french_400(client: FlaskClient, url: str, parameter: str, words: str):
    error = refused(client, url)
    assert error["status"] == 400
    assert error["parametre"] == parameter
    assert words in error["message"]


def test_unknown_endpoint_is_a_json_404(client: FlaskClient):
    error = refused(client, "/api/v1/communes", status=404)
    assert "Adresse inconnue" in error["message"] and "/api" in error["message"]


def test_answers_are_cached_and_errors_are_not(client: FlaskClient):
    first = client.get("/api/v1/indicators?level=departement&indicator=population,taux_pauvrete")
    again = client.get("/api/v1/indicators?indicator=population,taux_pauvrete&level=departement")
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("MISS", "HIT")
    assert again.data == first.data and again.mimetype == "application/json"
    assert client.get("/api/v1/indicators?level=nope").status_code == 400
    assert client.get("/api/v1/indicators?level=nope").status_code == 400
    csv_first = client.get("/api/v1/residences?family=residence_sociale&format=csv")
    csv_again = client.get("/api/v1/residences?family=residence_sociale&format=csv")
    assert csv_again.headers["X-Cache"] == "HIT" and csv_again.mimetype == "text/csv"
    assert csv_again.headers["Content-Disposition"] == csv_first.headers["Content-Disposition"]


def test_territories_and_residences(client: FlaskClient, store: Store):
    body = client.get("/api/v1/territories?level=epci&departement=80").get_json()
    epci = store.territories.loc[store.territories["level"] == "epci"]
    assert body["nombre"] == int((epci["departement_code"] == "80").sum())
    assert body["source"] == catalogue.citation_for(store, catalogue.ROLE_TERRITORIES)
    assert {"code_epci", "nom_epci", "nature", "code_departement", "population"} <= set(body["territoires"][0])
    communes = client.get("/api/v1/territories?level=commune&departement=80").get_json()["territoires"]
    assert {"code_commune", "nom_commune", "code_epci", "nom_epci", "code_departement"} <= set(communes[0])

    residences = store.residences
    code = residences["epci_code"].value_counts().index[0]
    body = client.get(f"/api/v1/residences?epci={code}&family=residence_sociale").get_json()
    expected = residences.loc[(residences["epci_code"] == code) & (residences["family"] == "residence_sociale")]
    assert sorted(row["finess"] for row in body["etablissements"]) == sorted(expected["finess"])
    assert body["source"] == "FINESS (DREES), extraction du 08/01/2021"
    assert {"longitude", "latitude", "source", "nom_etablissement", "code_commune", "nom_commune", "code_epci"} <= set(
        body["etablissements"][0]
    )


def test_sources_list_datasets_and_indicators(client: FlaskClient, store: Store):
    body = client.get("/api/v1/sources").get_json()
    assert len(body["jeux_de_donnees"]) == len(store.catalogue["datasets"])
    indicators = {item["id"]: item for item in body["indicateurs"]}
    assert indicators["lda_relogements"]["niveaux"] == ["departement", "region", "france"]
    assert "demande_logement_social" not in indicators  # not available in open data


def test_api_without_data_says_so(tmp_path: Path):
    client = create_app(Settings(data_dir=tmp_path)).server.test_client()
    error = refused(client, "/api/v1/indicators?level=epci", status=503)
    assert "python -m loaders build" in error["message"]
    assert client.get("/telecharger/csv?niveau=epci").status_code == 503


def test_download_route_serves_exactly_the_view(client: FlaskClient, store: Store):
    query = {"niveau": "commune", "indicateurs": "population,taux_pauvrete", "dep": "02", "tri": "-population"}
    response = client.get(f"/telecharger/csv-excel?{urlencode(query)}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="territoires_commune_20') and disposition.endswith(
        '_dep-02_excel.csv"'
    )
    read = pd.read_csv(io.BytesIO(response.data), sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
    state, _ = parse_query(query, table_indicators.table_choices(store))
    view = table_views.territory_view(store, state)
    assert read["Code commune"].tolist() == view.frame["code_commune"].tolist()
    assert list(read.columns[:2]) == ["Commune", "Code commune"]  # the screen's order: the name first (pinned)

    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/telecharger/xlsx?{urlencode(query)}").data))
    filters = dict(workbook["Filtres"].iter_rows(min_row=2, values_only=True))
    # PUBLIC_URL unset: the local address (see tests/dashboard/test_public_url.py), never the request's host.
    assert filters["Lien vers cette vue"] == f"http://localhost:8050/tableaux?{urlencode(query, safe=',')}"
    assert client.get("/telecharger/pdf?niveau=epci").status_code == 404


def test_pages_are_registered_and_render(app: dash.Dash):
    names = [page["name"] for page in navigable_pages()]
    assert "Tableaux" in names and "API" not in names
    tables = dash.page_registry["dashboard.pages.tableaux"]
    assert tables["path"] == "/tableaux" and tables["order"] == 5
    assert not any(page["path"] == "/api" for page in dash.page_registry.values())  # a static page, no script
    client = app.server.test_client()
    for path in ("/tableaux", "/api", "/tableaux?niveau=zzz"):
        assert client.get(path).status_code == 200
    page = client.get("/tableaux").text
    assert "unpkg.com" not in page and "cdn.jsdelivr" not in page  # dash-ag-grid is served locally
    assert "/_dash-component-suites/dash_ag_grid/" in page
    with app.server.test_request_context("/tableaux"):
        layout = str(tables["layout"](niveau="zzz", dep="59"))
    assert "Niveau « zzz » inconnu" in layout
    assert "/telecharger/xlsx?niveau=epci" in layout and "dep=59" in layout


def test_pages_and_downloads_survive_a_minimal_store(tmp_path: Path):
    """Dash renders every page on a worker's first request: a partial build must not break the app."""
    from tests.dashboard_data import write_tiny_store

    client = create_app(Settings(data_dir=write_tiny_store(tmp_path / "data"))).server.test_client()
    assert client.get("/").status_code == 200
    for url in ("/tableaux", "/api", "/telecharger/xlsx?niveau=commune", "/telecharger/geojson?onglet=residences"):
        assert client.get(url).status_code == 200, url
    body = client.get("/api/v1/territories?level=epci").get_json()
    assert body["nombre"] == 2


# --- Needs analysis -------------------------------------------------------------------------------------------


def test_needs_api_gives_the_priority_of_every_epci(client: FlaskClient):
    response = client.get("/api/v1/needs")
    assert response.status_code == 200
    body = response.get_json()
    assert body["parametres"]["reference"] == "france" and body["parametres"]["ordre"] == "places"
    assert body["avertissements"] == [] and body["estimation"] is True
    territories = body["territoires"]
    assert len(territories) == 92 and [item["priorite_rang"] for item in territories[:3]] == [1, 2, 3]
    first = territories[0]
    assert set(first) >= {
        "code_epci",
        "nom_epci",
        "priorite_rang",
        "score_besoin",
        "rang_min",
        "rang_max",
        "offre_places",
        "ecart_places",
        "ecart_places_bas",
        "ecart_places_haut",
        "ecart_par_famille",
    }
    assert set(first["ecart_par_famille"]) == {"pension_famille", "fjt", "residence_generaliste"}
    for item in territories:
        for key in ("offre_places", "ecart_places", "ecart_places_bas", "ecart_places_haut", "manque_places"):
            assert item[key] % 5 == 0, (item["code"], key)  # places rounded to 5
        assert item["rang_min"] <= item["rang_max"]
    assert sum(item["ecart_places"] for item in territories) > 500  # the national rate shows a regional shortfall
    assert "Insee, Filosofi 2019" in " ".join(body["sources"]["indice_de_besoin"])


def test_needs_api_follows_the_ranking_page_parameters_and_gives_csv(client: FlaskClient):
    regional = client.get("/api/v1/needs?reference=region&ordre=besoin&poids=loyer_appartement:1").get_json()
    assert regional["parametres"]["poids"] == {"loyer_appartement": 1.0}
    assert regional["parametres"]["reference"] == "region"
    scores = [item["score_besoin"] for item in regional["territoires"]]
    assert scores == sorted(scores, reverse=True)
    csv = client.get("/api/v1/needs?format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    frame = pd.read_csv(io.StringIO(csv.get_data(as_text=True)), dtype={"code_epci": str})
    assert len(frame) == 92 and "ecart_places_pension_famille" in frame and frame["code_epci"].str.len().eq(9).all()


@pytest.mark.parametrize(
    "query",
    ["poids=inconnu:2", "poids=loyer_appartement:-1", "reference=lune", "reference=cible&cible=-5", "cible=abc"],
)
def test_needs_api_bad_values_give_notices_and_defaults(client: FlaskClient, query: str):
    response = client.get(f"/api/v1/needs?{query}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["avertissements"] and len(body["territoires"]) == 92


def test_needs_api_refuses_unknown_parameters(client: FlaskClient):
    error = refused(client, "/api/v1/needs?score_besoin=1")
    assert "score_besoin" in error["message"] and "poids" in error["valeurs_acceptees"]


# --- Cache keys, cache size, content types (issue 10) --------------------------------------------------------


def cache_backend(app: dash.Dash):
    return app.server.extensions["dashboard_api_cache"].cache


def test_api_cache_keys_are_canonical(client: FlaskClient, store: Store):
    codes = store.territories.loc[store.territories["level"] == "epci", "code"].tolist()[:3]
    base = "/api/v1/indicators?level=epci&indicator=population,taux_chomage"
    first = client.get(f"{base}&code={','.join(codes)}")
    assert first.status_code == 200 and first.headers["X-Cache"] == "MISS"
    same_answer = [
        f"{base}&code={','.join(reversed(codes))}",  # codes filter the rows: their order does not matter
        f"{base}&code={codes[0]}&code={codes[1]},{codes[2]},{codes[0]}",  # repeated, duplicated
        f"/api/v1/indicators?indicator=population&indicator=taux_chomage&level=epci&code={','.join(codes)}",
        f"{base}&code={','.join(codes)}&format=json&level=epci",  # the default format said, level repeated
        f"/api/v1/indicators?level=%20epci&indicator=population,%20taux_chomage,&code={','.join(codes)}",
    ]
    for url in same_answer:
        again = client.get(url)
        assert again.headers["X-Cache"] == "HIT", url
        assert again.data == first.data
    # The order of the indicators orders the answer: another answer, another entry.
    swapped = client.get(f"/api/v1/indicators?level=epci&indicator=taux_chomage,population&code={','.join(codes)}")
    assert swapped.headers["X-Cache"] == "MISS" and swapped.data != first.data


def test_refused_requests_add_nothing_to_the_cache(app: dash.Dash, client: FlaskClient):
    backend = cache_backend(app)
    before = len(backend._cache)
    for url in (
        "/api/v1/territories?level=epci&x=123",
        "/api/v1/territories?level=epci&_=124&y=1",
        "/api/v1/needs?x=1",
    ):
        assert client.get(url).status_code == 400
    assert len(backend._cache) == before


def test_needs_answers_with_notices_are_not_cached(client: FlaskClient):
    for value in ("zzz1", "zzz2"):
        response = client.get(f"/api/v1/needs?ordre={value}")
        assert response.status_code == 200 and response.headers["X-Cache"] == "MISS"
        assert any(value in notice for notice in response.get_json()["avertissements"])
    first = client.get("/api/v1/needs?ordre=besoin&reference=france")
    again = client.get("/api/v1/needs?reference=france&ordre=besoin&format=json")
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("MISS", "HIT")


def test_the_local_cache_is_bounded_in_bytes(built_data_dir: Path):
    budget = 1024 * 1024
    app = create_app(Settings(data_dir=built_data_dir, cache_max_bytes=budget))
    client = app.server.test_client()
    backend = cache_backend(app)
    store = app.server.config["STORE"]
    communes = store.territories.loc[store.territories["level"] == "commune", "code"].tolist()
    sizes = []
    for start in range(0, 50 * 8, 8):  # 50 distinct answers of about 80 kB each
        url = f"/api/v1/indicators?level=commune&code={','.join(communes[start : start + 8])}"
        response = client.get(url)
        assert response.status_code == 200 and response.headers["X-Cache"] == "MISS"
        sizes.append(len(response.data))
        assert backend.size_bytes() <= budget
    assert sum(sizes) > 3 * budget
    stored = sum(len(key) + len(value) for key, (_, value) in backend._cache.items())
    assert stored <= backend.size_bytes() <= budget
    assert client.get(url).headers["X-Cache"] == "HIT"  # the latest answers are kept
    assert len(backend._cache) < 50


def test_the_byte_bounded_cache_evicts_the_least_recently_used():
    from dashboard.api.cache import CACHE_ENTRY_OVERHEAD, BoundedLocalCache

    cache = BoundedLocalCache(max_bytes=8 * (1000 + CACHE_ENTRY_OVERHEAD + 100), threshold=100)
    for index in range(6):
        assert cache.set(f"k{index}", b"x" * 1000)
    assert cache.get("k0") is not None  # k0 used: k1 is now the least recently used
    for index in range(6, 9):
        cache.set(f"k{index}", b"x" * 1000)
    assert cache.get("k1") is None and cache.get("k0") is not None
    assert cache.size_bytes() <= 8 * (1000 + CACHE_ENTRY_OVERHEAD + 100)
    assert cache.set("big", b"x" * 5000) is False and cache.get("big") is None  # over 1/8 of the budget
    cache.set("k0", b"y")  # replaced: its size is counted once
    assert cache.get("k0") == b"y"
    total = cache.size_bytes()
    assert cache.delete("k0") and cache.size_bytes() < total
    assert cache.clear() and cache.size_bytes() == 0 and cache.get("k2") is None
    counted = BoundedLocalCache(max_bytes=10**9, threshold=3)
    for index in range(5):
        counted.set(f"k{index}", index)
    assert [counted.get(f"k{index}") for index in range(5)] == [None, None, 2, 3, 4]


def test_csv_answers_say_their_charset_once(client: FlaskClient):
    for url in (
        "/api/v1/territories?level=departement&format=csv",
        "/api/v1/territories?level=departement&format=csv",  # the cached answer too
        "/telecharger/csv?niveau=epci",
        "/telecharger/csv-excel?niveau=epci",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url


def test_an_unknown_download_format_is_a_french_404_page(client: FlaskClient):
    response = client.get("/telecharger/pdf?niveau=epci")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert 'lang="fr"' in body and "Format « pdf » inconnu" in body and "xlsx" in body


def test_downloads_without_data_are_a_french_503_page(tmp_path: Path):
    response = create_app(Settings(data_dir=tmp_path)).server.test_client().get("/telecharger/csv?niveau=epci")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "python -m loaders build" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]
