"""The data build: every source fetched, parsed, validated, joined to territories and
turned into the processed store read by the dashboard.

`python -m loaders build` runs it. Each step reports its dataset on a progress bar; the
coverage of every join (rows read, kept, joined, unmatched codes and why) goes to
`coverage.json`. A build that covers less than the previous store fails unless the drop is
accepted (`loaders.coverage_check`). The store is written atomically (`loaders.store`): a
failed build leaves the previous one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
from tqdm import tqdm

from geo import aggregate, cog, spatial, territories
from loaders import (
    barometre,
    catalogue,
    communes_2018,
    comparateur,
    contours,
    coverage_check,
    decoupage,
    fetch,
    filosofi,
    filosofi_supra,
    finess_common,
    finess_csv,
    finess_fhir,
    indicators,
    lovac,
    loyers,
    ngeofr,
    places,
    populations,
    readers,
    reference_figures,
    rpls,
    series,
)
from loaders.errors import SourceError
from loaders.store import write_atomically, write_json

#: Display simplification tolerances (metres, Lambert-93).
COMMUNE_TOLERANCE_M = 300
EPCI_TOLERANCE_M = 200


@dataclass
class BuildState:
    """What the steps of one build hand to each other (local to that build)."""

    region_code: str
    coverage: dict = field(default_factory=dict)
    base: list[pd.DataFrame] = field(default_factory=list)
    parts: dict = field(default_factory=dict)
    vintages: dict[str, str] = field(default_factory=dict)

    def record(self, dataset_id: str, **figures) -> None:
        self.coverage.setdefault(dataset_id, {}).update(figures)


def _step_admin(state: BuildState) -> None:
    admin = decoupage.load()
    uncovered = _regions_without_populations(admin) if state.region_code == territories.FRANCE else {}
    scope = territories.select_scope(admin, territories.RegionScope(state.region_code, tuple(uncovered)))
    state.parts["admin"] = admin
    state.parts["scope"] = scope
    communes = scope.communes
    state.parts["uncovered_regions"] = uncovered
    state.record(
        decoupage.DATASET_ID,
        rows_read=len(admin.communes),
        rows_kept=len(communes),
        rows_joined=int(communes["epci_code"].notna().sum()),
        unmatched=sorted(communes.loc[communes["epci_code"].isna(), "code"]),
        detail={
            "communes_region": int(communes["in_region"].sum()),
            "communes_hors_region_membres_d_epci": int((~communes["in_region"]).sum()),
            "epci": len(scope.epci),
            "epci_a_cheval": sorted(scope.epci.loc[scope.epci["straddles_region"], "code"]),
        },
    )


def _regions_without_populations(admin: decoupage.AdminReference) -> dict[str, dict[str, str]]:
    """Régions (code → name and why, « nom » and « raison ») that a France build leaves out: those with no
    département in INSEE's legal populations (Mayotte, whose census is not exhaustive)."""
    covered = set(populations.load_departements()["code"])
    departements = admin.departements.groupby("region_code")["code"].agg(set)
    regions = territories.RegionScope(territories.FRANCE).regions(admin.regions)
    return {
        code: {"nom": name, "raison": "aucun département dans les populations légales de l'Insee"}
        for code, name in zip(regions["code"], regions["name"], strict=True)
        if not departements.get(code, set()) & covered
    }


def _region_codes(state: BuildState) -> list[str]:
    """The codes of the régions of the build (one, or every région of France)."""
    return list(state.parts["scope"].region["code"])


def _departements_by_region(state: BuildState) -> dict[str, list[str]]:
    """Région code → its départements' codes, for the régions of the build."""
    return state.parts["scope"].departements.groupby("region_code")["code"].agg(list).to_dict()


def _perimeter_key(state: BuildState) -> tuple[str, str]:
    """(level, code) of the whole perimeter: the région, or France."""
    return ("france", "FR") if state.region_code == territories.FRANCE else ("region", state.region_code)


def _step_population(state: BuildState) -> None:
    communes = state.parts["scope"].communes
    rows = populations.load(_file_departements(state))
    published = populations.by_commune(rows, state.parts["admin"].municipal_arrondissements)
    in_region = communes[communes["in_region"]]
    joined = in_region.merge(published[["code", "PMUN"]], on="code", how="left")
    differing = joined[joined["PMUN"] != joined["population"]]
    if joined["PMUN"].isna().any():
        raise SourceError(
            populations.DATASET_ID,
            None,
            f"communes sans population légale : {', '.join(joined.loc[joined['PMUN'].isna(), 'code'][:10])}",
        )
    # A commune absent from the file (Mayotte's) keeps the administrative reference's population, INSEE's too.
    population = communes.set_index("code")["population"].astype("float64")
    population.update(published.set_index("code")["PMUN"].astype("float64"))
    harmonised = cog.Harmonised(communes=population.to_frame("population"), groups=pd.DataFrame({"communes": []}))
    state.base.append(aggregate.sum_to_levels(harmonised, communes, ["population"]))
    france = populations.load_departements()
    state.base.append(_row("france", "FR", "population", float(france["PMUN"].sum())))
    state.record(
        populations.DATASET_ID,
        rows_read=rows.attrs[readers.ROWS_IN_FILE],
        rows_kept=int(published["code"].isin(communes["code"]).sum()),
        rows_joined=int(joined["PMUN"].notna().sum()),
        unmatched=_in_scope_departements(state, sorted(set(published["code"]) - set(communes["code"]))),
        detail={
            "ecarts_avec_referentiel": sorted(differing["code"]),
            "population_region": int(joined["PMUN"].sum()),
            "population_france_departements": int(france["PMUN"].sum()),
        },
    )


