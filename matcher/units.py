"""Units and analytes: parse unit notations and convert lab values to one canonical unit.

The knowledge lives in two JSON resources inside the package; this module only
interprets them:

``matcher/resources/units.json``
    *dimensions* (each with a base unit), *units* (symbol, dimension, ``factor``
    and optional ``offset`` so that ``base = value * factor + offset``, surface
    ``notations``), and *spellings*: ordered regex rewrites that turn spelled-out
    words into symbols ("micromoles per liter" -> "umol/L") before notations are
    compared.

``matcher/resources/analytes.json``
    labs, vitals and scores, each with surface ``names``, a ``canonical_unit``,
    optional ``molar_mass`` (g/mol) and ``valence`` for mass <-> molar <-> mEq
    conversion, a plausible ``range`` and a plain-language ``question``.

Both files are read once (:func:`functools.cache`) and validated when read:
unknown keys, unknown dimensions or units, and notations or names claimed by
two entries raise :class:`UnitsDataError`.

Unit text is matched through a key that tolerates the ways criteria write
units: micro sign U+00B5 and Greek mu U+03BC (and ``u``/``mc``), superscripts
(``10⁹``, ``mm³``, ``m²``), a leading multiplier (``×``, ``x``, ``X``, ``*``),
exponent forms (``10^9``, ``10*9``, ``10e9``, ``10(9)``, and ``x109`` where the
superscript was lost), spaces, and letter case wherever case carries no meaning.
A notation listed under ``exact_notations`` matches only in that case
(``G/L`` is giga per litre, ``g/L`` grams per litre; ``mM`` is millimolar,
``mm`` millimetres).

Display: :func:`format_quantity` writes up to four significant digits, a space,
then the unit symbol; powers of ten get a multiplication sign, so cell counts
read ``2.5 ×10^9/L``; percentages are written ``55%``.
"""
from __future__ import annotations

import functools
import math
from functools import lru_cache
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .errors import MatcherError

__all__ = [
    "Analyte",
    "AnalyteKind",
    "Unit",
    "UnitError",
    "UnitsDataError",
    "all_analytes",
    "all_units",
    "analyte_for",
    "convert",
    "format_quantity",
    "normalize_unit",
    "to_canonical",
    "unit_info",
]

AnalyteKind = Literal["lab", "vital", "score"]

# Dimensions that convert into each other through an analyte's molar mass and
# valence. units.json must give them exactly these base units, checked at load.
MASS, MOLAR, EQUIVALENT = "mass_concentration", "molar_concentration", "equivalent_concentration"
_BRIDGE_BASES = {MASS: "g/L", MOLAR: "mol/L", EQUIVALENT: "Eq/L"}


class UnitError(MatcherError, ValueError):
    """A unit that is unknown, or that cannot be converted to the one asked for."""


class UnitsDataError(MatcherError, ValueError):
    """units.json or analytes.json is malformed; the message names the entry and key."""


@dataclass(frozen=True)
class Unit:
    """One unit: ``value_in_base = value * factor + offset`` in its dimension's base unit."""

    symbol: str
    dimension: str
    factor: float
    offset: float = 0.0
    notations: tuple[str, ...] = ()

    def to_base(self, value: float) -> float:
        return value * self.factor + self.offset

    def from_base(self, value: float) -> float:
        return (value - self.offset) / self.factor


@dataclass(frozen=True)
class Analyte:
    """A lab value, vital sign or score that criteria compare against a number.

    ``canonical_unit`` is a unit symbol, or None for unitless ratios (INR).
    ``range`` is a plausible ``(lo, hi)`` in the canonical unit, for rejecting
    nonsense; ``equivalent_units`` are units that criteria use interchangeably
    with the canonical one (creatinine clearance in mL/min/1.73m2), whose
    numbers are taken as they are.
    """

    id: str
    names: tuple[str, ...]
    canonical_unit: str | None
    kind: AnalyteKind
    molar_mass: float | None = None
    valence: int = 1
    question: str | None = None
    range: tuple[float, float] | None = None
    equivalent_units: tuple[str, ...] = ()
    uln: float | None = None  # a typical upper limit of normal, in the canonical unit


