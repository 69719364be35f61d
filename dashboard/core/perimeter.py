"""The perimeter of the built data: its région (code, name) and départements, read from the store.

The build takes `--region`; nothing in the app names a région otherwise. French needs the article of the
name (« dans les Hauts-de-France », « en Normandie », « du Grand Est »): `Perimeter.in_name` and
`Perimeter.of_name` write it from the name's grammar.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, has_app_context

from dashboard.core.levels import LEVEL_DEPARTEMENT, LEVEL_REGION
from dashboard.core.store import CONFIG_KEY, Store

APP_NAME = "Résidences sociales"
#: Names whose article the rules below would get wrong (masculine, or without article).
_ARTICLES = {"Grand Est": "le", "Centre-Val de Loire": "le", "Mayotte": "", "La Réunion": ""}
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


@dataclass(frozen=True)
class Perimeter:
    """The région of the build and its départements (code, name), in code order."""

    code: str
    name: str
    departements: tuple[tuple[str, str], ...]

    @property
    def departement_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.departements)

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
    region = territories[territories["level"] == LEVEL_REGION]
    code = str(store.coverage.get("region_code") or (region["code"].iloc[0] if len(region) else ""))
    names = region.loc[region["code"] == code, "name"]
    name = str(names.iloc[0]) if len(names) else ""  # a store without its région's row: « la région »
    departements = territories[territories["level"] == LEVEL_DEPARTEMENT].sort_values("code")
    return Perimeter(
        code, name, tuple(zip(departements["code"].astype(str), departements["name"].astype(str), strict=True))
    )


def perimeter(store: Store) -> Perimeter:
    """The store's perimeter, read once per loaded store."""
    return store.derived("perimeter", _read)


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


def app_title(name: str) -> str:
    """« Résidences sociales — Hauts-de-France », or the app's name alone when no région is known."""
    return f"{APP_NAME} — {name}" if name else APP_NAME