CENSUS_COLUMNS = {
    "P18_POP": "pop_2018",
    "P13_POP": "pop_2013",
    "P18_MEN": "households",
    "P18_LOG": "dwellings",
    "P18_RP": "main_residences",
    "P18_LOGVAC": "vacant",
    "P18_RP_PROP": "owners",
    "P18_RSECOCC": "second_homes",
    "P18_ACT1564": "active",
    "P18_CHOM1564": "unemployed",
}


#: Fiscal households 2019 of the communes (Filosofi 2019 columns of the Comparateur): checks the perimeters of
#: the official 2019 EPCI figures.
FISCAL_HOUSEHOLDS_2019 = {"NBMENFISC19": "fiscal_households_2019"}


def _step_census(state: BuildState) -> None:
    frame = comparateur.load(_file_departements(state)).rename(columns=CENSUS_COLUMNS | FISCAL_HOUSEHOLDS_2019)
    additive = [*CENSUS_COLUMNS.values(), *FISCAL_HOUSEHOLDS_2019.values()]
    result = _harmonise(state, frame, additive, splits=cog.RECODED_SPLITS_COG_2021)
    state.base.append(aggregate.sum_to_levels(result, state.parts["scope"].communes, list(CENSUS_COLUMNS.values())))
    state.parts["census"] = result.communes
    _record_harmonised(state, comparateur.DATASET_ID, result, frame.attrs[readers.ROWS_IN_FILE])


def _step_filosofi(state: BuildState) -> None:
    frame = filosofi.load(_file_departements(state)).rename(
        columns={"NBMENFISC21": "fiscal_households", "NBPERSMENFISC21": "fiscal_persons"}
    )
    result = _harmonise(state, frame, ["fiscal_households", "fiscal_persons"], intensive=["MED21", "TP6021"])
    communes = state.parts["scope"].communes
    state.base.append(aggregate.sum_to_levels(result, communes, ["fiscal_households", "fiscal_persons"]))
    weights = result.communes["fiscal_persons"]
    for column, indicator_id in (("TP6021", "taux_pauvrete"), ("MED21", "revenu_median")):
        published = result.communes[column]
        state.base.append(_long("commune", published, indicator_id, coverage=published.notna().astype("float64")))
        state.base.append(aggregate.weighted_mean_to_levels(published, weights, communes, indicator_id))
    _record_harmonised(state, filosofi.DATASET_ID, result, frame.attrs[readers.ROWS_IN_FILE])


def _step_filosofi_supra(state: BuildState) -> None:
    """INSEE's own EPCI, département, région and France métropolitaine figures (2019), each current EPCI
    matched to its 2019 row; perimeter changes (declared, or detected from the households of the current
    communes) are reported and their coverage estimated from households; an EPCI without a 2019 row stays
    without values and is listed."""
    published = filosofi_supra.load()
    scope = state.parts["scope"]
    epci_codes = list(scope.epci["code"])
    rows, report = filosofi_supra.epci_rows(published, epci_codes)
    households = _households_2019_by_epci(state)
    ratio = (rows["NBMEN19"] / households.reindex(rows.index)).astype(float)
    changes = filosofi_supra.perimeter_changes(ratio)
    coverage = pd.Series(1.0, index=rows.index)
    for siren in changes:
        coverage[siren] = min(1.0, float(ratio[siren]))
    detail = pd.Series(changes, dtype=object)
    departements = published[(published["level"] == "departement") & published["code"].isin(scope.departements["code"])]
    region = published[(published["level"] == "region") & published["code"].isin(_region_codes(state))]
    france = published[published["level"] == "france"]
    for column, indicator_id in indicators.published_columns(filosofi_supra.DATASET_ID).items():
        state.base.append(_long("epci", rows[column], indicator_id, coverage, detail))
        for frame in (departements, region, france):
            level = frame["level"].iloc[0] if len(frame) else "region"
            note = pd.Series("France métropolitaine", index=frame["code"]) if level == "france" else None
            state.base.append(_long(level, frame.set_index("code")[column], indicator_id, detail=note))
    unchanged = ratio.drop(index=list(changes))
    state.record(
        filosofi_supra.DATASET_ID,
        rows_read=len(published),
        rows_kept=len(rows) + len(departements) + len(region) + len(france),
        rows_joined=len(rows),
        unmatched=report["sans_ligne"]
        + sorted(set(scope.departements["code"]) - set(departements["code"]))
        + sorted(set(_region_codes(state)) - set(region["code"])),
        detail={
            "epci_meme_siren": report["meme_siren"],
            "epci_ancien_siren": report["ancien_siren"],
            "epci_sans_ligne_2019": report["sans_ligne"],
            "perimetres_modifies_depuis_2019": {
                siren: f"{text} ; ménages fiscaux 2019 publiés ÷ ménages des communes de 2025 = "
                + f"{ratio[siren]:.3f}".replace(".", ",")
                for siren, text in changes.items()
            },
            "ecart_max_menages_perimetres_inchanges": round(float((unchanged - 1).abs().max()), 4),
            "departements": len(departements),
            "france": "France métropolitaine",
        },
    )


def _households_2019_by_epci(state: BuildState) -> pd.Series:
    """Fiscal households 2019 of each EPCI's current communes (census households where INSEE withholds them)."""
    census = state.parts["census"]
    households = census["fiscal_households_2019"].fillna(census["households"])
    members = state.parts["scope"].communes.set_index("code")["epci_code"]
    return households.groupby(members.reindex(households.index)).sum()


