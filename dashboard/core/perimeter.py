"""The perimeter of the built data: its région (code, name) and départements, or all of France, read from the store.

The build takes `--region` (`--region france` for the whole country); nothing in the app names a région
otherwise. A territory is compared with its own région (`own_region`): the perimeter for a région build, the
région it lies in for France. French needs the article of the
name (« dans les Hauts-de-France », « en Normandie », « du Grand Est »): `Perimeter.in_name` and
`Perimeter.of_name` write it from the name's grammar.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, has_app_context

from dashboard.core.levels import FRANCE_CODE, LEVEL_DEPARTEMENT, LEVEL_FRANCE, LEVEL_REGION
from dashboard.core.store import CONFIG_KEY, Store

APP_NAME = "Résidences sociales"
#: Names whose article the rules below would get wrong (masculine, or without article: « en France », « de France »).
_ARTICLES = {"Grand Est": "le", "Centre-Val de Loire": "le", "Mayotte": "", "La Réunion": "", "France": ""}
#: Compound names used without article but with « en » (« en Auvergne-Rhône-Alpes », « d'Auvergne-Rhône-Alpes »).
_ARTICLES |= dict.fromkeys(("Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Provence-Alpes-Côte d'Azur"), "")
#: Islands: « à Mayotte », « à La Réunion ».
_ISLANDS = ("Mayotte", "La Réunion")
_VOWELS = tuple("AEIOUYÂÊÎÔÛÉÈ")


def article(name: str) -> str:
    """« les », « le », « la », « l' » or «  » before a région's name."""
    if name in _ARTICLES:
        return _ARTICLES[name]
    if name.startswith(("Hauts-", "Pays ")):
        return "les"
    if name.startswith(_VOWELS):
        return "l'"
    return "la" if name.endswith("e") else "le"


#: The perimeter of a France build (`python -m loaders build --region france`).
FRANCE_BUILD = "france"


@dataclass(frozen=True)
class Perimeter:
    """The région of the build (or France: `level` "france", code "FR") and its départements (code, name), and
    the régions it holds (code, name), in code order."""

    code: str
    name: str
    departements: tuple[tuple[str, str], ...]
    level: str = LEVEL_REGION
    regions: tuple[tuple[str, str], ...] = ()

    @property
    def is_france(self) -> bool:
        return self.level == LEVEL_FRANCE

    @property
    def departement_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.departements)

    @property
    def framed_regions(self) -> tuple[str, ...]:
        """The régions the map frames by default: the built one, or metropolitan France (the DROM, codes 01 to 06,
        are reached by choosing one of their territories)."""
        codes = tuple(code for code, _ in self.regions)
        return tuple(code for code in codes if code >= "10") if self.is_france else codes

    @property
    def adjective(self) -> str:
        """« régionale », or « nationale » for France: « moyenne régionale », « valeur nationale »."""
        return "nationale" if self.is_france else "régionale"

    @property
    def title(self) -> str:
        """« Résidences sociales — Hauts-de-France »: the app's name for this perimeter."""
        return app_title(self.name)

    @property
    def in_name(self) -> str:
        """« dans les Hauts-de-France », « en Normandie », « dans le Grand Est », « en Auvergne-Rhône-Alpes »,
        « à Mayotte »."""
        if not self.name:
            return "dans la région"
        word = article(self.name)
        if word in ("les", "le"):
            return f"dans {word} {self.name}"
        if word in ("la", "l'") or self.name not in _ISLANDS:
            return f"en {self.name}"
        return f"à {self.name}"

    @property
    def of_name(self) -> str:
        """« des Hauts-de-France », « de la Normandie », « de l'Occitanie », « du Grand Est », « de Mayotte »,
        « d'Auvergne-Rhône-Alpes »."""
        if not self.name:
            return "de la région"
        word = article(self.name)
        if word == "les":
            return f"des {self.name}"
        if word == "le":
            return f"du {self.name}"
        if word == "l'":
            return f"de l'{self.name}"
        if word:
            return f"de {word} {self.name}"
        return f"d'{self.name}" if self.name.startswith(_VOWELS) else f"de {self.name}"


#: Département names whose article the rules of `of_departement` would get wrong (masculine ending in « e »).
_MASCULINE = ("Rhône", "Finistère", "Puy-de-Dôme", "Vaucluse", "Val-", "Territoire de Belfort")
_PLURAL = ("Hautes-", "Hauts-", "Alpes", "Pyrénées", "Bouches-", "Côtes-", "Deux-", "Yvelines", "Vosges", "Landes")
_PLURAL += ("Ardennes",)


def of_departement(name: str) -> str:
    """« du département de la Somme », « du Nord », « de l'Aisne », « des Hautes-Alpes »: the département named
    with its article."""
    if name.startswith(_PLURAL):
        return f"du département des {name}"
    if name.startswith(_VOWELS) or (name.startswith("Hé")):
        return f"du département de l'{name}"
    if name.startswith(_MASCULINE) or not name.endswith("e"):
        return f"du département du {name}"
    return f"du département de la {name}"


