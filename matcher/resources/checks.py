"""Checks of every rule and lexicon file matcher ships, run when a file is read.

A user may extend these files, so a mistake must stop matcher with a message
that names the file, the entry and the key, under a code of
:class:`matcher.errors.Errors` (``[R022] rules/context.json, rule 17 ("no
evidence of"), key "max_scope": must be a positive whole number of tokens, got
-3``), never quietly change what a criterion means. The rules follow what the
code that reads each file does with it. The sets of known values (ConText
directions and categories, entity labels, comparators, biomarker statuses,
ranker features) are imported from that code, so the two cannot drift apart;
what the code does with a label whatever its id (:data:`FIXED_CONCEPTS`) is
written here, from ``matcher/nlp/constraints.py``.

:func:`validate` checks one file's parsed content (to try an edited copy);
:func:`validate_all` reads and checks every shipped file, and how the files
refer to each other (a parent concept must be a condition of the lexicon).
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import RuleFileError

__all__ = ["SHIPPED", "validate", "validate_all"]

# Every file matcher reads at run time; none is optional (a missing one is [R001]).
# lexicon/sources/* are build inputs, read only by scripts/build_lexicons.py.
SHIPPED = (
    "units.json",
    "analytes.json",
    "analyte_aliases.json",
    "ranker.json",
    "rules/context.json",
    "rules/cues.jsonl",
    "rules/time.json",
    "rules/comparators.json",
    "rules/coverage.json",
    "rules/oncology.json",
    "lexicon/conditions_curated.jsonl",
    "lexicon/conditions_icd10cm.jsonl",
    "lexicon/therapies.jsonl",
    "lexicon/condition_parents.json",
    "lexicon/therapy_classes.json",
    "lexicon/display_names.json",
    "lexicon/words.txt",
    "lexicon/english_words.txt",
    "lexicon/stop_words.json",
)

# Labels rules/cues.jsonl may give (matcher.nlp.lexicon.LABELS less those whose
# patterns come from elsewhere), and where the others belong.
ELSEWHERE = {
    "CONDITION": "conditions belong in lexicon/sources/conditions.txt; then rebuild the lexicons",
    "THERAPY": "therapies belong in lexicon/sources/therapies.txt; then rebuild the lexicons",
    "LAB": "lab names belong in analytes.json",
}
# Labels whose meaning the code fixes, whatever the id (matcher/nlp/constraints.py:
# "sex" takes the label, lactation/contraception/childbearing/age a constant
# concept; eligibility tells "planned pregnancy" from any other pregnancy id).
FIXED_CONCEPTS = {
    "FEMALE": ("the sex 'female'", ("female",)),
    "MALE": ("the sex 'male'", ("male",)),
    "LACTATION": ("breastfeeding", ("lactation",)),
    "CONTRACEPTION": ("contraception", ("contraception",)),
    "CHILDBEARING": ("childbearing potential", ("childbearing potential",)),
    "AGE": ("the patient's age", ("age",)),
    "PREGNANCY": ("being pregnant, or planning to be", ("pregnancy", "planned pregnancy")),
}
# Token attributes a pattern may test. The pipeline is a blank one (no tagger,
# parser or lemmatizer), so POS, TAG, LEMMA, DEP, MORPH and the like never match.
_TOKEN_TEXT = {"ORTH", "TEXT", "LOWER", "NORM", "SHAPE"}
_TOKEN_FLAGS = {"IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
                "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY", "IS_STOP",
                "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "SPACY"}
_TOKEN_ATTRS = _TOKEN_TEXT | _TOKEN_FLAGS | {"LENGTH", "OP"}
_OP = re.compile(r"[!?+*]|\{\d*,?\d*\}")
_WORD_LINE = re.compile(r"^(?!#)(?![a-z]*$).*$", re.MULTILINE)  # a words.txt line that is neither a comment nor a word


# -- reporting ------------------------------------------------------------------------------
def _got(value: Any) -> str:
    """A value as the file writes it, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(value: Any) -> str:
    """What a value is, for "must be X, got Y"."""
    if value is None or isinstance(value, bool):
        return _got(value)
    if isinstance(value, str):
        return f"the string {_got(value)}"
    if isinstance(value, (int, float)):
        return f"the number {_got(value)}"
    if isinstance(value, list):
        return f"a list {_got(value)}"
    if isinstance(value, dict):
        return f"an object {_got(value)}"
    return type(value).__name__