def _step_rpls(state: BuildState) -> None:
    """Social housing by commune (RPLS 2024); above the commune, counts summed and rates weighted by stock.

    A commune absent from the RPLS has no social dwelling (0). Main residences for the density are those the
    SDES density implies for listed communes, and the census ones for the others."""
    dataset_id, frame = rpls.load()
    listed = frame["density"] > 0
    frame = frame.assign(
        implied_main_residences=(frame["social_dwellings"] * 100 / frame["density"]).where(listed),
        vacancy_weighted=frame["vacancy_rate"] * frame["social_dwellings"],
        turnover_weighted=frame["turnover_rate"] * frame["social_dwellings"],
    )
    additive = ["social_dwellings", "implied_main_residences", "vacancy_weighted", "turnover_weighted"]
    result = _harmonise(state, frame, additive)
    communes = result.communes
    absent = communes["social_dwellings"].isna()
    communes.loc[absent, ["social_dwellings", "vacancy_weighted", "turnover_weighted"]] = 0.0
    census_residences = state.parts["census"]["main_residences"].reindex(communes.index)
    main_residences = communes["implied_main_residences"].fillna(census_residences)
    variables = pd.DataFrame(
        {
            "rpls_logements": communes["social_dwellings"],
            "rpls_logements_densite": communes["social_dwellings"].where(main_residences.notna()),
            "rpls_residences_principales": main_residences,
            "rpls_vacance_ponderee": communes["vacancy_weighted"],
            "rpls_rotation_ponderee": communes["turnover_weighted"],
        }
    )
    harmonised = cog.Harmonised(communes=variables, groups=pd.DataFrame({"communes": []}))
    scope_communes = state.parts["scope"].communes
    state.base.append(aggregate.sum_to_levels(harmonised, scope_communes, list(variables.columns)))
    for variable, column in (
        ("rpls_logements", "social_dwellings"),
        ("rpls_vacance_ponderee", "vacancy_weighted"),
        ("rpls_rotation_ponderee", "turnover_weighted"),
    ):
        state.base.append(_row("france", "FR", variable, float(frame[column].sum())))
    in_region = scope_communes.loc[scope_communes["in_region"], "code"]
    state.record(
        dataset_id,
        rows_read=len(frame),
        rows_kept=result.report["rows_in_scope"],
        rows_joined=result.report["rows_in_scope"],
        unmatched=_in_scope_departements(state, result.report["codes_unknown"]),
        detail={
            "communes_avec_logements_sociaux": int((~absent).sum()),
            "communes_sans_logement_social": int(absent.sum()),
            "codes_fusionnes": result.report["codes_remapped"],
            "logements_sociaux_region": int(variables["rpls_logements"].reindex(in_region).sum()),
            "logements_sociaux_france": int(frame["social_dwellings"].sum()),
            "residences_principales_sans_valeur": sorted(main_residences.index[main_residences.isna()]),
        },
    )


def _step_loyers(state: BuildState) -> None:
    """Advertised rents by commune (own code's row), and above the commune their mean weighted by population;
    each commune value says the level it was estimated at."""
    frame = loyers.load()
    scope_communes = state.parts["scope"].communes
    codes = set(scope_communes["code"])
    # Legal populations cover every commune of the scope (the census file only the région's).
    weights = scope_communes.set_index("code")["population"].astype("float64")
    former = state.parts["admin"].former_codes
    merged = former[former["current_code"].isin(codes) & former["former_code"].isin(set(frame["code"]))]
    merged = merged[~merged["former_code"].isin(codes)]
    detail_report = {}
    for kind, indicator_id in (("appartement", "loyer_appartement"), ("maison", "loyer_maison")):
        rows = frame[(frame["kind"] == kind) & frame["code"].isin(codes)].set_index("code")
        rents = rows["rent"]
        state.base.append(_long("commune", rents, indicator_id, detail=rows.apply(_rent_detail, axis=1)))
        levels = aggregate.weighted_mean_to_levels(rents, weights, scope_communes, indicator_id)
        from_commune = weights.where(rows["prediction_level"].reindex(weights.index) == "commune", 0)
        share = aggregate.weighted_mean_to_levels(
            (from_commune / weights.where(weights > 0)).reindex(rents.index), weights, scope_communes, "share"
        )
        levels["detail"] = [
            f"{value:.0%} de la population a un loyer estimé avec les annonces de sa propre commune".replace("%", " %")
            if pd.notna(value)
            else None
            for value in share["value"]
        ]
        state.base.append(levels)
        detail_report[kind] = {
            "communes": len(rows),
            "niveau_d_estimation": rows["prediction_level"].value_counts().to_dict(),
        }
    state.record(
        loyers.DATASET_ID,
        rows_read=len(frame),
        rows_kept=int(frame["code"].isin(codes).sum()),
        rows_joined=int(frame["code"].isin(codes).sum()),
        unmatched=sorted(codes - set(frame["code"])),
        detail={
            **detail_report,
            "anciens_codes_non_utilises": sorted(merged["former_code"]),
        },
    )


def _rent_detail(row: pd.Series) -> str:
    """« estimé à l'échelle de l'EPCI ; intervalle de prédiction à 95 % : 7,4 à 11,9 € par m² ; 2 annonces »."""
    low, high = (f"{value:.1f}".replace(".", ",") for value in (row["rent_low"], row["rent_high"]))
    adverts = int(row["adverts_in_commune"])
    count = f"{adverts:,}".replace(",", "\u202f")
    return (
        f"{loyers.PREDICTION_LEVELS[row['prediction_level']]} ; intervalle de prédiction à 95 % : {low} à {high} € "
        f"par m² ; {count} annonce{'s' if adverts > 1 else ''} dans la commune"
    )