# --------------------------------------------------------------------------
# Public API


def normalize_unit(text: str | None) -> str | None:
    """The canonical symbol for a unit notation, or None when it is not a known unit.

    >>> normalize_unit("x10*9/l"), normalize_unit("cells/mm³"), normalize_unit("mcmol/L")
    ('10^9/L', '/µL', 'µmol/L')
    """
    unit = unit_info(text)
    return unit.symbol if unit else None


def unit_info(text: str | None) -> Unit | None:
    """The :class:`Unit` a notation stands for (symbol, dimension, factor), or None."""
    if not text:
        return None
    return _unit_lookup(text)


@functools.lru_cache(maxsize=4096)  # judging one search asks for the same few notations about 250 times
def _unit_lookup(text: str) -> Unit | None:
    return _unit_table().lookup(text)


def analyte_for(name: str | None) -> Analyte | None:
    """The analyte a surface name refers to ("BPC", "Hgb", "SGOT", "CrCl"), or None.

    Matching ignores case, spacing and hyphens, except for names listed as
    exact in analytes.json ("Cr" is creatinine, "CR" is not). When the whole
    name is unknown, leading specimen words ("serum", "plasma", "blood") and
    trailing words such as "level" or "value" are dropped and the lookup tried again.
    """
    if not name:
        return None
    return _analyte_lookup(name)


@functools.lru_cache(maxsize=4096)
def _analyte_lookup(name: str) -> Analyte | None:
    return _analyte_table().lookup(name)


def measured_by(finding: str) -> Analyte | None:
    """The lab a finding's name also names ("fever": body temperature, "proteinuria":
    urine protein), whose value in its units says more than the finding; None for
    other names and for scores."""
    analyte = analyte_for(finding)
    return analyte if analyte is not None and analyte.kind != "score" else None


def all_analytes() -> tuple[Analyte, ...]:
    """Every analyte in analytes.json, in file order."""
    return _analyte_table().analytes


def all_units() -> tuple[Unit, ...]:
    """Every unit in units.json, in file order."""
    return tuple(_unit_table().units.values())


def convert(value: float, from_unit: str, to_unit: str, analyte: str | Analyte | None = None) -> float:
    """Convert ``value`` between two unit notations.

    Mass, molar and equivalent concentrations convert into each other only
    with an ``analyte`` that declares a ``molar_mass`` (and ``valence`` for
    mEq/L). Raises :class:`UnitError` when a unit is unknown or the two
    cannot be converted.
    """
    src, dst = _require_unit(from_unit), _require_unit(to_unit)
    info = _require_analyte(analyte) if analyte is not None else None
    return _convert(value, src, dst, info)


def to_canonical(value: float, unit: str | None, analyte: str | Analyte) -> tuple[float, str | None]:
    """``value`` expressed in the analyte's canonical unit, with that unit's symbol.

    A ``None`` unit means the value is already in the canonical unit (scores,
    INR, or numbers written without a unit); no guessing from magnitude is done.
    Raises :class:`UnitError` for an unknown analyte or unit, or a unit that
    does not fit the analyte (mg/dL for a cell count).
    """
    info = _require_analyte(analyte)
    target = info.canonical_unit
    if unit is None or not unit.strip():
        return float(value), target
    src = _require_unit(unit)
    if target is None:
        raise UnitError(f"{info.id} has no unit, but the value came with {unit!r}")
    dst = _unit_table().units[target]
    if src.dimension != dst.dimension and src.symbol in info.equivalent_units:
        return float(value), target
    return _convert(value, src, dst, info), target


def format_quantity(value: float, unit: str | None) -> str:
    """A value and unit for people: "85 g/L", "2.5 ×10^9/L", "55%", "1.2".

    Up to four significant digits, no exponent notation. ``unit`` may be any
    notation; a known one is shown by its canonical symbol.
    """
    return _format_quantity(value, unit)


