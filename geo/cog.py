"""Bring commune-level data keyed on older COG vintages to current communes.

Mergers ("communes nouvelles") are mapped through the `anciensCodes` of the administrative
reference: additive counts are summed into the current commune. A code that was later split
between several current communes (re-coding) is not attributable to one commune; its row is
kept as a *group* so that it still counts in any territory that contains all its communes.
Nothing is dropped silently: every code that matches no current commune is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

#: Codes that, in older vintages, covered several communes that are distinct today.
#: 60054 "Les Hauts-Talican" (2019–2022 COG) is today 60054 Beaumont-les-Nonains and 60694
#: Les Hauts-Talican (INSEE COG; see the Comparateur de territoires PROVENANCE).
RECODED_SPLITS_COG_2021: Mapping[str, tuple[str, ...]] = {"60054": ("60054", "60694")}


@dataclass(frozen=True)
class Harmonised:
    """Commune-level values on current codes, plus rows spanning several communes."""

    communes: pd.DataFrame  # index: current commune code; one column per value
    groups: pd.DataFrame  # columns: communes (tuple of current codes) + value columns
    report: dict = field(default_factory=dict)


def code_targets(
    former_codes: pd.DataFrame,
    current_codes: Iterable[str],
    splits: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Map every known code (current or former) to the current commune(s) it covers."""
    targets = {code: (code,) for code in current_codes}
    for former, current in zip(former_codes["former_code"], former_codes["current_code"], strict=True):
        if former not in targets:
            targets[former] = (current,)
    targets.update(splits or {})
    return targets


def arrondissement_targets(codes: Iterable[str], arrondissements: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Map the municipal arrondissements of a file to their commune (Paris, Lyon, Marseille) when the file has no
    row of that commune; when it has one, its arrondissements stay unmapped so that nothing is counted twice.

    `arrondissements`: code, commune_code (`loaders.decoupage`)."""
    present = set(codes)
    return {
        code: (commune,)
        for code, commune in zip(arrondissements["code"], arrondissements["commune_code"], strict=True)
        if code in present and commune not in present
    }


def harmonise(
    frame: pd.DataFrame,
    *,
    code_column: str,
    additive: Iterable[str],
    intensive: Iterable[str] = (),
    targets: Mapping[str, tuple[str, ...]],
    scope: Iterable[str],
) -> Harmonised:
    """Re-key a commune table on current codes.

    `additive` columns (counts) are summed over merged codes; `intensive` columns (medians,
    rates) are kept only where one source row maps to exactly one current commune and no
    other row maps to it (a median of merged communes cannot be rebuilt). Rows outside
    `scope` (current codes of the territories wanted) are counted, not kept.
    """
    additive, intensive = list(additive), list(intensive)
    scope = set(scope)
    codes = frame[code_column].astype(str)
    mapped = codes.map(lambda code: targets.get(code))
    unknown = sorted(set(codes[mapped.isna()]))
    known = frame[mapped.notna()].assign(_targets=mapped[mapped.notna()])
    in_scope = known["_targets"].map(lambda cover: any(code in scope for code in cover)).astype(bool)
    known = known[in_scope]  # a boolean mask even when empty (an empty object Series would select columns)
    renamed = known[codes[known.index] != known["_targets"].map(lambda cover: cover[0])]
    single = known[known["_targets"].map(len) == 1].assign(_code=lambda df: df["_targets"].map(lambda c: c[0]))
    multi = known[known["_targets"].map(len) > 1]

    split_communes = {code for cover in multi["_targets"] for code in cover}
    summed = single.groupby("_code")[additive].sum(min_count=1) if additive else pd.DataFrame()
    rows_per_code = single.groupby("_code").size()
    alone = single[single["_code"].map(rows_per_code) == 1].set_index("_code")
    communes = pd.DataFrame(index=pd.Index(sorted(scope), name="code"))
    for column in additive:
        communes[column] = summed[column].reindex(communes.index) if len(summed) else float("nan")
    for column in intensive:
        communes[column] = alone[column].reindex(communes.index)
    communes.loc[communes.index.isin(split_communes), additive + intensive] = float("nan")

    groups = pd.DataFrame({"communes": list(multi["_targets"])})
    for column in additive:
        groups[column] = multi[column].to_numpy()
    merged_codes = sorted(set(single["_code"][single["_code"].map(rows_per_code) > 1]))
    report = {
        "rows_read": len(frame),
        "rows_in_scope": len(known),
        "rows_outside_scope": int(len(frame) - len(known) - len(unknown)),
        "codes_unknown": unknown,
        "codes_remapped": {
            str(code): list(cover) for code, cover in zip(renamed[code_column], renamed["_targets"], strict=True)
        },
        "communes_from_merged_rows": merged_codes,
        "communes_not_attributable": sorted(split_communes),
        "communes_without_row": sorted(scope - set(single["_code"]) - split_communes),
    }
    return Harmonised(communes=communes, groups=groups, report=report)