def _step_places(state: BuildState) -> None:
    """Supply (résidences sociales) and shelters in places, estimated from establishments and the DREES
    places of the région; skipped, and said so, when the région's DREES figures are not available."""
    figures = state.parts["reference_figures"]
    level, code = _perimeter_key(state)
    region_name = "France" if level == "france" else str(state.parts["scope"].region["name"].iloc[0])
    regional = figures[figures["geography"] == region_name] if len(figures) else figures
    base = pd.concat(state.base, ignore_index=True)
    counted = base[base["variable"].str.startswith("n_")]
    counts = counted.pivot_table(index=["level", "code"], columns="variable", values="value", aggfunc="first")
    counts.columns = [column.removeprefix("n_") for column in counts.columns]
    region_counts = counts.loc[(level, code)].to_dict()
    result: dict = {"region": region_name}
    for key, families, total in (
        ("residences", places.RESIDENCE_FAMILIES, places.RESIDENCE_TOTAL),
        ("hebergement", places.SHELTER_FAMILIES, places.SHELTER_TOTAL),
    ):
        averages = places.averages(families, regional, region_counts)
        result[key] = [item.as_record(finess_common.TYPE_LABELS) for item in averages]
        if len(averages) < len(families):
            continue
        estimated = places.places_by_territory(counts, averages, total)
        long = estimated.stack().rename("value").reset_index().rename(columns={"level_2": "variable"})
        state.base.append(long.assign(coverage=1.0))
    residence_averages = places.averages(places.RESIDENCE_FAMILIES, regional, region_counts)
    result["relative_spread"] = places.relative_spread(residence_averages)
    state.parts["places"] = result
    families = [family.figure_id for family in (*places.RESIDENCE_FAMILIES, *places.SHELTER_FAMILIES)]
    missing = [figure_id for figure_id in families if figure_id not in set(regional.get("id", []))]
    with_figures = len(missing) < len(families)
    state.record(
        "places-estimees",
        rows_read=len(families) - len(missing),
        rows_kept=len(result["residences"]) + len(result["hebergement"]),
        rows_joined=len(result["residences"]) + len(result["hebergement"]),
        # A région without any DREES figure in the sources is not an anomaly: its places are not estimated.
        unmatched=missing if with_figures else [],
        detail={
            "chiffres_drees_absents_pour_la_region": [] if with_figures else missing,
            "places_par_etablissement": {
                item["key"]: round(item["per_establishment"], 1) if item["per_establishment"] else None
                for item in (*result["residences"], *result["hebergement"])
            },
            "dispersion_relative": round(result["relative_spread"], 3) if result["relative_spread"] else None,
        },
    )


def _harmonise(
    state: BuildState, frame: pd.DataFrame, additive: list[str], intensive=(), splits=None
) -> cog.Harmonised:
    admin, communes = state.parts["admin"], state.parts["scope"].communes
    targets = cog.code_targets(admin.former_codes, admin.communes["code"], splits=splits)
    targets |= cog.arrondissement_targets(frame["code"], admin.municipal_arrondissements)
    return cog.harmonise(
        frame, code_column="code", additive=additive, intensive=intensive, targets=targets, scope=communes["code"]
    )


def _record_harmonised(state: BuildState, dataset_id: str, result: cog.Harmonised, rows_read: int) -> None:
    """Coverage of a national commune file: its rows, those in the scope, and the unknown codes of the région's
    départements."""
    report = result.report
    state.record(
        dataset_id,
        rows_read=rows_read,
        rows_kept=report["rows_in_scope"],
        rows_joined=report["rows_in_scope"],
        unmatched=_in_scope_departements(state, report["codes_unknown"]),
        detail={key: value for key, value in report.items() if key not in ("rows_read", "rows_in_scope")},
    )


def _file_departements(state: BuildState) -> set[str]:
    """The départements whose rows a national commune file keeps: those of the scope's communes (the région's, and
    those of the other members of straddling EPCIs)."""
    return set(state.parts["scope"].communes["departement_code"])


def _in_scope_departements(state: BuildState, codes: list[str]) -> list[str]:
    """The codes of `codes` in the région's départements (overseas ones have three digits), municipal arrondissements
    aside: a file that lists them beside their commune has them left out on purpose (`cog.arrondissement_targets`)."""
    codes = pd.Series(codes, dtype="str")
    arrondissements = state.parts["admin"].municipal_arrondissements["code"]
    kept = readers.in_departements(codes, set(state.parts["scope"].departements["code"])) & ~codes.isin(arrondissements)
    return codes[kept].tolist()