@lru_cache(maxsize=8192)  # the same bounds are worded for every patient: "at least 18 years", "≤ 1.5 mg/dL"
def _format_quantity(value: float, unit: str | None) -> str:
    number = _format_number(value)
    if not unit:
        return number
    symbol = normalize_unit(unit) or unit.strip()
    if symbol == "%":
        return f"{number}%"
    if symbol.startswith("10^"):
        return f"{number} \u00d7{symbol}"
    if symbol.startswith("/"):
        return f"{number}{symbol}"
    return f"{number} {symbol}"


# --------------------------------------------------------------------------
# Conversion


def _convert(value: float, src: Unit, dst: Unit, analyte: Analyte | None) -> float:
    base = src.to_base(float(value))
    if src.dimension != dst.dimension:
        base = _bridge(base, src, dst, analyte)
    return dst.from_base(base)


def _bridge(base: float, src: Unit, dst: Unit, analyte: Analyte | None) -> float:
    """Move a base value from ``src``'s dimension to ``dst``'s (g/L <-> mol/L <-> Eq/L)."""
    if src.dimension not in _BRIDGE_BASES or dst.dimension not in _BRIDGE_BASES:
        what = f" for {analyte.id}" if analyte else ""
        raise UnitError(
            f"cannot convert {src.symbol} ({src.dimension}) to {dst.symbol} ({dst.dimension}){what}"
        )
    if MASS in (src.dimension, dst.dimension):
        if analyte is None:
            raise UnitError(f"converting {src.symbol} to {dst.symbol} needs a molar mass: name the analyte")
        if analyte.molar_mass is None:
            raise UnitError(
                f"converting {src.symbol} to {dst.symbol} needs a molar mass, and {analyte.id} has none in analytes.json"
            )
    valence = analyte.valence if analyte else 1
    if src.dimension == MASS:
        molar = base / analyte.molar_mass  # type: ignore[union-attr]
    elif src.dimension == EQUIVALENT:
        molar = base / valence
    else:
        molar = base
    if dst.dimension == MASS:
        return molar * analyte.molar_mass  # type: ignore[union-attr]
    if dst.dimension == EQUIVALENT:
        return molar * valence
    return molar


def _require_unit(text: str | None) -> Unit:
    unit = unit_info(text)
    if unit is None:
        raise UnitError(f"unknown unit {text!r}; add a notation to matcher/resources/units.json if it is real")
    return unit


def _require_analyte(analyte: str | Analyte) -> Analyte:
    if isinstance(analyte, Analyte):
        return analyte
    found = analyte_for(analyte)
    if found is None:
        raise UnitError(f"unknown analyte {analyte!r}; add it to matcher/resources/analytes.json")
    return found


def _format_number(value: float, significant: int = 4) -> str:
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = significant - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    if decimals <= 0:
        return str(int(rounded))
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------
# Unit text -> lookup key

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
_MULTIPLIER = re.compile(r"^[xX*]")
_POWER_EXPLICIT = re.compile(r"^10(?:\^|\*\*?|[eE])\(?(-?\d{1,2})\)?|^10\((-?\d{1,2})\)")
_LOST_SUPERSCRIPT = re.compile(r"^10(3|4|6|9|12)(?=/)")
_LETTER_POWER = re.compile(r"(?<=[A-Za-z])\^?\(?([23])\)?(?![\d.])")