def _names(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


@dataclass(frozen=True)
class _At:
    """A place in a file: errors raised here name the file and the entry."""

    file: str
    entry: str | None = None

    def at(self, entry: str) -> _At:
        return _At(self.file, entry)

    def error(self, code: str, key: str | int | None = None, **fields: object) -> RuleFileError:
        return RuleFileError(code, self.file, self.entry, key, **fields)


# -- checks of values -----------------------------------------------------------------------
def _object(value: Any, at: _At, key: str | int | None = None, expected: str = "an object") -> dict:
    if not isinstance(value, dict):
        raise at.error("R005", key, expected=expected, got=_describe(value))
    return value


def _list(value: Any, at: _At, key: str | int | None, expected: str, *, nonempty: bool = True) -> list:
    if not isinstance(value, list):
        hint = " (its characters would be read one by one)" if isinstance(value, str) else ""
        raise at.error("R005", key, expected=expected, got=_describe(value) + hint)
    if nonempty and not value:
        raise at.error("R006", key, hint=f": expected {expected}")
    return value


def _keys(obj: dict, at: _At, required: Iterable[str], optional: Iterable[str] = (), what: str = "entry") -> None:
    required, allowed = tuple(required), {*required, *optional}
    for key in obj:
        if key not in allowed:
            raise at.error("R003", key, expected=_names(allowed))
    for key in required:
        if key not in obj:
            raise at.error("R004", key, what=what)


def _text(value: Any, at: _At, key: str | int | None, *, lowercase: bool = False) -> str:
    if not isinstance(value, str):
        raise at.error("R005", key, expected="a string", got=_describe(value))
    if not value.strip():
        raise at.error("R006", key, hint=", or only spaces")
    if lowercase and value != value.lower():
        raise at.error("R010", key, got=_got(value))
    return value


def _texts(value: Any, at: _At, key: str | int | None, item_at: _At, *, lowercase: bool = False,
           nonempty: bool = True, what: str = "strings") -> list[str]:
    """A list of non-empty strings; an item's error is reported at ``item_at``, by position."""
    _list(value, at, key, f"a list of {what}", nonempty=nonempty)
    for i, item in enumerate(value, 1):
        _text(item, item_at, i, lowercase=lowercase)
    return value


def _number(value: Any, at: _At, key: str | int | None, *, positive: bool = False, nonnegative: bool = False,
            whole: bool = False, unit: str = "") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise at.error("R005", key, expected="a whole number" if whole else "a number", got=_describe(value))
    if not math.isfinite(value):
        raise at.error("R007", key, got=_got(value))
    if whole and not isinstance(value, int):
        raise at.error("R005", key, expected="a whole number", got=_describe(value))
    if positive and value <= 0:
        raise at.error("R008", key, unit=unit, got=_got(value))
    if nonnegative and value < 0:
        raise at.error("R009", key, got=_got(value))
    return value


def _choice(value: Any, at: _At, key: str | int | None, allowed: Iterable[str], code: str) -> str:
    allowed = set(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise at.error(code, key, got=_got(value), expected=_names(allowed))
    return value


def _comment(data: dict, at: _At, key: str = "_comment") -> None:
    if key in data and not isinstance(data[key], str):
        raise at.error("R005", key, expected="a string", got=_describe(data[key]))


def _regex(pattern: str, at: _At, key: str | int | None) -> None:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise at.error("R043", key, problem=f"{exc} in {_got(pattern)}") from None
    if compiled.fullmatch(""):
        raise at.error("R043", key, problem=f"{_got(pattern)} matches the empty string, so it matches everywhere")


# -- rules/context.json ---------------------------------------------------------------------
def _context(data: Any, at: _At) -> None:
    from ..nlp.context import CATEGORY_ATTR, DIRECTIONS
    from ..nlp.lexicon import LABELS

    categories = {*CATEGORY_ATTR, "TERMINATE", "PSEUDO"}
    _object(data, at)
    _keys(data, at, ("rules",), ("_comment", "list_words"), what="rules file")
    _comment(data, at)
    if "list_words" in data:
        _texts(data["list_words"], at, "list_words", at.at("list_words"), lowercase=True, what="lowercase words")
    for i, rule in enumerate(_list(data["rules"], at, "rules", "a list of rules"), 1):
        literal = rule.get("literal") if isinstance(rule, dict) else None
        r = at.at(f"rule {i}" + (f" ({_got(literal)})" if isinstance(literal, str) else ""))
        _object(rule, r)
        _keys(rule, r, ("literal", "category", "direction"), ("max_scope", "list", "allowed_types", "pattern", "sign", "mark", "patient_only",
                                                                       "not_concepts"), what="rule")
        _text(literal, r, "literal")
        direction, category = rule["direction"], rule["category"]
        if not isinstance(direction, str) or direction not in DIRECTIONS:
            raise r.error("R020", "direction", got=_got(direction), expected=_names(DIRECTIONS))
        if not isinstance(category, str) or category not in categories:
            raise r.error("R021", "category", got=_got(category), expected=_names(categories))
        if category == "TERMINATE" and direction != "TERMINATE":
            raise r.error("R023", "direction", got=_got(direction))
        if (category == "PSEUDO") != (direction == "PSEUDO"):
            raise r.error("R024", "direction" if category == "PSEUDO" else "category", category=category, direction=direction)
        if "max_scope" in rule:  # null is no scope to the code: refused like any non-positive value
            scope = rule["max_scope"]
            if isinstance(scope, bool) or not isinstance(scope, int) or scope <= 0:
                raise r.error("R022", "max_scope", got=_got(scope))
        for key in ("sign", "patient_only"):
            if key in rule and not isinstance(rule[key], bool):
                raise r.error("R005", key, expected="true or false", got=_describe(rule[key]))
        for key in ("list", "mark"):  # reaching over a list, or only the item a mark is written after: looks back
            if key in rule:
                if not isinstance(rule[key], bool):
                    raise r.error("R005", key, expected="true or false", got=_describe(rule[key]))
                if rule[key] and direction != "BACKWARD":
                    raise r.error("R025", key, got=direction)
        if "pattern" in rule:
            if not isinstance(rule["pattern"], list) or not rule["pattern"]:
                raise r.error("R005", "pattern", expected="a non-empty list of token objects", got=_describe(rule["pattern"]))
            for token in rule["pattern"]:
                _token(token, r)
        if "not_concepts" in rule:
            _texts(rule["not_concepts"], r, "not_concepts", r.at(f"{r.entry}, not_concepts"), lowercase=True, what="lowercase concept ids")
        if "allowed_types" in rule:
            types = rule["allowed_types"]
            if not isinstance(types, list) or not types or not all(isinstance(t, str) and t in LABELS for t in types):
                raise r.error("R005", "allowed_types", expected=f"a non-empty list of entity labels ({_names(LABELS)})",
                              got=_describe(types))


# -- entity patterns: rules/cues.jsonl, lexicon/*.jsonl ----------------------------------------
def _pattern_entry(line: int, pattern: Any) -> str:
    """'line 3 ("pregnant")': the line, and the words of its pattern when there are any."""
    if isinstance(pattern, list):
        pattern = " ".join(str(v) for t in pattern if isinstance(t, dict) for k, v in t.items()
                           if isinstance(k, str) and k.upper() in _TOKEN_TEXT and isinstance(v, str))
    return f"line {line} ({_got(pattern)})" if isinstance(pattern, str) and pattern.strip() else f"line {line}"


def _token(token: Any, at: _At) -> None:
    if not isinstance(token, dict) or not token:
        raise at.error("R033", "pattern", problem=f"a token must be an object of token attributes, got {_describe(token)}")
    for attr, value in token.items():
        name = attr.upper() if isinstance(attr, str) else attr
        if name not in _TOKEN_ATTRS:
            raise at.error("R033", "pattern", problem=f"unknown or unusable token attribute {_got(attr)} (the pipeline has "
                           f"no tagger or parser); use one of {_names(_TOKEN_ATTRS)}")
        if name == "OP":
            ok = isinstance(value, str) and _OP.fullmatch(value)
        elif name in _TOKEN_FLAGS:
            ok = isinstance(value, bool)
        elif name == "LENGTH":
            ok = isinstance(value, dict) or (isinstance(value, int) and not isinstance(value, bool) and value > 0)
        else:
            ok = isinstance(value, dict) or (isinstance(value, str) and value != "")
        if not ok:
            raise at.error("R033", "pattern", problem=f"{attr} cannot be {_got(value)}")


def _patterns(labels: set[str], *, one_label_per_concept: bool) -> Callable[..., None]:
    def check(rows: Any, at: _At, lines: list[int] | None = None) -> None:
        from ..nlp.lexicon import LABELS

        _list(rows, at, None, "patterns, one object per line", nonempty=True)
        required, optional = ("label", "pattern", "id"), ("code",)
        plain = labels - set(FIXED_CONCEPTS)  # labels whose rows need no more than the common test
        seen: dict[str, dict[str, int]] = {}  # concept -> label -> first line
        for i, row in enumerate(rows):
            line = lines[i] if lines else i + 1
            # the common case in one test; anything else goes through the checks that say what is wrong
            if (type(row) is dict and type(row.get("label")) is str and row["label"] in plain
                    and type(row.get("pattern")) is str and row["pattern"].strip()
                    and type(row.get("id")) is str and row["id"] and row["id"] == row["id"].lower().strip()
                    and (len(row) == 3 or (len(row) == 4 and type(row.get("code")) is str and row["code"].strip()))):
                label = row["label"]
            else:
                r = at.at(_pattern_entry(line, row.get("pattern") if isinstance(row, dict) else None))
                _object(row, r)
                _keys(row, r, required, optional, what="pattern")
                label = row["label"]
                if not isinstance(label, str) or label not in labels:
                    hint = ""
                    if isinstance(label, str) and label.upper() in labels:
                        hint = " (labels are uppercase)"
                    elif label in ELSEWHERE:
                        hint = f" ({ELSEWHERE[label]})"
                    elif isinstance(label, str) and label not in LABELS:
                        hint = " (matcher acts on no other label)"
                    raise r.error("R030", "label", got=_got(label), expected=_names(labels), hint=hint)
                pattern = row["pattern"]
                if isinstance(pattern, list):
                    _list(pattern, r, "pattern", "a phrase or a list of token patterns")
                    for token in pattern:
                        _token(token, r)
                elif not isinstance(pattern, str):
                    raise r.error("R005", "pattern", expected="a phrase or a list of token patterns", got=_describe(pattern))
                else:
                    _text(pattern, r, "pattern")
                concept = _text(row["id"], r, "id", lowercase=True)
                if concept != concept.strip():
                    raise r.error("R005", "id", expected="a concept id without spaces around it", got=_got(concept))
                if "code" in row:
                    _text(row["code"], r, "code")
                if label in FIXED_CONCEPTS:
                    meaning, ids = FIXED_CONCEPTS[label]
                    if concept not in ids:  # the label is wrong if the id is another fixed label's concept
                        owner = next((lab for lab, (_, known) in FIXED_CONCEPTS.items() if concept in known), None)
                        raise r.error("R031", "label" if owner else "id", label=label, meaning=meaning,
                                      expected=" or ".join(map(_got, ids)), got=_got(concept),
                                      hint=f", a {owner} concept" if owner else "")
            if one_label_per_concept:
                seen.setdefault(row["id"], {}).setdefault(label, line)
        for concept, by_label in seen.items():
            if len(by_label) > 1:  # blame the label fewest lines give
                counts = {lab: sum(1 for row in rows if row.get("id") == concept and row.get("label") == lab) for lab in by_label}
                odd = min(by_label, key=lambda lab: (counts[lab], -by_label[lab]))
                other = max((lab for lab in by_label if lab != odd), key=lambda lab: counts[lab])
                line = by_label[odd]
                row = rows[lines.index(line) if lines else line - 1]
                raise at.at(_pattern_entry(line, row.get("pattern"))).error(
                    "R032", "label", concept=concept, other=other, line=by_label[other], got=odd)

    return check


# -- rules/time.json, comparators.json, coverage.json, oncology.json ----------------------------
def _time(data: Any, at: _At) -> None:
    _object(data, at)
    lists = ("window_lead", "window_recent", "window_relation")
    _keys(data, at, ("units", "number_words", *lists), ("_comment", "past_markers", "later_steps", "past_events"), what="time rules file")
    _comment(data, at)
    units = _object(data["units"], at, "units", "an object of unit -> days")
    if not units:
        raise at.error("R006", "units", hint="")
    for unit, days in units.items():
        _text(unit, at.at("units"), unit)
        _number(days, at.at("units"), unit, positive=True, unit=" of days")
    for word, value in _object(data["number_words"], at, "number_words", "an object of word -> number").items():
        _text(word, at.at("number_words"), word)
        _number(value, at.at("number_words"), word, nonnegative=True)
    for key in lists:
        _texts(data[key], at, key, at.at(key))
    for key in ("past_markers", "later_steps", "past_events"):
        if key in data:
            _texts(data[key], at, key, at.at(key))


def _comparators(data: Any, at: _At) -> None:
    from ..nlp.quantities import COMPARATORS

    _object(data, at)
    _keys(data, at, ("before", "after"), ("_comment", "range_joiners"), what="comparators file")
    _comment(data, at)
    for part in ("before", "after"):
        owner: dict[str, str] = {}
        for op, words in _object(data[part], at, part, "an object of comparator -> words").items():
            _choice(op, at.at(part), op, COMPARATORS, "R040")
            _texts(words, at.at(part), op, at.at(f"{part} {_got(op)}"))
            for i, word in enumerate(words, 1):
                other = owner.setdefault(word.lower(), op)
                if other != op:
                    raise at.at(f"{part} {_got(op)}").error("R011", i, what="word", got=_got(word), where=f" (also under {_got(other)})")
    if "range_joiners" in data:
        _texts(data["range_joiners"], at, "range_joiners", at.at("range_joiners"))


def _coverage(data: Any, at: _At) -> None:
    _object(data, at)
    _keys(data, at, ("filler", "headings", "narrowing"), ("_comment",), what="coverage file")
    _comment(data, at)
    for key in ("filler", "headings", "narrowing"):
        _texts(data[key], at, key, at.at(key), lowercase=True, nonempty=False, what="lowercase words")
    filler = set(data["filler"])
    for i, word in enumerate(data["narrowing"], 1):
        if word in filler:
            raise at.at("narrowing").error("R041", i, got=_got(word))


def _oncology(data: Any, at: _At) -> None:
    from ..nlp.oncology import NEGATIVE, POSITIVE

    statuses = POSITIVE | NEGATIVE | {"equivocal"}
    _object(data, at)
    _keys(data, at, ("biomarkers", "status", "sites", "numbers"), ("_comment",), what="oncology file")
    _comment(data, at)
    for name, patterns in _object(data["biomarkers"], at, "biomarkers", "an object of biomarker -> patterns").items():
        item_at = at.at(f"biomarker {_got(name)}")
        _texts(patterns, at.at("biomarkers"), name, item_at, what="regular expressions")
        for i, pattern in enumerate(patterns, 1):
            _regex(pattern, item_at, i)
    for word, status in _object(data["status"], at, "status", "an object of word -> status").items():
        _text(word, at.at("status"), word, lowercase=True)
        _choice(status, at.at("status"), word, statuses, "R042")
    for site, words in _object(data["sites"], at, "sites", "an object of site -> words").items():
        _texts(words, at.at("sites"), site, at.at(f"site {_got(site)}"), lowercase=True, what="lowercase words")
    for word, n in _object(data["numbers"], at, "numbers", "an object of word -> number").items():
        _text(word, at.at("numbers"), word, lowercase=True)
        _number(n, at.at("numbers"), word, nonnegative=True, whole=True)


# -- lexicon/*.json, lexicon/words.txt ------------------------------------------------------
def _concept_map(data: Any, at: _At, relation: str, expected: str) -> dict[str, list[str]]:
    """``{"concept": ["concept", ...]}`` with lowercase ids, no concept related to itself."""
    _object(data, at, None, f"an object of concept -> {expected}")
    for concept, related in data.items():
        if (type(concept) is str and concept and concept == concept.lower().strip() and type(related) is list and related
                and all(type(x) is str and x and x == x.lower().strip() for x in related)
                and concept not in related and len(set(related)) == len(related)):
            continue  # the common case in one test
        c = at.at(f"concept {_got(concept)}")
        _text(concept, c, None, lowercase=True)
        if concept != concept.strip():
            raise c.error("R005", None, expected="a concept id without spaces around it", got=_got(concept))
        _texts(related, c, None, c, lowercase=True, what=expected)
        for i, x in enumerate(related, 1):
            if x != x.strip():
                raise c.error("R005", i, expected="a concept id without spaces around it", got=_got(x))
        if concept in related:
            raise c.error("R050", related.index(concept) + 1, concept=concept, relation=relation, path=f"{concept} -> {concept}")
        if len(set(related)) != len(related):
            dup = next(x for i, x in enumerate(related) if x in related[:i])
            raise c.error("R011", related.index(dup, related.index(dup) + 1) + 1, what="concept", got=_got(dup), where="")
    return data


def _condition_parents(data: Any, at: _At) -> None:
    parents = _concept_map(data, at, "ancestor", "parent concept ids")
    # a cycle makes a concept its own ancestor: walk from each concept once, iteratively (chains are long)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in parents:
        if root in state:
            continue
        path, stack = [root], [iter(parents[root])]
        state[root] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                state[path.pop()] = 2
            elif state.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                raise at.at(f"concept {_got(cycle[-2])}").error(
                    "R050", parents[cycle[-2]].index(child) + 1, concept=child, relation="ancestor", path=" -> ".join(cycle))
            elif child not in state and child in parents:
                state[child] = 1
                path.append(child)
                stack.append(iter(parents[child]))


def _therapy_classes(data: Any, at: _At) -> None:
    _concept_map(data, at, "member", "member concept ids")


def _display_names(data: Any, at: _At) -> None:
    _object(data, at, None, "an object of concept id -> display name")
    for concept, shown in data.items():
        c = at.at(f"concept {_got(concept)}")
        _text(concept, c, None, lowercase=True)
        if not isinstance(shown, str):
            raise c.error("R005", None, expected="a string", got=_describe(shown))
        if shown.lower() != concept:
            raise c.error("R051", None, got=_got(shown))


def _stop_words(data: Any, at: _At) -> None:
    _object(data, at, None, "an object with about and languages")
    languages = data.get("languages")
    if not isinstance(languages, dict) or "English" not in languages:
        raise at.error("R005", "languages", expected="an object of language name -> words, English among them",
                       got=_describe(languages))
    for name, words in languages.items():
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise at.at(f"language {_got(name)}").error("R005", None, expected="a non-empty list of words",
                                                        got=_describe(words))


def _words(text: Any, at: _At) -> None:
    if not isinstance(text, str):
        raise at.error("R005", None, expected="text", got=_describe(text))
    bad = _WORD_LINE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        word = bad.group()
        if word.lower() != word and re.fullmatch(r"[a-z]+", word.lower()):
            raise at.at(f"line {line}").error("R010", None, got=_got(word))
        raise at.at(f"line {line}").error("R005", None, expected="one word of letters a-z per line, or a # comment",
                                          got=_got(word))
    if not any(line and not line.startswith("#") for line in text.splitlines()):
        raise at.error("R053")


# -- analyte_aliases.json, ranker.json, units.json, analytes.json ----------------------------
def _aliases(data: Any, at: _At) -> None:
    from .. import units
    from . import read_json

    _object(data, at)
    _keys(data, at, ("aliases",), ("_source",), what="aliases file")
    _comment(data, at, "_source")
    table = units._AnalyteTable(read_json("analytes.json"), units._unit_table())
    aliases = _object(data["aliases"], at, "aliases", "an object of analyte id -> names")
    for ident, names in aliases.items():
        a = at.at(f"analyte {_got(ident)}")
        if ident not in table.by_id:
            raise at.at("aliases").error("R052", ident, got=_got(ident), what="an analyte id of analytes.json")
        _texts(names, at.at("aliases"), ident, a, what="names")
        for i, name in enumerate(names, 1):
            found = table.lookup(name)
            if found is not None and found.id != ident:
                raise a.error("R071", i, got=_got(name), other=found.id)


def _ranker(data: Any, at: _At) -> None:
    from ..ranking import FEATURES

    _object(data, at)
    _keys(data, at, ("weights",), ("features", "C", "metadata"), what="ranker file")
    weights = _object(data["weights"], at, "weights", "an object of feature -> weight")
    for name, weight in weights.items():
        if name not in FEATURES:
            raise at.at("weights").error("R060", name, got=_got(name), expected=", ".join(FEATURES))
        _number(weight, at.at("weights"), name)
    missing = [f for f in FEATURES if f not in weights]
    if missing:
        raise at.error("R061", "weights", missing=", ".join(missing))
    if "features" in data:
        listed = _texts(data["features"], at, "features", at.at("features"))
        for i, name in enumerate(listed, 1):
            if name not in FEATURES:
                raise at.at("features").error("R060", i, got=_got(name), expected=", ".join(FEATURES))
            if name in listed[: i - 1]:
                raise at.at("features").error("R011", i, what="feature", got=_got(name), where="")
        missing = [f for f in FEATURES if f not in listed]
        if missing:
            raise at.error("R061", "features", missing=", ".join(missing))
    if "C" in data:
        _number(data["C"], at, "C", positive=True)
    if "metadata" in data:
        _object(data["metadata"], at, "metadata")


# The unit tables check themselves (matcher/units.py, where the entries are
# parsed); their messages are "units.json unit 'g/L' 'factor': ...".
_UNITS_WHERE = re.compile(
    r"(?P<file>[\w./]+\.json)(?: (?P<kind>unit|dimension|spelling|analyte) (?P<name>#\d+|'(?:[^'\\]|\\.)*'|\"[^\"]*\"))?"
    r"(?: '(?P<key>[^']*)'| (?P<word>name|notation))?: (?P<detail>.*)", re.DOTALL)
_UNITS_KEY = re.compile(r"'(\w+)' |(?:unknown|missing) key\(s\) (\w+)|(?:unknown )?(canonical_unit|equivalent unit|dimension) ")


def _unit_tables(data: Any, at: _At) -> None:
    from .. import units

    try:
        if at.file == "units.json":
            units._UnitTable(data)
        else:
            units._AnalyteTable(data, units._unit_table())
    except units.UnitsDataError as exc:
        raise _from_units(str(exc), at) from None
    except (TypeError, KeyError, AttributeError) as exc:  # a shape the table code does not expect
        raise at.error("R070", detail=f"cannot be read: {type(exc).__name__}: {exc}") from None


def _from_units(message: str, at: _At) -> RuleFileError:
    m = _UNITS_WHERE.fullmatch(message)
    if not m:
        return at.error("R070", detail=message)
    entry = None
    if m["kind"]:
        name = m["name"]
        entry = f"{m['kind']} {int(name[1:]) + 1}" if name.startswith("#") else f"{m['kind']} {_got(name[1:-1])}"
    key = m["key"] or m["word"]
    detail = m["detail"]
    if key is None:
        k = _UNITS_KEY.match(detail)
        if k:
            key = next(g for g in k.groups() if g)
            key = {"equivalent unit": "equivalent_units"}.get(key, key)
    return RuleFileError("R070", at.file, entry, key, detail=detail)


# -- the registry --------------------------------------------------------------------------
_VALIDATORS: dict[str, Callable[..., None]] = {
    "units.json": _unit_tables,
    "analytes.json": _unit_tables,
    "analyte_aliases.json": _aliases,
    "ranker.json": _ranker,
    "rules/context.json": _context,
    "rules/cues.jsonl": _patterns({"PREGNANCY", "LACTATION", "CHILDBEARING", "CONTRACEPTION", "FEMALE", "MALE", "ADMIN",
                                   "ORGAN", "AGE", "TEST", "SCALE"}, one_label_per_concept=True),
    "rules/time.json": _time,
    "rules/comparators.json": _comparators,
    "rules/coverage.json": _coverage,
    "rules/oncology.json": _oncology,
    "lexicon/conditions_curated.jsonl": _patterns({"CONDITION"}, one_label_per_concept=False),
    "lexicon/conditions_icd10cm.jsonl": _patterns({"CONDITION"}, one_label_per_concept=False),
    "lexicon/therapies.jsonl": _patterns({"THERAPY"}, one_label_per_concept=False),
    "lexicon/condition_parents.json": _condition_parents,
    "lexicon/therapy_classes.json": _therapy_classes,
    "lexicon/display_names.json": _display_names,
    "lexicon/words.txt": _words,
    "lexicon/english_words.txt": _words,
    "lexicon/stop_words.json": _stop_words,
}


def validate(name: str, data: Any, *, lines: list[int] | None = None) -> None:
    """Check the parsed content of the shipped resource ``name`` ("rules/context.json").

    ``data`` is what :func:`matcher.resources.read_json` (``.json``),
    ``read_jsonl`` (``.jsonl``: a list of objects) or ``read_text`` (``.txt``)
    gives; ``lines`` are the file's line numbers of a ``.jsonl`` file's rows when
    it has blank lines. Raises :class:`~matcher.errors.RuleFileError`.
    """
    check = _VALIDATORS.get(name)
    if check is None:
        raise ValueError(f"{name!r} is not a file matcher ships; known: {', '.join(SHIPPED)}")
    if name.endswith(".jsonl"):
        check(data, _At(name), lines)
    else:
        check(data, _At(name))


def validate_all() -> None:
    """Read and check every shipped file, then how they refer to each other:
    parents, classes and display names are concepts of the pattern files."""
    from . import read_json, read_jsonl, read_text

    for name in SHIPPED:
        (read_jsonl if name.endswith(".jsonl") else read_text if name.endswith(".txt") else read_json)(name)
    conditions = {row["id"] for name in ("lexicon/conditions_curated.jsonl", "lexicon/conditions_icd10cm.jsonl")
                  for row in read_jsonl(name)}
    therapies = {row["id"] for row in read_jsonl("lexicon/therapies.jsonl")}
    for name, known, what in (("lexicon/condition_parents.json", conditions, "a condition concept of the lexicon"),
                              ("lexicon/therapy_classes.json", therapies, "a therapy concept of the lexicon")):
        for concept, related in read_json(name).items():
            at = _At(name, f"concept {_got(concept)}")
            if concept not in known:
                raise at.error("R052", None, got=_got(concept), what=what)
            for i, other in enumerate(related, 1):
                if other not in known:
                    raise at.error("R052", i, got=_got(other), what=what)
    for concept in read_json("lexicon/display_names.json"):
        if concept not in conditions and concept not in therapies:
            raise _At("lexicon/display_names.json", f"concept {_got(concept)}").error(
                "R052", None, got=_got(concept), what="a condition or therapy concept of the lexicon")