def _step_finess(state: BuildState) -> None:
    """Establishments from the mirror's FHIR extract, or, without a mirror, from the official
    national CSV extract (which the FHIR files were converted from)."""
    scope = state.parts["scope"]
    from_mirror = fetch.mirror_root() is not None
    if from_mirror:
        dataset_id, establishments = finess_fhir.FRANCE_HOUSING_DATASET_ID, finess_fhir.load_france_housing()
    else:
        dataset_id, establishments = finess_csv.DATASET_ID, finess_csv.load()
    state.parts["finess_dataset"] = dataset_id
    extracted = pd.Timestamp(establishments.attrs["extraction_date"])
    state.vintages["finess"] = f"FINESS {extracted:%d/%m/%Y}"
    housing, dropped = finess_common.keep_housing(establishments)
    region_departements = set(scope.departements["code"])
    # Points of the région's départements, and of the départements that hold members of
    # straddling EPCIs, are located; the rest of France only feeds the national figures.
    candidate_departements = region_departements | set(scope.communes["departement_code"])
    candidates = housing[housing["departement_code"].isin(candidate_departements)]
    located, report = spatial.locate_points(
        candidates, state.parts["shapes"]["commune"], state.parts["shapes"]["epci"], communes=scope.communes
    )
    in_scope = located[located["epci_code"].isin(scope.epci["code"])]
    in_scope = in_scope.merge(
        scope.communes[["code", "name"]].rename(columns={"code": "commune_code", "name": "commune_name"}),
        on="commune_code",
        how="left",
    )
    lost = located[located["departement_code"].isin(region_departements) & located["epci_code"].isna()]
    state.parts["residences"] = in_scope
    counts = _residence_counts(in_scope, scope.communes)
    state.base.append(aggregate.sum_to_levels(counts, scope.communes, list(counts.communes.columns)))
    for column, value in _family_totals(housing.groupby("type").size()).items():
        state.base.append(_row("france", "FR", column, value))
    state.record(
        dataset_id,
        rows_read=len(establishments),
        rows_kept=len(housing),
        rows_joined=len(in_scope),
        unmatched=sorted(lost["finess"]),
        detail={
            "ecartes_par_categorie": {str(key): int(value) for key, value in dropped.items()},
            "hors_departements_du_perimetre": len(housing) - len(candidates),
            "departements_voisins_hors_epci_du_perimetre": int(
                (~located["departement_code"].isin(region_departements) & located["epci_code"].isna()).sum()
            ),
            "dans_le_perimetre": len(in_scope),
            "sans_commune_dans_le_perimetre": sorted(in_scope.loc[in_scope["commune_code"].isna(), "finess"]),
            "localisation": {key: value for key, value in report.items() if key != "nowhere"},
        },
    )


def _residence_counts(residences: pd.DataFrame, communes: pd.DataFrame) -> cog.Harmonised:
    """Establishments per commune and type. A point located in an EPCI but in no commune
    polygon becomes a group spanning the EPCI's communes, so it still counts for the EPCI."""
    columns = list(finess_common.TYPE_LABELS)
    located = residences[residences["commune_code"].notna()]
    table = pd.crosstab(located["commune_code"], located["type"]).reindex(
        index=communes["code"], columns=columns, fill_value=0
    )
    table = table.fillna(0).astype("float64")
    epci_only = residences[residences["commune_code"].isna()]
    groups = pd.crosstab(epci_only["epci_code"], epci_only["type"]).reindex(columns=columns, fill_value=0)
    members = communes.groupby("epci_code")["code"].agg(tuple)
    groups = groups.astype("float64").assign(communes=members.reindex(groups.index).to_numpy())
    for frame in (table, groups):
        for family, types in (
            (finess_common.RESIDENCE, finess_common.RESIDENCE_TYPES),
            (finess_common.HEBERGEMENT, finess_common.HEBERGEMENT_TYPES),
        ):
            frame[family] = frame[list(types)].sum(axis=1)
    renamed = {column: f"n_{column}" for column in table.columns}
    table = table.rename(columns=renamed).rename_axis("code")
    return cog.Harmonised(communes=table, groups=groups.rename(columns=renamed).reset_index(drop=True))


def _family_totals(by_type: pd.Series) -> dict[str, float]:
    totals = {f"n_{kind}": float(by_type.get(kind, 0)) for kind in finess_common.TYPE_LABELS}
    totals[f"n_{finess_common.RESIDENCE}"] = sum(float(by_type.get(k, 0)) for k in finess_common.RESIDENCE_TYPES)
    totals[f"n_{finess_common.HEBERGEMENT}"] = sum(float(by_type.get(k, 0)) for k in finess_common.HEBERGEMENT_TYPES)
    return totals


def _step_shapes(state: BuildState) -> None:
    admin, scope = state.parts["admin"], state.parts["scope"]
    polygons, dissolve_report = territories.dissolve_communes(
        communes_2018.load(_file_departements(state)), admin.former_codes, scope.communes["code"]
    )
    epci = contours.load_epci()
    departements = contours.load_departements()
    regions = contours.load_regions()
    shapes, contour_report = territories.attach_contours(scope, polygons, epci, departements, regions)
    shapes["commune"] = territories.simplify_coverage(shapes["commune"], COMMUNE_TOLERANCE_M)
    shapes["epci"] = territories.simplify_coverage(shapes["epci"], EPCI_TOLERANCE_M)
    state.parts["shapes"] = shapes
    # Polygons of the neighbouring départements' other communes are outside the scope, not unmatched.
    known = set(admin.communes["code"]) | set(admin.former_codes["former_code"])
    unknown = [code for code in dissolve_report["codes_unmapped"] if code not in known]
    outside = len(dissolve_report["codes_unmapped"]) - len(unknown)
    state.record(
        communes_2018.DATASET_ID,
        rows_read=dissolve_report["polygons_read"],
        rows_kept=dissolve_report["polygons_read"] - len(dissolve_report["codes_unmapped"]),
        rows_joined=dissolve_report["communes_with_polygon"],
        unmatched=unknown,
        detail={
            **{key: value for key, value in dissolve_report.items() if key != "codes_unmapped"},
            "codes_unmapped": unknown,
            "polygones_hors_perimetre": outside,
        },
    )
    state.record(
        contours.DATASET_ID,
        rows_read=int(len(epci) + len(departements) + len(regions)),
        rows_kept=int(sum(len(frame) for key, frame in shapes.items() if key != "commune")),
        rows_joined=int(len(scope.epci) - len(contour_report["epci_without_contour"])),
        unmatched=contour_report["epci_without_contour"],
        detail=contour_report,
    )


