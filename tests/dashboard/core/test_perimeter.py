"""The perimeter (région, départements) is read from the built store; the app names no région itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard.core.perimeter import Perimeter, app_title, article, perimeter
from dashboard.core.store import Store, load_store

DASHBOARD = Path(__file__).resolve().parents[3] / "dashboard"
#: Texts quoted from the région's own documents (content/), which name it as their authors did.
QUOTED = {"content"}


@pytest.fixture(scope="module")
def store(built_data_dir: Path) -> Store:
    return load_store(built_data_dir)


def test_perimeter_comes_from_the_store(store: Store) -> None:
    region = perimeter(store)
    assert (region.code, region.name) == ("32", "Hauts-de-France")
    assert region.departement_codes == ("02", "59", "60", "62", "80")
    assert dict(region.departements)["59"] == "Nord"
    assert region.title == "Résidences sociales — Hauts-de-France"
    assert perimeter(store) is region  # read once per loaded store


@pytest.mark.parametrize(
    ("name", "word", "of_name", "in_name"),
    [
        ("Hauts-de-France", "les", "des Hauts-de-France", "dans les Hauts-de-France"),
        ("Pays de la Loire", "les", "des Pays de la Loire", "dans les Pays de la Loire"),
        ("Normandie", "la", "de la Normandie", "en Normandie"),
        ("Île-de-France", "l'", "de l'Île-de-France", "en Île-de-France"),
        ("Occitanie", "l'", "de l'Occitanie", "en Occitanie"),
        ("Grand Est", "le", "du Grand Est", "dans le Grand Est"),
        ("Centre-Val de Loire", "le", "du Centre-Val de Loire", "dans le Centre-Val de Loire"),
        ("Mayotte", "", "de Mayotte", "à Mayotte"),
        ("La Réunion", "", "de La Réunion", "à La Réunion"),
        ("Auvergne-Rhône-Alpes", "", "d'Auvergne-Rhône-Alpes", "en Auvergne-Rhône-Alpes"),
        ("Bourgogne-Franche-Comté", "", "de Bourgogne-Franche-Comté", "en Bourgogne-Franche-Comté"),
        ("Provence-Alpes-Côte d'Azur", "", "de Provence-Alpes-Côte d'Azur", "en Provence-Alpes-Côte d'Azur"),
    ],
)
def test_region_names_take_their_article(name: str, word: str, of_name: str, in_name: str) -> None:
    region = Perimeter("00", name, ())
    assert article(name) == word
    assert (region.of_name, region.in_name) == (of_name, in_name)


def test_app_title_without_region_is_the_app_name() -> None:
    assert app_title("") == "Résidences sociales"


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes of a module, its classes and functions."""
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners) and node.body and isinstance(node.body[0], ast.Expr)
    }


def test_no_module_of_the_app_names_the_region_or_its_code() -> None:
    """The build takes --region: a literal région in the app would be wrong for any other build."""
    offenders = []
    for path in DASHBOARD.rglob("*.py"):
        if QUOTED & set(path.relative_to(DASHBOARD).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            literal = isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            if literal and ("Hauts-de-France" in node.value or node.value == "32"):
                offenders.append(f"{path.relative_to(DASHBOARD)}:{node.lineno}: {node.value[:80]!r}")
    assert not offenders, "\n".join(offenders)
