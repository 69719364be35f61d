"""The one URL-state kit: a page declares its parameters, the kit parses, checks and writes them back.

A page's state is a frozen dataclass; each URL parameter (`Param`) names the field it sets, how to read
its text (raising `Invalid` with a French message, the default is then kept) and how to write it back.
`UrlState.parse` applies the parameters in their declared order (a later one can depend on an earlier
one through the `Reading` it receives: the territory on the level), keeps the first value of a repeated
parameter, ignores unknown ones, and returns the state with one French notice per ignored value
(shown by `dashboard.ui.components.ignored_parameters`). `UrlState.serialise` writes the query string
that parses back to the same state.

    MAP = UrlState((choice("niveau", "level", LEVELS, "la carte est affichée par EPCI"), integer(...)))
    state, notices = MAP.parse(request_args, default_state(choices), choices)
    href = "/" + MAP.serialise(state)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import numpy as np

from dashboard.core.formatting import format_plain, parse_number

#: Parameters any address may carry and every page ignores silently (cache busters).
SILENT = ("_",)
#: How much of a user's value a notice quotes.
QUOTE_LIMIT = 40


class Invalid(ValueError):
    """A parameter's value cannot be used; the message (French) says why and what is used instead."""


@dataclass
class Reading:
    """What a parameter's reader may consult: the data's choices, the state so far, and where to note
    a partial problem (a value kept in part: unknown codes dropped from a list)."""

    choices: Any
    state: Any
    notices: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        self.notices.append(message)


@dataclass(frozen=True)
class Param:
    """One URL parameter: `name` in the address, `field` of the state it sets.

    `read(text, reading)` returns the field's value or raises `Invalid`; `write(value)` returns the text
    (None: the parameter is left out of the address). `aliases` are former names still read.
    """

    name: str
    field: str
    read: Callable[[str, Reading], Any]
    write: Callable[[Any], str | None]
    aliases: tuple[str, ...] = ()


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A user's value as a notice quotes it: stripped and cut to `limit` characters."""
    return text.strip()[:limit]


def plain_decimal(value: float) -> str:
    """The shortest text that reads back to `value`, never in scientific notation (12.5 → « 12.5 »)."""
    return np.format_float_positional(value, trim="-")


def _allowed(values: Iterable[str] | Callable[[Reading], Iterable[str]], reading: Reading) -> list[str]:
    return list(values(reading) if callable(values) else values)


def choice(
    name: str,
    state_field: str,
    allowed: Iterable[str] | Callable[[Reading], Iterable[str]],
    otherwise: str,
    *,
    what: str | None = None,
    convert: Mapping[str, Any] | None = None,
    write: Callable[[Any], str | None] | None = None,
) -> Param:
    """One value among `allowed` (or a function of the reading giving them); `convert` maps the text to
    the field's value (e.g. « incluses » → True). The notice: « <what> « x » inconnu(e) : <otherwise>. »"""
    values = allowed if callable(allowed) else tuple(allowed)
    inverse = {value: text for text, value in convert.items()} if convert else None

    def read(text: str, reading: Reading) -> Any:
        if text in _allowed(values, reading):
            return convert[text] if convert else text
        subject = f"{what} « {quoted(text)} »" if what else f"Valeur « {quoted(text)} » pour « {name} »"
        raise Invalid(f"{subject} inconnue : {otherwise}.")

    def default_write(value: Any) -> str | None:
        if value is None:
            return None
        return inverse[value] if inverse else str(value)

    return Param(name, state_field, read, write or default_write)


def integer(name: str, state_field: str, low: int, high: int, what: str, otherwise: str) -> Param:
    """A whole number from `low` to `high`."""

    def read(text: str, _reading: Reading) -> int:
        number = int(text.strip()) if text.strip().isdigit() else None
        if number is None or not low <= number <= high:
            raise Invalid(f"{what} « {quoted(text)} » invalide (de {low} à {high}) : {otherwise}.")
        return number

    return Param(name, state_field, read, lambda value: None if value is None else str(value))