def _read(store: Store) -> Perimeter:
    territories = store.territories
    region = territories[territories["level"] == LEVEL_REGION].sort_values("code")
    code = str(store.coverage.get("region_code") or (region["code"].iloc[0] if len(region) else ""))
    departements = territories[territories["level"] == LEVEL_DEPARTEMENT].sort_values("code")
    pairs = {
        level: tuple(zip(frame["code"].astype(str), frame["name"].astype(str), strict=True))
        for level, frame in ((LEVEL_REGION, region), (LEVEL_DEPARTEMENT, departements))
    }
    if code == FRANCE_BUILD:
        return Perimeter(FRANCE_CODE, "France", pairs[LEVEL_DEPARTEMENT], LEVEL_FRANCE, pairs[LEVEL_REGION])
    names = region.loc[region["code"] == code, "name"]
    name = str(names.iloc[0]) if len(names) else ""  # a store without its région's row: « la région »
    return Perimeter(code, name, pairs[LEVEL_DEPARTEMENT], LEVEL_REGION, pairs[LEVEL_REGION])


def perimeter(store: Store) -> Perimeter:
    """The store's perimeter, read once per loaded store."""
    return store.derived("perimeter", _read)


def _regions_of_territories(store: Store) -> dict[tuple[str, str], str]:
    territories = store.territories
    codes = territories["region_code"].astype(str) if "region_code" in territories else ""
    return dict(zip(zip(territories["level"], territories["code"], strict=True), codes, strict=True))


def own_region(store: Store, level: str, code: str | None) -> tuple[str, str]:
    """(code, name) of the région a territory is compared with: the built région, or for France the région the
    territory lies in (its own code for a région; ("", "") when the store does not know it)."""
    frame = perimeter(store)
    if not frame.is_france:
        return frame.code, frame.name
    region_code = (
        code if level == LEVEL_REGION else store.derived("regions_of", _regions_of_territories).get((level, code), "")
    )
    return region_code, dict(frame.regions).get(region_code, "")


def own_regions(store: Store, places: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """The régions (code, name) the territories `places` (level, code) are compared with, each once, in order, but
    the régions among `places` themselves; the built région when nothing is chosen."""
    chosen = {code for level, code in places if level == LEVEL_REGION}
    regions = [own_region(store, level, code) for level, code in places] or [own_region(store, LEVEL_REGION, "")]
    return [
        region
        for index, region in enumerate(regions)
        if region[0] and region[0] not in chosen and region not in regions[:index]
    ]


def current_perimeter(app: Flask | None = None) -> Perimeter | None:
    """The perimeter of `app` (the current app by default) when its data is built, else None."""
    if app is None and not has_app_context():
        return None
    store = (app or current_app).config.get(CONFIG_KEY)
    return perimeter(store) if isinstance(store, Store) else None


def region_name(app: Flask | None = None) -> str:
    """The région's name for `app` (the current app by default) when its data is built, else «  »."""
    region = current_perimeter(app)
    return region.name if region else ""


def in_region(app: Flask | None = None) -> str:
    """« dans les Hauts-de-France » for the current app, « dans la région » when its data is not built."""
    region = current_perimeter(app)
    return region.in_name if region else Perimeter("", "", ()).in_name


def of_region(app: Flask | None = None) -> str:
    """« des Hauts-de-France » for the current app, « de la région » when its data is not built."""
    region = current_perimeter(app)
    return region.of_name if region else Perimeter("", "", ()).of_name


#: The perimeter named generically (the article, the preposition): a région build, then a France build.
_WORDS = {False: ("la région", "de la région", "dans la région"), True: ("la France", "de France", "en France")}


def _words(app: Flask | None) -> tuple[str, str, str]:
    region = current_perimeter(app)
    return _WORDS[bool(region and region.is_france)]


def perimeter_noun(app: Flask | None = None) -> str:
    """« la région », or « la France » for a France build."""
    return _words(app)[0]


def of_perimeter(app: Flask | None = None) -> str:
    """« de la région », or « de France » for a France build."""
    return _words(app)[1]


def in_perimeter(app: Flask | None = None) -> str:
    """« dans la région », or « en France » for a France build."""
    return _words(app)[2]


def perimeter_adjective(app: Flask | None = None) -> str:
    """« régionale » (also when the data is not built), or « nationale » for a France build."""
    region = current_perimeter(app)
    return region.adjective if region else "régionale"


def app_title(name: str) -> str:
    """« Résidences sociales — Hauts-de-France », or the app's name alone when no région is known."""
    return f"{APP_NAME} — {name}" if name else APP_NAME