def _unit_key(text: str, spellings: Iterable[tuple[re.Pattern[str], str]], any_spelling: re.Pattern[str] | None = None) -> str:
    """Reduce a unit notation to a comparison key (case kept; fold it for loose matching).
    ``any_spelling`` matches where any of ``spellings`` does: when it finds nothing, no
    rewrite can apply (each applies to what the ones before left), and none is tried."""
    s = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text.strip())
    s = s.replace("\u00b5", "u").replace("\u03bc", "u").replace("\u00ba", "\u00b0")
    s = unicodedata.normalize("NFKC", s).replace("\u00d7", "x")
    for pattern, replacement in spellings if any_spelling is None or any_spelling.search(s) else ():
        s = pattern.sub(lambda _m: replacement, s)  # noqa: B023 - used at once; replacement is literal
    s = re.sub(r"\s+", "", s).strip(".,;:")
    multiplied = bool(_MULTIPLIER.match(s)) and s[1:2].isdigit()
    if multiplied:
        s = s[1:]
    explicit = _POWER_EXPLICIT.match(s)
    if explicit:
        s = f"10^{explicit.group(1) or explicit.group(2)}" + s[explicit.end():]
    elif multiplied:
        s = _LOST_SUPERSCRIPT.sub(r"10^\1", s)
    return _LETTER_POWER.sub(r"\1", s)


# --------------------------------------------------------------------------
# Loading and validation


# words that follow numbers without being units, and tell nothing of a patient: a run of
# them is remembered like a unit notation ("years", worded at every judged age; "or more")
_FUNCTION_WORDS = frozenset(
    "a an and or of the to in on at by for with from than more less fewer greater higher lower least most "
    "must be is are was were following times per each years year months month weeks week days day hours hour".split())