def number(name: str, state_field: str, low: float, high: float, what: str, otherwise: str = "") -> Param:
    """A decimal number (point or comma) from `low` to `high`; an empty value leaves the field unset."""

    def read(text: str, _reading: Reading) -> float | None:
        if not text.strip():
            return None
        value = parse_number(text)
        if value is None or not low <= value <= high:
            tail = f" : {otherwise}" if otherwise else ""
            raise Invalid(
                f"{what} « {quoted(text)} » invalide (nombre de {format_plain(low)} à {format_plain(high)}){tail}."
            )
        return value

    return Param(name, state_field, read, lambda value: None if value is None else plain_decimal(value))


def codes(
    name: str,
    state_field: str,
    allowed: Iterable[str] | Callable[[Reading], Iterable[str]],
    what: str,
    *,
    empty: Sequence[str] = ("",),
    none_text: str | None = None,
) -> Param:
    """A comma-separated list of codes among `allowed`, kept in `allowed`'s order; unknown codes are
    dropped with a notice (« <what> inconnu(s) ignoré(s) : a, b. »). `none_text` writes the empty list
    (« aucune »), which `empty` reads back."""
    values = allowed if callable(allowed) else tuple(allowed)

    def read(text: str, reading: Reading) -> tuple[str, ...]:
        known = _allowed(values, reading)
        asked = [] if text.strip() in empty else [part.strip() for part in text.split(",") if part.strip()]
        unknown = [quoted(part, 10) for part in asked if part not in known]
        if unknown:
            reading.note(f"{what} inconnu(s) ignoré(s) : {', '.join(unknown[:10])}.")
        return tuple(code for code in known if code in asked)

    def write(value: Sequence[str]) -> str | None:
        if value:
            return ",".join(value)
        return none_text

    return Param(name, state_field, read, write)


@dataclass(frozen=True)
class UrlState:
    """The parameters of one page, in the order they are read and written."""

    params: tuple[Param, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(param.name for param in self.params)

    def accepts(self, name: str) -> bool:
        return name in SILENT or any(name == param.name or name in param.aliases for param in self.params)

    def select(self, names: Iterable[str]) -> UrlState:
        """The kit of some of these parameters (e.g. the need index's, inside the map's address)."""
        wanted = set(names)
        return UrlState(tuple(param for param in self.params if param.name in wanted))

    def __add__(self, other: UrlState) -> UrlState:
        return UrlState(self.params + other.params)

    def values(self, query: Mapping[str, str | Sequence[str]], notices: list[str]) -> dict[str, str]:
        """One text per known parameter (the first of a repeated one, aliases read under their name)."""
        values: dict[str, str] = {}
        for name, raw in query.items():
            param = next((p for p in self.params if name == p.name or name in p.aliases), None)
            if param is None:
                continue
            if isinstance(raw, str):
                text = raw
            else:
                notices.append(f"Le paramètre « {quoted(name)} » est répété : seule sa première valeur est retenue.")
                text = str(raw[0]) if raw else ""
            if name == param.name or param.name not in values:
                values[param.name] = text
        return values

    def parse(
        self, query: Mapping[str, str | Sequence[str]], default: Any, choices: Any = None, *, strict: bool = True
    ) -> tuple[Any, list[str]]:
        """The state the query asks for, starting from `default`, and one French notice per value ignored.

        `strict`: unknown parameters get a notice (a page reading only part of a shared address says False).
        """
        notices: list[str] = []
        if strict:
            notices += [
                f"Paramètre « {quoted(name)} » inconnu : il est ignoré." for name in query if not self.accepts(name)
            ]
        values = self.values(query, notices)
        reading = Reading(choices, default, notices)
        for param in self.params:
            if param.name not in values:
                continue
            try:
                value = param.read(values[param.name], reading)
            except Invalid as problem:
                notices.append(str(problem))
                continue
            reading.state = replace(reading.state, **{param.field: value})
        return reading.state, notices

    def pairs(self, state: Any) -> list[tuple[str, str]]:
        """(name, text) of every parameter whose value is written (in declared order)."""
        pairs = []
        for param in self.params:
            text = param.write(getattr(state, param.field))
            if text is not None:
                pairs.append((param.name, text))
        return pairs

    def serialise(self, state: Any) -> str:
        """The query string, with its leading « ? », that `parse` reads back to `state`."""
        return "?" + urlencode(self.pairs(state), safe=",:|")