def _step_labels(state: BuildState) -> None:
    """Where the map writes a commune's name (IGN centroid; overseas, where IGN's layer stops, a point inside its
    polygon) and which communes are préfectures or sous-préfectures: `state.parts["labels"]` (code, seat,
    label_lon, label_lat) for the région's communes."""
    communes = state.parts["scope"].communes
    in_region = communes.loc[communes["in_region"], "code"]
    centroids = ngeofr.load_commune_centroids().to_crs(territories.WEB_CRS).set_index("code").geometry
    without_centroid = sorted(set(in_region) - set(centroids.index))
    polygons = state.parts["shapes"]["commune"].to_crs(territories.WEB_CRS).set_index("code").geometry
    inside = polygons.reindex(without_centroid).dropna().representative_point()
    points = pd.concat([centroids, inside])
    missing = sorted(set(in_region) - set(points.index))
    if missing:
        raise SourceError(ngeofr.DATASET_ID, None, f"communes sans centroïde ni contour : {', '.join(missing[:10])}")
    seats = decoupage.load_seats().set_index("code")["seat"]
    regional_seats = seats[seats.index.isin(in_region)]
    departements = set(state.parts["scope"].departements["code"])
    prefectures = regional_seats[regional_seats == decoupage.PREFECTURE]
    if len(prefectures) != len(departements):
        raise SourceError(
            decoupage.DATASET_ID,
            decoupage.ARRONDISSEMENTS_FILE,
            f"{len(prefectures)} préfecture(s) dans la région pour {len(departements)} départements",
        )
    located = points.loc[list(in_region)]
    state.parts["labels"] = pd.DataFrame(
        {
            "code": list(in_region),
            "seat": regional_seats.reindex(list(in_region)).to_numpy(),
            "label_lon": located.x.round(5).to_numpy(),
            "label_lat": located.y.round(5).to_numpy(),
        }
    )
    state.record(
        ngeofr.DATASET_ID,
        rows_read=len(centroids),
        rows_kept=len(in_region) - len(inside),
        rows_joined=len(in_region) - len(inside),
        unmatched=[],
        detail={
            "communes_placees_dans_leur_contour": len(inside),
            "prefectures": len(prefectures),
            "sous_prefectures": int((regional_seats == decoupage.SOUS_PREFECTURE).sum()),
        },
    )


def _step_lovac(state: BuildState) -> None:
    frame = lovac.load()
    state.parts["lovac"] = frame
    year = frame[frame["year"] == 2024].set_index("departement_code")
    region_departements = list(state.parts["scope"].departements["code"])
    variables = {
        "pp_total": "pp_total_2024",
        "pp_vacant": "pp_vacant_2024",
        "pp_vacant_plus_2ans": "pp_vacant_long_2024",
    }
    for column, variable in variables.items():
        for code in region_departements:
            state.base.append(_row("departement", code, variable, float(year.loc[code, column])))
        for region_code, codes in _departements_by_region(state).items():
            state.base.append(_row("region", region_code, variable, float(year.loc[codes, column].sum())))
        state.base.append(_row("france", "FR", variable, float(year[column].sum())))
    state.record(
        lovac.DATASET_ID,
        rows_read=int(frame["departement_code"].nunique()),
        rows_kept=len(region_departements),
        rows_joined=int(year.index.isin(region_departements).sum()),
        unmatched=sorted(set(region_departements) - set(year.index)),
        detail={"annee": 2024, "series": "2020–2025", "france": "somme des 101 départements"},
    )


def _step_barometre(state: BuildState) -> None:
    detail = barometre.load_detail()
    totals = barometre.yearly_totals(detail)
    synthese = barometre.load_synthese()
    wanted = _barometre_scope(state)
    kept = totals[[(level, code) in wanted for level, code in zip(totals["level"], totals["code"], strict=True)]]
    year_2021 = kept[kept["year"] == 2021]
    for row in year_2021.itertuples():
        state.base.append(_row(row.level, row.code, "lda_relogements", row.value))
        state.base.append(_row(row.level, row.code, "lda_2021", row.value))
    state.parts["barometre_series"] = kept
    synth = synthese[[(lv, code) in wanted for lv, code in zip(synthese["level"], synthese["code"], strict=True)]]
    for row in synth.itertuples():
        state.base.append(_row(row.level, row.code, "lda_cible_2022", row.cible))
        state.base.append(_row(row.level, row.code, "lda_atteinte_cible", row.pourcentage_cible))
    state.record(
        barometre.DATASET_ID,
        rows_read=len(detail),
        rows_kept=len(kept),
        rows_joined=int(year_2021["code"].nunique()),
        unmatched=sorted(
            f"{level}:{code}" for level, code in wanted - set(zip(year_2021["level"], year_2021["code"], strict=True))
        ),
        detail={"series_annuelles": len(kept), "annee_de_reference": 2021},
    )


def _barometre_scope(state: BuildState) -> set[tuple[str, str]]:
    departements = state.parts["scope"].departements["code"]
    regions = {("region", code) for code in _region_codes(state)}
    return {("departement", code) for code in departements} | regions | {("france", "FR")}


