"""Another région than the Hauts-de-France (Auvergne-Rhône-Alpes, with Lyon's arrondissements), built from the
national files of the mirror and served by the same app."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.core.perimeter import perimeter
from dashboard.core.store import Store, load_store
from dashboard.needs import analysis as needs_store
from dashboard.needs import model as needs
from dashboard.needs import state as needs_state
from dashboard.ranking.view import summary
from dashboard.settings import Settings

pytestmark = pytest.mark.build

LYON = "69123"
#: Sum of Lyon's nine arrondissements in the legal populations (the file lists no row for the commune).
LYON_POPULATION = 519_127


@pytest.fixture(scope="module")
def built(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from loaders.build import build

    data_dir = tmp_path_factory.mktemp("region-84") / "data"
    coverage = build(data_dir / "processed", region_code="84", progress=False)
    return data_dir, coverage


@pytest.fixture(scope="module")
def store(built: tuple[Path, dict]) -> Store:
    return load_store(built[0])


def value(store: Store, indicator: str, level: str, code: str) -> float:
    rows = store.indicators
    return float(
        rows.loc[(rows["indicator"] == indicator) & (rows["level"] == level) & (rows["code"] == code)].iloc[0]["value"]
    )


def test_auvergne_rhone_alpes_is_built_from_the_national_files(built: tuple[Path, dict], store: Store):
    _, coverage = built
    region = perimeter(store)
    assert (region.code, region.name, region.in_name) == ("84", "Auvergne-Rhône-Alpes", "en Auvergne-Rhône-Alpes")
    assert len(region.departements) == 12
    levels = store.territories["level"].value_counts()
    assert (levels["epci"], levels["departement"], levels["region"]) == (172, 12, 1)
    assert int(store.territories.loc[store.territories["level"] == "commune", "in_region"].sum()) == 4_025
    assert value(store, "population", "region", "84") == 8_205_557
    # Lyon: its arrondissements summed in the legal populations; its own row, not the arrondissements' too, in the
    # census and Filosofi files (which list both).
    assert value(store, "population", "commune", LYON) == LYON_POPULATION
    assert 250_000 < value(store, "menages", "commune", LYON) < 300_000
    assert coverage["datasets"]["insee-filosofi-com-2021-geo2024-france"]["unmatched"] == []
    # No DREES places for this région in the sources: said, and no place figure anywhere.
    assert {"places_pension_famille", "places_hebergement_pour_10000"} <= set(coverage["indicateurs_sans_valeur"])
    assert "taux_pauvrete" not in coverage["indicateurs_sans_valeur"]
    assert not store.indicators["indicator"].str.startswith("places_").any()
    # Expected absences are said, not counted as anomalies: the DREES figures and the accelerated EPCIs of the HdF.
    estimated, reference = coverage["datasets"]["places-estimees"], coverage["datasets"]["reference-figures"]
    assert estimated["unmatched"] == [] and len(estimated["detail"]["chiffres_drees_absents_pour_la_region"]) == 5
    assert reference["unmatched"] == [] and reference["detail"]["territoires_acceleres_d_autres_regions"] == 4


def test_its_epcis_are_ranked_by_their_need_without_invented_places(store: Store):
    analysis = needs_store.analyse(store, needs_store.Parameters(weights=needs.default_weights()), draws=1)
    assert analysis.parameters.order == needs.NEED_ORDER
    assert "places_hebergement_pour_10000" not in [component.indicator for component in analysis.components]
    assert analysis.ranked == 172 and int((analysis.table["n_missing"] > 0).sum()) < 172
    assert analysis.table["priority_rank"].isna().all() and analysis.table["gap_places"].isna().all()
    best = analysis.table["need"].idxmax()
    assert analysis.table.at[best, "rank"] == 1
    text = " ".join(str(part.children) for part in summary(analysis, needs_state.default_state()))
    assert "172 EPCI classés par indice de besoin" in text and "Référence" not in text


def test_the_app_serves_it_under_its_name(built: tuple[Path, dict]):
    client = create_app(Settings(data_dir=built[0])).server.test_client()
    home = client.get("/")
    assert home.status_code == 200
    assert "<title>Résidences sociales — Auvergne-Rhône-Alpes" in home.get_data(as_text=True)
    answer = client.get(f"/api/v1/indicators?level=commune&indicator=population&code={LYON}").get_json()
    assert answer["donnees"] == [
        {
            "code_commune": LYON,
            "nom_commune": "Lyon",
            "indicateur": "population",
            "valeur": LYON_POPULATION,
            "couverture": 100.0,
        }
    ]
    assert client.get("/classement").status_code == 200
    assert pd.notna(value(load_store(built[0]), "taux_chomage", "epci", "200046977"))  # Métropole de Lyon