class _UnitTable:
    """Units indexed by notation key: exact keys first, then case-folded ones."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        _check_keys(data, "units.json", required={"dimensions", "units"}, optional={"about", "spellings"})
        self.dimensions = self._dimensions(data["dimensions"])
        self.spellings = self._spellings(data.get("spellings", []))
        # one search for all the rewrites: most text after a number holds none of them
        self._any_spelling = re.compile("|".join(f"(?:{p.pattern})" for p, _ in self.spellings) or r"(?!)", re.IGNORECASE)
        self.units: dict[str, Unit] = {}
        self._exact: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self._keys: dict[str, str] = {}  # notation -> key: unit notations are few, so each is reduced once
        for i, entry in enumerate(_as_list(data["units"], "units.json 'units'")):
            self._add(entry, f"units.json unit #{i}")
        for dim, base in self.dimensions.items():
            unit = self.units.get(base)
            if unit is None or unit.dimension != dim or unit.factor != 1 or unit.offset != 0:
                raise UnitsDataError(f"units.json: base {base!r} of dimension {dim!r} must be a unit of it with factor 1")
        for dim, base in _BRIDGE_BASES.items():
            if self.dimensions.get(dim) != base:
                raise UnitsDataError(f"units.json: dimension {dim!r} must exist with base {base!r}")

    @staticmethod
    def _dimensions(raw: Any) -> dict[str, str]:
        if not isinstance(raw, dict) or not raw:
            raise UnitsDataError("units.json: 'dimensions' must be a non-empty object")
        out = {}
        for name, spec in raw.items():
            where = f"units.json dimension {name!r}"
            _check_keys(spec, where, required={"base"}, optional={"description"})
            out[name] = _as_str(spec["base"], f"{where} 'base'")
        return out

    @staticmethod
    def _spellings(raw: Any) -> tuple[tuple[re.Pattern[str], str], ...]:
        out = []
        for i, entry in enumerate(_as_list(raw, "units.json 'spellings'")):
            where = f"units.json spelling #{i}"
            _check_keys(entry, where, required={"pattern", "replace"}, optional={"note"})
            try:
                pattern = re.compile(_as_str(entry["pattern"], where), re.IGNORECASE)
            except re.error as exc:
                raise UnitsDataError(f"{where}: bad regex {entry['pattern']!r}: {exc}") from None
            replace = entry["replace"]
            if not isinstance(replace, str):
                raise UnitsDataError(f"{where}: 'replace' must be a string")
            out.append((pattern, replace))
        return tuple(out)

    def _add(self, entry: Any, where: str) -> None:
        _check_keys(entry, where, required={"symbol", "dimension", "factor", "notations"},
                    optional={"offset", "exact_notations", "note"})
        symbol = _as_str(entry["symbol"], f"{where} 'symbol'")
        where = f"units.json unit {symbol!r}"
        if symbol in self.units:
            raise UnitsDataError(f"{where}: defined twice")
        dimension = entry["dimension"]
        if dimension not in self.dimensions:
            raise UnitsDataError(f"{where}: unknown dimension {dimension!r} (known: {', '.join(self.dimensions)})")
        factor = _as_number(entry["factor"], f"{where} 'factor'")
        if factor <= 0:
            raise UnitsDataError(f"{where}: 'factor' must be positive")
        offset = _as_number(entry.get("offset", 0), f"{where} 'offset'")
        notations = tuple(_as_str(n, f"{where} notation") for n in _as_list(entry["notations"], where))
        exact = tuple(_as_str(n, f"{where} notation") for n in _as_list(entry.get("exact_notations", []), where))
        self.units[symbol] = Unit(symbol, dimension, factor, offset, tuple(dict.fromkeys((symbol, *notations, *exact))))
        for notation in (symbol, *notations):
            key = self.key(notation)
            self._claim(self._exact, key, symbol, where, notation)
            self._claim(self._folded, key.casefold(), symbol, where, notation)
        for notation in exact:
            self._claim(self._exact, self.key(notation), symbol, where, notation)

    @staticmethod
    def _claim(index: dict[str, str], key: str, symbol: str, where: str, notation: str) -> None:
        if not key:
            raise UnitsDataError(f"{where}: notation {notation!r} reduces to nothing")
        other = index.setdefault(key, symbol)
        if other != symbol:
            raise UnitsDataError(f"{where}: notation {notation!r} already means {other!r}")

    def key(self, text: str) -> str:
        found = self._keys.get(text)
        return _unit_key(text, self.spellings, self._any_spelling) if found is None else found

    def lookup(self, text: str) -> Unit | None:
        key = self.key(text)
        if not key:
            return None
        symbol = self._exact.get(key) or self._folded.get(key.casefold())
        # only notations of a known unit, and runs of common function words ("or more",
        # "of the following"), are remembered: what a patient wrote after a number
        # ("years old with lupus") is never kept once the request is over
        if text not in self._keys and len(self._keys) < 50_000 and (
                symbol or all(w in _FUNCTION_WORDS for w in text.lower().split())):
            self._keys[text] = key
        return self.units[symbol] if symbol else None


_NAME_PREFIX = re.compile(r"^(?:serum|plasma|blood|whole blood|peripheral blood|absolute)\s+", re.IGNORECASE)
_NAME_SUFFIX = re.compile(r"\s+(?:levels?|values?|concentrations?|results?|tests?|measurements?)$", re.IGNORECASE)


def _name_key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name)
    s = re.sub(r"[\u2010-\u2015\u2212_-]+", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" \t.,;:")
    return s


class _AnalyteTable:
    """Analytes indexed by name key: exact names first, then case-folded ones."""

    _KINDS = ("lab", "vital", "score")

    def __init__(self, data: Mapping[str, Any], units: _UnitTable) -> None:
        _check_keys(data, "analytes.json", required={"analytes"}, optional={"about"})
        self._units = units
        self._exact: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self.by_id: dict[str, Analyte] = {}
        for i, entry in enumerate(_as_list(data["analytes"], "analytes.json 'analytes'")):
            analyte = self._parse(entry, f"analytes.json analyte #{i}")
            self.by_id[analyte.id] = analyte
        self.analytes = tuple(self.by_id.values())

    def _parse(self, entry: Any, where: str) -> Analyte:
        _check_keys(entry, where, required={"id", "names", "canonical_unit", "kind"},
                    optional={"exact_names", "molar_mass", "valence", "range", "question",
                              "equivalent_units", "uln", "note"})
        ident = _as_str(entry["id"], f"{where} 'id'")
        where = f"analytes.json analyte {ident!r}"
        if ident != ident.lower() or ident != ident.strip():
            raise UnitsDataError(f"{where}: 'id' must be lowercase and trimmed")
        if ident in self.by_id:
            raise UnitsDataError(f"{where}: defined twice")
        kind = entry["kind"]
        if kind not in self._KINDS:
            raise UnitsDataError(f"{where}: 'kind' must be one of {', '.join(self._KINDS)}, not {kind!r}")
        unit = entry["canonical_unit"]
        if unit is not None and unit not in self._units.units:
            raise UnitsDataError(f"{where}: canonical_unit {unit!r} is not a unit symbol in units.json")
        molar_mass = entry.get("molar_mass")
        if molar_mass is not None and _as_number(molar_mass, f"{where} 'molar_mass'") <= 0:
            raise UnitsDataError(f"{where}: 'molar_mass' must be positive")
        valence = entry.get("valence", 1)
        if not isinstance(valence, int) or isinstance(valence, bool) or valence < 1:
            raise UnitsDataError(f"{where}: 'valence' must be a positive integer")
        rng = entry.get("range")
        if rng is not None:
            if (not isinstance(rng, list) or len(rng) != 2
                    or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in rng)
                    or rng[0] > rng[1]):
                raise UnitsDataError(f"{where}: 'range' must be [lo, hi] numbers with lo <= hi")
            rng = (float(rng[0]), float(rng[1]))
        equivalents = tuple(_as_list(entry.get("equivalent_units", []), f"{where} 'equivalent_units'"))
        for symbol in equivalents:
            if symbol not in self._units.units:
                raise UnitsDataError(f"{where}: equivalent unit {symbol!r} is not a unit symbol in units.json")
        uln = entry.get("uln")
        if uln is not None:
            uln = _as_number(uln, f"{where} 'uln'")
        question = entry.get("question")
        if question is not None:
            _as_str(question, f"{where} 'question'")
        names = tuple(_as_str(n, f"{where} name") for n in _as_list(entry["names"], f"{where} 'names'"))
        exact = tuple(_as_str(n, f"{where} name") for n in _as_list(entry.get("exact_names", []), where))
        for name in names:
            key = _name_key(name)
            self._claim(self._exact, key, ident, where, name)
            self._claim(self._folded, key.casefold(), ident, where, name)
        # The id answers only in its own (lowercase) spelling: "egfr" yes, "EGFR" (the receptor) no.
        for name in (ident, *exact):
            self._claim(self._exact, _name_key(name), ident, where, name)
        return Analyte(
            id=ident,
            names=tuple(dict.fromkeys((*names, *exact))),
            canonical_unit=unit,
            kind=kind,
            molar_mass=float(molar_mass) if molar_mass is not None else None,
            valence=valence,
            question=question,
            range=rng,
            equivalent_units=equivalents,
            uln=uln,
        )

    @staticmethod
    def _claim(index: dict[str, str], key: str, ident: str, where: str, name: str) -> None:
        if not key:
            raise UnitsDataError(f"{where}: name {name!r} is empty")
        other = index.setdefault(key, ident)
        if other != ident:
            raise UnitsDataError(f"{where}: name {name!r} already belongs to {other!r}")

    def lookup(self, name: str) -> Analyte | None:
        key = _name_key(name)
        for candidate in (key, _NAME_SUFFIX.sub("", _NAME_PREFIX.sub("", key))):
            ident = self._exact.get(candidate) or self._folded.get(candidate.casefold())
            if ident:
                return self.by_id[ident]
        return None


def _check_keys(obj: Any, where: str, *, required: set[str], optional: set[str]) -> None:
    if not isinstance(obj, dict):
        raise UnitsDataError(f"{where}: expected an object, got {type(obj).__name__}")
    unknown = set(obj) - required - optional
    if unknown:
        raise UnitsDataError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    missing = required - set(obj)
    if missing:
        raise UnitsDataError(f"{where}: missing key(s) {', '.join(sorted(missing))}")


def _as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise UnitsDataError(f"{where}: expected a list")
    return value


def _as_str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UnitsDataError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def _as_number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise UnitsDataError(f"{where}: expected a finite number, got {value!r}")
    return float(value)


def _read_resource(name: str) -> Any:
    from . import (
        resources as shipped,  # validated at load, with coded errors (matcher.resources.checks)
    )

    return shipped.read_json(name)


@functools.cache
def _unit_table() -> _UnitTable:
    return _UnitTable(_read_resource("units.json"))


@functools.cache
def _analyte_table() -> _AnalyteTable:
    data = _read_resource("analytes.json")
    aliases = _aliases()
    if aliases:
        data = {**data, "analytes": [{**a, "names": list(a["names"]) + [n for n in aliases.get(a["id"], []) if n not in a["names"]]}
                                     if isinstance(a, dict) and "id" in a and "names" in a else a for a in data["analytes"]]}
    return _AnalyteTable(data, _unit_table())


def _aliases() -> dict[str, list[str]]:
    """Extra analyte names from Clinical-Trial-Parser (``analyte_aliases.json``, built by
    ``scripts/build_analyte_aliases.py``); checked like the rest of the table."""
    from . import resources

    name = "analyte_aliases.json"
    if not resources.exists(name):
        return {}
    data = resources.read_json(name)
    _check_keys(data, name, required={"aliases"}, optional={"_source"})
    aliases = data["aliases"]
    if not isinstance(aliases, dict) or not all(isinstance(v, list) and all(isinstance(n, str) and n.strip() for n in v)
                                                 for v in aliases.values()):
        raise UnitsDataError(f"{name}: 'aliases' must map analyte ids to lists of names")
    return aliases


# a decimal comma before a unit: "Hb 7,1 mmol/l", "C3 0,61 g/l", "leukocytes 3,4 x10^9/l" (not "1,500/mm3")
_DECIMAL_COMMA = re.compile(r"(?<![\d,.])(\d{1,4}),(\d{1,2})(?=\s*(?:[x×]\s*10|(?:[x×]|times)\s*(?:the\s+)?(?:upper|uln|normal|"
                            r"institutional|n\b)|uln\b|mmol|[µμu]mol|nmol|pmol|mg|[µμ]g|mcg|ng|pg|g\b|g/|kg|"
                            r"ml\b|dl\b|l\b|/|%|iu\b|u\b|u/|mm\b|fl\b|meq|cells|giga|g/l))", re.I)


# digits grouped the Indian way, lakhs then hundreds: "1,65,000" (read by matcher.spoken and nlp.quantities.NUMBER)
INDIAN_GROUPED = r"\d{1,2}(?:,\d{2})+,\d{3}"


def decimal_points(text: str) -> str:
    """``text`` with its decimal commas before a unit written as points ("Hb 7,1 mmol/l"); the same length."""
    return _DECIMAL_COMMA.sub(r"\1.\2", text) if "," in text else text


# a comma with one or two digits after it, not in a list of numbers, is a decimal comma with or without a
# unit: "hemoglobina 11,2, leucocitos 3.900" ("1,500" groups thousands; "1,2,3" lists)
_BARE_DECIMAL_COMMA = re.compile(r"(?<![\d,.])(\d{1,4}),(\d{1,2})(?!\d)(?!\s?,\s?\d)(?![.]\d)")


def bare_decimal_points(text: str) -> str:
    """``text`` with every decimal comma written as a point, unit or not (patient text: "Hb 11,2, WBC 3.900");
    the same length."""
    return _BARE_DECIMAL_COMMA.sub(r"\1.\2", text) if "," in text else text


def far_count(value: float, analyte: Analyte) -> bool:
    """A blood count written without a unit whose value, read in 10^9/L, lies in the far quarter of the
    plausible range ("absolute lymphocyte count > 500", "lymphocytes 450"): a count per µL, as people write
    them (the range's top is a rare extreme: lymphocytes 500 x 10^9/L; platelets' 100 is not far)."""
    return analyte.canonical_unit == "10^9/L" and bool(analyte.range) and value > analyte.range[1] / 4
