"""The URL-state kit: parsing with French notices, writing back, and the round trip."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from dashboard.core.url_state import Invalid, Param, Reading, UrlState, choice, codes, integer, number

LEVELS = ("epci", "commune", "departement")
LAYERS = ("fjt", "pension", "residence")


@dataclass(frozen=True)
class Toy:
    level: str = "epci"
    classes: int = 5
    target: float | None = None
    layers: tuple[str, ...] = ("residence",)
    partial: bool = False
    territory: str | None = None


def _territory(text: str, reading: Reading) -> str:
    if text not in reading.choices[reading.state.level]:
        raise Invalid(f"Territoire « {text} » introuvable à ce niveau : aucun territoire n'est sélectionné.")
    return text


CODES = {"epci": {"200000001", "200000002"}, "commune": {"59350"}, "departement": {"59"}}
TOY = UrlState(
    (
        choice("niveau", "level", LEVELS, "la carte est affichée par EPCI", what="Niveau"),
        integer("classes", "classes", 3, 7, "Nombre de classes", "5 classes sont utilisées"),
        number("cible", "target", 0, 200, "Objectif"),
        codes("couches", "layers", LAYERS, "Couche(s)", empty=("", "aucune"), none_text="aucune"),
        choice(
            "approximations",
            "partial",
            ("exclues", "incluses"),
            "elles sont exclues",
            convert={"exclues": False, "incluses": True},
        ),
        Param("territoire", "territory", _territory, lambda value: value, aliases=("code",)),
    )
)


def test_a_valid_query_sets_every_field_without_notice() -> None:
    query = {
        "niveau": "commune",
        "classes": "7",
        "cible": "12,5",
        "couches": "pension,fjt",
        "approximations": "incluses",
        "territoire": "59350",
    }
    state, notices = TOY.parse(query, Toy(), CODES)
    assert state == Toy("commune", 7, 12.5, ("fjt", "pension"), True, "59350")
    assert notices == []


def test_bad_values_keep_the_default_and_say_so_in_french() -> None:
    query = {
        "niveau": "pays",
        "classes": "12",
        "cible": "beaucoup",
        "couches": "fjt,hotel",
        "inconnu": "1",
        "territoire": "59350",
        "_": "1700000000",
    }
    state, notices = TOY.parse(query, Toy(), CODES)
    assert state == Toy(layers=("fjt",))
    assert notices == [
        "Paramètre « inconnu » inconnu : il est ignoré.",
        "Niveau « pays » inconnue : la carte est affichée par EPCI.",
        "Nombre de classes « 12 » invalide (de 3 à 7) : 5 classes sont utilisées.",
        "Objectif « beaucoup » invalide (nombre de 0 à 200).",
        "Couche(s) inconnu(s) ignoré(s) : hotel.",
        "Territoire « 59350 » introuvable à ce niveau : aucun territoire n'est sélectionné.",
    ]


def test_a_repeated_parameter_keeps_its_first_value_and_an_alias_is_read() -> None:
    state, notices = TOY.parse({"classes": ["4", "6"], "code": "200000002"}, Toy(), CODES)
    assert (state.classes, state.territory) == (4, "200000002")
    assert notices == ["Le paramètre « classes » est répété : seule sa première valeur est retenue."]


def test_a_non_strict_reading_leaves_other_parameters_to_the_caller() -> None:
    _state, notices = TOY.select(["niveau"]).parse({"niveau": "epci", "classes": "4"}, Toy(), CODES, strict=False)
    assert notices == []


def test_serialise_writes_what_parse_reads_and_leaves_unset_values_out() -> None:
    assert TOY.serialise(Toy()) == "?niveau=epci&classes=5&couches=residence&approximations=exclues"
    assert "couches=aucune" in TOY.serialise(Toy(layers=()))


@given(
    level=st.sampled_from(LEVELS),
    classes=st.integers(3, 7),
    target=st.none() | st.floats(0, 200, allow_nan=False),
    layers=st.sets(st.sampled_from(LAYERS)).map(lambda chosen: tuple(code for code in LAYERS if code in chosen)),
    partial=st.booleans(),
    data=st.data(),
)
def test_every_valid_state_survives_the_round_trip(level, classes, target, layers, partial, data) -> None:
    territory = data.draw(st.none() | st.sampled_from(sorted(CODES[level])))
    state = Toy(level, classes, target, layers, partial, territory)
    query = dict(pair.split("=", 1) for pair in TOY.serialise(state)[1:].split("&"))
    assert TOY.parse(query, Toy(), CODES) == (state, [])
