"""French formatting of numbers, dates and values, and the one parser of the numbers people type.

One place, so that every page, file and slide writes « 12 345,6 », « 21 % », « 1er » and « −0 » the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

NNBSP = "\u202f"  # narrow no-break space: thousands separator, and before « : ; ? ! % »
MISSING_LABEL = "donnée non disponible"
#: Decimals of an indicator's values by its unit (first marker found), else 0 for counts and 1 otherwise.
UNIT_DECIMALS = (
    ("% par an", 2),
    ("%", 1),
    ("places pour 10 000", 1),
    ("pour 10 000", 2),
    ("par attribution", 1),
    ("€ par m²", 1),
    ("€", 0),
)
COUNT_UNITS = ("habitants", "ménages", "logements", "établissements", "personnes", "demandes", "places")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


#: Python's « 12,345.6 » written the French way, « 12 345,6 », in one pass.
_FRENCH_SEPARATORS = str.maketrans({",": NNBSP, ".": ","})


def format_number(value: float, decimals: int = 0) -> str:
    """French number: narrow no-break space between thousands, decimal comma (12 345,6); never « -0 »."""
    return _french(format(value, f",.{decimals}f"))


def _french(text: str) -> str:
    if text[0] == "-" and not text.strip("-0.,"):  # « -0 », « -0.0 »: a negative value rounded to zero
        text = text[1:]
    return text.translate(_FRENCH_SEPARATORS)


def format_numbers(values: Any, decimals: int = 0) -> list[str]:
    """`format_number` of every value of an array of finite numbers (a map level's worth at once)."""
    spec = f",.{decimals}f"
    return [_french(format(value, spec)) for value in values]


def format_count(value: float) -> str:
    """A whole number with its thousands separator: 12 345."""
    return format_number(round(value))


def format_percent(share: float, decimals: int = 0) -> str:
    """A share from 0 to 1 as « 21 % »."""
    return f"{format_number(100 * share, decimals)}{NNBSP}%"


def format_plain(value: float) -> str:
    """A value as typed in an input: no thousands separator, decimal comma only when needed."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}".replace(".", ",")


def format_weight(weight: float) -> str:
    """1 → « 1 », 0.5 → « 0,5 », 1.25 → « 1,25 »."""
    return f"{weight:g}".replace(".", ",")


def ordinal(rank: int) -> str:
    """« 1er », « 2e », « 1 250e »."""
    if rank == 1:
        return "1er"
    return f"{rank}e" if 0 <= rank < 1000 else f"{format_number(rank)}e"


def format_date(value: datetime) -> str:
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime) -> str:
    return f"{format_date(value)} à {value.strftime('%H:%M')} ({value.tzname() or 'heure locale'})"


def with_unit(number: str, unit: str) -> str:
    if not unit:
        return number
    return f"{number}{NNBSP}{unit}" if unit.startswith("%") else f"{number} {unit}"


def value_decimals(entry: Mapping[str, Any]) -> int:
    """Decimals for an indicator's values, from its unit."""
    unit = entry.get("unit") or ""
    for marker, decimals in UNIT_DECIMALS:
        if marker in unit:
            return decimals
    if unit in COUNT_UNITS or entry.get("method") == "somme":
        return 0
    return 1


def unit_for(value: float, unit: str) -> str:
    """French agreement: singular below 2 (« 1 établissement », « 0,55 établissement pour 10 000 hab. »)."""
    first, _, rest = unit.partition(" ")
    if abs(value) < 2 and first.endswith("s") and first.isalpha() and first not in ("par",):
        return f"{first[:-1]} {rest}".strip()
    return unit


def format_value(value: float | None, entry: Mapping[str, Any]) -> str:
    """A value with its unit, or « donnée non disponible »."""
    if value is None or not math.isfinite(value):
        return MISSING_LABEL
    return with_unit(format_number(value, value_decimals(entry)), unit_for(value, entry.get("unit") or ""))


def parse_number(text: str | float | int | None) -> float | None:
    """A number typed the French or the English way (« 12 200 », « 18,5 », « 18.5 », « 25 % »).

    None when empty, not a plain decimal number, or not finite (the caller decides what to say).
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(text) else None
    cleaned = _SPACES.sub("", str(text)).removesuffix("€").removesuffix("%")
    if not _NUMBER.fullmatch(cleaned):
        return None
    return float(cleaned.replace(",", "."))


# --- Text: French typography ---------------------------------------------------------------------------

_BEFORE_PUNCTUATION = re.compile(r" ([:;?!»%])")
_AFTER_GUILLEMET = re.compile(r"« ")
#: A space between digit groups (« 10 000 habitants ») must not break a number across two lines.
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def typo(text: str) -> str:
    """French typography: narrow no-break space before « : ; ? ! % », inside guillemets and between the digit
    groups of a number."""
    text = _BEFORE_PUNCTUATION.sub(rf"{NNBSP}\1", text)
    return _THOUSANDS.sub(NNBSP, _AFTER_GUILLEMET.sub(f"«{NNBSP}", text))