def _step_series(state: BuildState) -> None:
    """The dated series of the trend charts (`loaders.series`), checked against the scope's territories."""
    scope = state.parts["scope"]
    departements = list(scope.departements["code"])
    frame = series.assemble(
        [
            series.barometre_rows(state.parts["barometre_series"]),
            series.lovac_rows(state.parts["lovac"], _departements_by_region(state)),
            series.population_rows(pd.concat(state.base, ignore_index=True)),
        ]
    )
    expected = {
        "commune": scope.communes["code"],
        "epci": scope.epci["code"],
        "departement": departements,
        "region": _region_codes(state),
        "france": ["FR"],
    }
    state.parts["series"] = series.validate(frame, expected)


def _step_reference(state: BuildState) -> None:
    """Hand-collected context figures: they exist only in the mirror; without it the build
    goes on and says so (they are defaults and context, not mapped data)."""
    try:
        figures = reference_figures.load_figures()
        accelerated = reference_figures.load_accelerated()
    except SourceError as error:
        if fetch.mirror_root() is not None:
            raise
        state.parts["reference_figures"] = state.parts["accelerated"] = pd.DataFrame()
        state.record(
            reference_figures.DATASET_ID,
            rows_read=0,
            rows_kept=0,
            rows_joined=0,
            unmatched=[],
            detail={"non_disponible": str(error)},
        )
        return
    state.parts["reference_figures"] = figures
    state.parts["accelerated"] = accelerated
    known_epci = set(state.parts["scope"].epci["code"])
    epci_rows = accelerated[accelerated["territory_level"] == "epci"]
    elsewhere = set(epci_rows["territory_code"]) - known_epci
    # Accelerated EPCIs of another région are not anomalies; a code no EPCI of France has is one.
    unknown = sorted(elsewhere - set(state.parts["admin"].epci["code"]))
    state.record(
        reference_figures.DATASET_ID,
        rows_read=int(len(figures) + len(accelerated)),
        rows_kept=int(len(figures) + len(accelerated)),
        rows_joined=int(epci_rows["territory_code"].isin(known_epci).sum()),
        unmatched=unknown,
        detail={
            "chiffres": len(figures),
            "territoires_acceleres": len(accelerated),
            "territoires_acceleres_d_autres_regions": len(elsewhere) - len(unknown),
        },
    )


def _row(level: str, code: str, variable: str, value: float) -> pd.DataFrame:
    return pd.DataFrame({"level": [level], "code": [code], "variable": [variable], "value": [value], "coverage": [1.0]})


def _long(
    level: str, values: pd.Series, variable: str, coverage: pd.Series | None = None, detail: pd.Series | None = None
) -> pd.DataFrame:
    """Published values of one level (index: code) as base rows; coverage 1 unless given."""
    codes = values.index.astype(str)
    return pd.DataFrame(
        {
            "level": level,
            "code": codes,
            "variable": variable,
            "value": values.astype("float64").to_numpy(),
            "coverage": coverage.reindex(values.index).fillna(1.0).to_numpy() if coverage is not None else 1.0,
            "detail": detail.reindex(values.index).to_numpy() if detail is not None else None,
        }
    )


STEPS: tuple[tuple[str, Callable[[BuildState], None]], ...] = (
    ("Référentiel administratif (communes, EPCI)", _step_admin),
    ("Contours des territoires", _step_shapes),
    ("Noms des villes sur la carte (centroïdes, chefs-lieux)", _step_labels),
    ("Populations légales", _step_population),
    ("Recensement (comparateur de territoires)", _step_census),
    ("Revenus et pauvreté (Filosofi)", _step_filosofi),
    ("Revenus officiels des EPCI (Filosofi 2019)", _step_filosofi_supra),
    ("Parc social (RPLS)", _step_rpls),
    ("Loyers d'annonce (carte des loyers)", _step_loyers),
    ("Établissements FINESS", _step_finess),
    ("Vacance du parc privé (LOVAC)", _step_lovac),
    ("Baromètre Logement d'abord", _step_barometre),
    ("Chiffres de référence", _step_reference),
    ("Places estimées (DREES × FINESS)", _step_places),
    ("Séries datées (tendances)", _step_series),
)


def build(
    output: Path | None = None, region_code: str = "32", progress: bool = True, accept_coverage_drop: bool = False
) -> dict:
    """Run every step and write the store; return the coverage report.

    Raises `SourceError` for a bad source and `coverage_check.CoverageDropError` when the build covers less
    than the store at `output` (unless `accept_coverage_drop`); `output` is then left as it was."""
    output = Path(output) if output else fetch.data_dir() / "processed"
    state = BuildState(region_code=region_code)
    timings = {}
    started = time.perf_counter()
    bar = tqdm(STEPS, desc="Construction", unit="étape", disable=not progress, leave=True)
    for label, step in bar:
        bar.set_description(label)
        step_start = time.perf_counter()
        step(state)
        timings[label] = round(time.perf_counter() - step_start, 2)
    bar.set_description("Indicateurs et écriture du magasin")
    citations = {dataset.id: dataset.citation for dataset in catalogue.DATASETS}
    # Indicators cite the FINESS extract the build actually read (mirror or official file).
    citations[finess_fhir.FRANCE_HOUSING_DATASET_ID] = citations[state.parts["finess_dataset"]]
    table = indicators.compute(pd.concat(state.base, ignore_index=True), citations, state.vintages)
    coverage = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "region_code": region_code,
        "regions_hors_perimetre": state.parts["uncovered_regions"],
        "opendata_mirror": str(fetch.mirror_root() or ""),
        "seconds": round(time.perf_counter() - started, 1),
        "steps": timings,
        "datasets": state.coverage,
        "indicateurs_sans_valeur": indicators_without_value(table),
    }
    summary = coverage_check.summarise(region_code, state.coverage, table)
    drops = coverage_check.compare(coverage_check.read_store(output), summary)
    if drops and not accept_coverage_drop:
        raise coverage_check.CoverageDropError(drops)
    coverage["baisses_de_couverture_acceptees"] = [str(drop) for drop in drops]
    coverage["seconds"] = round(time.perf_counter() - started, 1)
    write_atomically(output, lambda folder: _write_store(folder, state, table, coverage))
    return coverage


#: The levels of the built région's own territories (France's figures are context).
REGION_LEVELS = ("commune", "epci", "departement", "region")


def indicators_without_value(table: pd.DataFrame) -> list[str]:
    """The available indicators that have no value for any territory of the région (a source that does not cover
    it: Filosofi 2021 in Guadeloupe, the DREES places outside the Hauts-de-France), in catalogue order."""
    valued = set(table.loc[table["level"].isin(REGION_LEVELS) & table["value"].notna(), "indicator"])
    return [item.id for item in indicators.INDICATORS if item.available and item.id not in valued]


def _write_store(folder: Path, state: BuildState, table: pd.DataFrame, coverage: dict) -> None:
    frame = territories.to_store_frame(state.parts["scope"], state.parts["shapes"])
    territories.with_labels(frame, state.parts["labels"]).to_parquet(folder / "territories.parquet")
    table.to_parquet(folder / "indicators.parquet", index=False)
    _residences_frame(state).to_parquet(folder / "residences.parquet")
    state.parts["series"].to_parquet(folder / series.FILE, index=False)
    write_json(folder / "coverage.json", coverage)
    write_json(folder / "catalogue.json", _catalogue_payload(state))


def _residences_frame(state: BuildState) -> gpd.GeoDataFrame:
    residences = state.parts["residences"]
    source = catalogue.get(state.parts["finess_dataset"]).citation
    region_of = state.parts["admin"].departements.set_index("code")["region_code"]
    frame = residences.assign(
        type_label=residences["type"].map(finess_common.TYPE_LABELS),
        family_label=residences["family"].map(finess_common.FAMILY_LABELS),
        region_code=residences["departement_code"].map(region_of),
        source=source,
    )
    columns = [
        "finess",
        "name",
        "type",
        "type_label",
        "family",
        "family_label",
        "category_code",
        "commune_code",
        "commune_name",
        "epci_code",
        "departement_code",
        "region_code",
        "postal_code",
        "city",
        "opening_date",
        "source",
    ]
    located = frame["lon"].notna() & frame["lat"].notna()
    points = gpd.points_from_xy(frame["lon"], frame["lat"], crs="EPSG:4326")
    geometry = gpd.GeoSeries(points, crs="EPSG:4326").where(located.to_numpy(), None)  # no position: missing
    return gpd.GeoDataFrame(frame[columns].reset_index(drop=True), geometry=geometry.reset_index(drop=True))


#: What the app shows a dataset for (role → dataset id), written to catalogue.json so that the app never
#: names a versioned dataset id.
DATASET_ROLES = {
    "territories": decoupage.DATASET_ID,
    "census": comparateur.DATASET_ID,
    "establishments": finess_fhir.FRANCE_HOUSING_DATASET_ID,
    "reference_figures": reference_figures.DATASET_ID,
    "income_2019": filosofi_supra.DATASET_ID,
    "geometry_commune": communes_2018.DATASET_ID,
    "geometry_epci": contours.DATASET_ID,
    "geometry_departement": contours.DATASET_ID,
    "label_points": ngeofr.DATASET_ID,
}


def _former_commune_codes(state: BuildState) -> dict[str, str]:
    """Former Insee code → current commune of the scope (communes nouvelles, delegated communes): the commune
    fiche redirects a former code to its current commune."""
    former = state.parts["admin"].former_codes
    current = set(state.parts["scope"].communes["code"])
    kept = former[former["current_code"].isin(current) & ~former["former_code"].isin(current)]
    return dict(zip(kept["former_code"], kept["current_code"], strict=True))


def _catalogue_payload(state: BuildState) -> dict:
    return {
        "dataset_roles": DATASET_ROLES,
        "former_commune_codes": _former_commune_codes(state),
        "datasets": [
            {
                "id": dataset.id,
                "title": dataset.title,
                "publisher": dataset.publisher,
                "licence": dataset.licence,
                "vintage": dataset.vintage,
                "format": dataset.format,
                "level": dataset.level,
                "page_url": dataset.page_url,
                "urls": [file.url for file in dataset.files if file.url],
                "in_mirror": dataset.in_mirror,
                "notes": dataset.notes,
                "caveats": list(dataset.caveats),
                "citation": dataset.citation,
            }
            for dataset in catalogue.DATASETS
        ],
        "indicators": [indicator.as_record(state.vintages) for indicator in indicators.INDICATORS],
        "themes": indicators.THEMES,
        "featured": indicators.FEATURED,
        "methods": indicators.METHODS,
        "residence_types": {
            "labels": finess_common.TYPE_LABELS,
            "families": finess_common.FAMILY_LABELS,
            "residence_sociale": list(finess_common.RESIDENCE_TYPES),
            "hebergement": list(finess_common.HEBERGEMENT_TYPES),
            "rule": finess_common.TYPOLOGY_RULE,
        },
        "supply_places": state.parts["places"],
        "series": [declared.as_record() for declared in series.SERIES],
        "reference_figures": state.parts["reference_figures"].to_dict(orient="records"),
        "accelerated_territories": state.parts["accelerated"].to_dict(orient="records"),
    }
