"""The drug lexicon (``rules/drugs.yaml``): recognise a drug however it is written.

Letters name drugs by brand (Soma, Norco), generic (carisoprodol), salt or
abbreviation (Hydrocodone/APAP), and sometimes misspell them (Carsoprodol).
Every later check needs the generic name, so recognition is forgiving: an
exact name first, then a near spelling within a small edit distance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from checker import safe_yaml
from checker.resources import rules_path
from checker.text.language import kept_literal_trie
from checker.text.prefilter import lower_in_step
from checker.text.stored_patterns import compile_pattern

if TYPE_CHECKING:
    from checker.model import Request


@dataclass(frozen=True)
class Drug:
    """One lexicon entry."""

    generic: str
    names: tuple[str, ...]
    misspellings: tuple[str, ...]
    drug_class: str | None
    topic: str | None
    mme_factor: float | None = None
    mme_factor_per_mcg_hr: float | None = None
    mme_bands: tuple[tuple[float | None, float], ...] = ()
    #: Where the morphine-equivalent factor comes from ("CDC 2016", "CDC MME conversion file"); "none": no factor.
    mme_source: str | None = None
    combination_strength_means: str | None = None
    combination_of: tuple[str, ...] = ()
    form_means: tuple[tuple[str, str], ...] = ()  # ("patch", "lidocaine patch"): the form names the product
    product_numbers: tuple[tuple[int, float], ...] = ()  # (3, 30): "Tylenol #3" holds 30 mg of the opioid


@dataclass(frozen=True)
class DrugMatch:
    """Where a drug was found in some text and how it was spelled there."""

    drug: Drug
    written: str
    start: int
    end: int
    exact: bool  # False for a misspelling (listed or within edit distance)


@dataclass
class Lexicon:
    """All drugs, indexed by every way of writing them."""

    drugs: dict[str, Drug]
    by_name: dict[str, Drug] = field(default_factory=dict)
    misspelt: dict[str, Drug] = field(default_factory=dict)
    _by_prefix: dict = field(default_factory=dict)
    _near_cache: dict = field(default_factory=dict)
    #: Spellings of one sound ("ph", "f"): a word spelt with the first may mean a name with the second.
    same_sounds: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for drug in self.drugs.values():
            for name in (drug.generic, *drug.names):
                self.by_name.setdefault(_key(name), drug)
            for name in drug.misspellings:
                self.misspelt.setdefault(_key(name), drug)
        # Near-spelling candidates share the first two letters (long names: the
        # first): index them so a word is compared with a handful of names.
        self._by_prefix: dict[str, list[tuple[str, Drug]]] = {}
        self._by_first: dict[str, list[tuple[str, Drug]]] = {}
        for name, drug in sorted(self.by_name.items()):
            if " " not in name and "/" not in name and name.isalpha():
                self._by_prefix.setdefault(name[:2], []).append((name, drug))
                if len(name) >= 8:
                    self._by_first.setdefault(name[:1], []).append((name, drug))
        self._near_cache: dict[str, Drug | None] = {}
        #: Words known to be neither a name nor a near spelling of one: a text's words less these are judged.
        self._far: set[str] = set()
        self._found_cache: dict[str, list[DrugMatch]] = {}
        #: Request lines read with this lexicon, by text (``request_line.parse_request``): a batch of
        #: letters writes the same requests ("Norco 10/325 mg #120") again and again.
        self.requests_read: dict[str, Request] = {}
        self._first_word_patterns: dict[bool, re.Pattern[str]] = {}  # by whether the text is in lower case
        # Every name, indexed by its first word (run of letters or of digits):
        # a text is scanned once for words, and a name is tried only where a
        # word is its first word, longest name first, as one alternation of
        # all names would try them.
        self._by_first_word: dict[str, list[_Name]] = {}
        for name in sorted({*self.by_name, *self.misspelt}, key=lambda n: (-len(n), n)):
            first = _WORD.match(name)
            if first is not None:  # a name starts with a letter or digit (rules.schema.json, test_lexicon_scan)
                self._by_first_word.setdefault(first.group(), []).append(_Name((-len(name), name)))

    def get(self, generic: str) -> Drug | None:
        return self.drugs.get(generic)

    def numbered_names(self) -> list[str]:
        """Names that contain "#" ("tylenol #3"), which a request line must not read as a quantity."""
        return sorted((n for n in self.by_name if "#" in n), key=len, reverse=True)

    def find_all(self, text: str) -> list[DrugMatch]:
        """Every exact or listed-misspelling mention of a drug in ``text``, longest name first.

        One pass over the words of ``text``; a name is tried only where a word
        is its first word (or that word's plural).  The same text is often
        read by several facts (drug mentions, spelling), so the last few
        answers are kept.
        """
        cached = self._found_cache.get(text)
        if cached is None:
            cached = self._find_all(text)
            if len(self._found_cache) >= _FOUND_CACHE_SIZE:
                self._found_cache.pop(next(iter(self._found_cache)))
            self._found_cache[text] = cached
        return list(cached)

    def _find_all(self, text: str) -> list[DrugMatch]:
        found: list[DrugMatch] = []
        end = 0
        lowered = lower_in_step(text)
        scan = self._first_words(text_lowered=lowered is not None).finditer(text if lowered is None else lowered)
        for word in scan:
            if word.start() < end:
                continue
            for name in self._candidates(word.group().lower()):
                m = name.pattern().match(text, word.start())
                if m is None:
                    continue
                match = self._known(m.group(), m.start(), m.end())
                if match is not None:
                    found.append(match)
                end = m.end()
                break
        return found

    def _first_words(self, *, text_lowered: bool = False) -> re.Pattern[str]:
        """The words of a text that some name starts with (or their plurals), found in one scan.

        The words :data:`_WORD_START` finds (the plain scan), less those no name starts
        with: the regex engine skips them, where a loop in Python would look
        each one up.  ``text_lowered``: the pattern for a text in lower case
        (``prefilter.lower_in_step``), the same words matched with case, which
        the engine scans twice as fast.  Compiled on first use (a few milliseconds).
        """
        pattern = self._first_word_patterns.get(text_lowered)
        if pattern is None:
            letters = [w for w in self._by_first_word if w.isalpha()]
            digits = [w for w in self._by_first_word if w.isdigit()]
            words = [rf"{kept_literal_trie(letters)}(?:e?s)?(?![A-Za-z])"] if letters else []
            words += [rf"{kept_literal_trie(digits)}(?![0-9])"] if digits else []
            source = rf"(?<![A-Za-z0-9])(?:{'|'.join(words) or '(?!)'})"
            flags = re.ASCII | (0 if text_lowered else re.IGNORECASE)
            pattern = self._first_word_patterns[text_lowered] = compile_pattern(source, flags)
        return pattern

    def _candidates(self, word: str) -> list[_Name]:
        """Names that may start at ``word``: those whose first word it is, or whose plural it is."""
        index = self._by_first_word
        if not word.endswith("s"):
            return index.get(word, [])
        lists = [index.get(word), index.get(word[:-1]), index.get(word[:-2]) if word.endswith("es") else None]
        present = [names for names in lists if names]
        if len(present) <= 1:
            return present[0] if present else []
        return sorted({n for names in present for n in names})

    def _known(self, written: str, start: int, end: int) -> DrugMatch | None:
        """The drug a matched name means (a listed misspelling is not exact)."""
        key = _key(written)
        singular = _singular(key)
        drug = self.by_name.get(key) or self.by_name.get(singular)
        if drug is None and key.endswith("es"):
            drug = self.by_name.get(key[:-1])
        exact = drug is not None
        drug = drug or self.misspelt.get(key) or self.misspelt.get(singular)
        return DrugMatch(drug, written, start, end, exact) if drug is not None else None

    def find_near(self, text: str) -> list[DrugMatch]:
        """Words of ``text`` that are near spellings of a single-word drug name.

        Each different word is judged once; only a text that holds a near
        spelling is read again for where its words are.
        """
        words = set(map(str.lower, _LONG_WORD.findall(text))) - self._far  # most words were judged before
        near = set()
        for word in words:
            if word not in self.by_name and word not in self.misspelt and self._nearest(word) is not None:
                near.add(word)
            else:
                if len(self._far) >= _NEAR_CACHE_SIZE:
                    self._far.clear()  # bounded, as the nearest names are
                self._far.add(word)
        if not near:
            return []
        found = []
        for m in _LONG_WORD.finditer(text):
            word = m.group().lower()
            if word in near:
                found.append(DrugMatch(self._nearest(word), m.group(), m.start(), m.end(), False))  # type: ignore[arg-type]
        return found

    def identify(self, text: str) -> DrugMatch | None:
        """The drug a treatment name refers to: exact names first, then near spellings.

        A name that joins two drugs ("Acetaminophen/hydrocodone", "Hydrocodon/APAP")
        means the combination product of both, whatever the order or spelling.
        """
        exact = self.find_all(text)
        near = self.find_near(text)
        found = sorted(exact + near, key=lambda m: (m.start, not m.exact))
        if len({m.drug.generic for m in found}) > 1:
            combined = self._combination_of({m.drug.generic for m in found})
            if combined is not None:
                first = found[0]
                return DrugMatch(combined, text[first.start : found[-1].end], first.start, found[-1].end,
                                 all(m.exact for m in found))
        if exact:
            return exact[0]
        return near[0] if near else None

    def _combination_of(self, generics: set[str]) -> Drug | None:
        """The one combination product made of exactly these drugs (or of them plus a combination's parts)."""
        parts = {part for generic in generics for part in (self.drugs[generic].combination_of or (generic,))}
        matching = [d for d in self.drugs.values() if d.combination_of and set(d.combination_of) == parts]
        return matching[0] if len(matching) == 1 else None

    def _nearest(self, word: str) -> Drug | None:
        """The drug ``word`` is a misspelling of, under rules strict enough for prose.

        Real misspellings in letters ("Carsoprodol", "Alprazalam",
        "Cyclobenzeprine", "Tramadal") keep the first two letters and differ by
        one edit; a letter swapped across another ("Fentynal") and a sound
        spelt otherwise (``same_sounds``: "Baclophen") count as one edit too.
        Long names (eight letters or more) may lose, gain or swap their second
        letter ("Aprazolam", "Nuerontin").  Ordinary words near a short brand
        ("related"/Relafen, "voltage"/Voltaren, "ambient"/Ambien) do not pass.
        """
        if word in self._near_cache:
            return self._near_cache[word]
        best: tuple[int, str] | None = None
        candidates = self._by_prefix.get(word[:2], []) + [
            (name, drug) for name, drug in self._by_first.get(word[:1], []) if name[:2] != word[:2] and abs(len(name) - len(word)) <= 1
        ]
        for name, _drug in candidates:
            dist = self._near_distance(word, name)
            if dist is not None and (best is None or (dist, name) < best):
                best = (dist, name)
        found = self.by_name[best[1]] if best else None
        if len(self._near_cache) >= _NEAR_CACHE_SIZE:
            self._near_cache.clear()  # memory stays bounded over millions of letters' words
        self._near_cache[word] = found
        return found

    def _near_distance(self, word: str, name: str) -> int | None:
        """One edit (or a swap, or a sound spelt otherwise) between ``word`` and ``name``; None when they are further apart."""
        if abs(len(name) - len(word)) > 2:
            return None
        if word.startswith(name):
            # a longer word that merely begins with the name, unless it adds a plural, an "e" or a doubled last letter
            return 1 if word[len(name):] in ("s", "es", "e", name[-1]) else None
        if len(name) <= 6 and word[-1] != name[-1]:
            return None  # short names: the last letter must stay ("morin" is not Motrin)
        if word[:2] != name[:2] and (word[0] != name[0] or len(name) < 8 or abs(len(name) - len(word)) > 1):
            return None
        for spelt in self._sound_forms(word):
            if within_one_edit(spelt, name) or _swapped(spelt, name):
                return 1
        return None

    def _sound_forms(self, word: str) -> list[str]:
        """``word`` and its forms with each ``same_sounds`` spelling replaced ("baclophen" -> "baclofen")."""
        forms = [word]
        for spelling, sound in self.same_sounds:
            forms += [f.replace(spelling, sound) for f in forms if spelling in f]
        return forms


#: A word a name may start with: a run of letters or of digits ...
_WORD = compile_pattern(r"[a-z]+|[0-9]+")
#: ... not preceded by a letter or digit.
_WORD_START = compile_pattern(r"(?<![A-Za-z0-9])(?:[A-Za-z]+|[0-9]+)")
#: How many texts' drug mentions a lexicon keeps (a letter's sections and items).
_FOUND_CACHE_SIZE = 64
#: How many words' nearest names a lexicon keeps (the words of a few thousand letters).
_NEAR_CACHE_SIZE = 50_000


@dataclass(frozen=True, order=True)
class _Name:
    """One name of the lexicon, ordered longest first; compiled when a text first has its first word."""

    order: tuple[int, str]

    def pattern(self) -> re.Pattern[str]:
        return _name_pattern(self.order[1])


@lru_cache(maxsize=None)
def _name_pattern(name: str) -> re.Pattern[str]:
    """``name`` as written in a letter, matched where it starts (compiling all 400 names up front costs a start-up)."""
    return compile_pattern(rf"(?:{_name_regex(name)})(?![A-Za-z])", re.I)


def _swapped(a: str, b: str) -> bool:
    """Two letters swapped across others ("fentynal"/"fentanyl", "tapendatol"/"tapentadol")."""
    if len(a) != len(b):
        return False
    differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(differ) == 2 and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]]


def _key(name: str) -> str:
    """How names are compared: lower case, one space between words, none around a slash."""
    return _AROUND_SLASH.sub("/", _SPACES.sub(" ", name.strip().lower()))


def _singular(key: str) -> str:
    """A name's key without a final "es" or "s"."""
    return key[:-2] if key.endswith("es") else key[:-1] if key.endswith("s") else key


_SPACES = compile_pattern(r"\s+")
_AROUND_SLASH = compile_pattern(r"\s*/\s*")
#: A word near spellings are looked for in: five letters or more.
_LONG_WORD = compile_pattern(r"[A-Za-z]{5,}")



def _name_regex(name: str) -> str:
    parts = [re.escape(p) for p in re.split(r"\s+", name)]
    regex = r"\s+".join(parts).replace(r"/", r"\s*/\s*")
    return regex + "(?:es|s)?" if name[-1:].isalpha() else regex


def within_one_edit(a: str, b: str) -> bool:
    """``edit_distance(a, b, 1) <= 1``, without the table: equal, or one letter changed, added, lost or
    swapped with its neighbour.

    Every word of every letter near a name's first letters is compared; the
    table costs a row per letter, this one pass over the common beginning.
    """
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1  # the first difference
    if len(a) > len(b):
        return a[i + 1 :] == b[i:]  # a letter added
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]  # a letter lost
    if a[i + 1 :] == b[i + 1 :]:
        return True  # a letter changed
    swapped = a[i : i + 2] == b[i + 1 : i + 2] + b[i : i + 1]
    return swapped and a[i + 2 :] == b[i + 2 :]


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions), capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev_prev: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev_prev[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev_prev, prev = prev, cur
    return prev[-1]


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read a drug lexicon YAML file (safe_load: nothing in it is executed)."""
    data = safe_yaml.load((path or rules_path("drugs.yaml")).read_text(encoding="utf-8")).data or {}
    drugs = {drug.generic: drug for drug in (drug_of_entry(entry) for entry in data.get("drugs", []))}
    sounds = tuple((str(a).lower(), str(b).lower()) for a, b in (data.get("same_sounds") or ()))
    return Lexicon(drugs, same_sounds=sounds)


def drug_of_entry(entry: dict) -> Drug:
    """One ``drugs:`` entry (rules/drugs.yaml, or a rule file of the user's) as a :class:`Drug`."""
    return Drug(
        generic=str(entry["generic"]).lower(),
        names=tuple(str(n).lower() for n in entry.get("names") or ()),
        misspellings=tuple(str(n).lower() for n in entry.get("misspellings") or ()),
        drug_class=entry.get("class"),
        topic=entry.get("topic"),
        mme_factor=entry.get("mme_factor"),
        mme_factor_per_mcg_hr=entry.get("mme_factor_per_mcg_hr"),
        mme_bands=tuple(tuple(b) for b in entry.get("mme_bands") or ()),
        mme_source=entry.get("mme_source"),
        combination_strength_means=entry.get("combination_strength_means"),
        combination_of=tuple(entry.get("combination_of") or ()),
        form_means=tuple((str(k).lower(), str(v)) for k, v in (entry.get("form_means") or {}).items()),
        product_numbers=tuple((int(k), float(v)) for k, v in (entry.get("product_numbers") or {}).items()),
    )


def with_additions(base: Lexicon, additions: list[Drug]) -> Lexicon:
    """``base`` with drugs a user's rule files add; an entry for a known drug adds its names and misspellings."""
    drugs = dict(base.drugs)
    for drug in additions:
        known = drugs.get(drug.generic)
        if known is None:
            drugs[drug.generic] = drug
            continue
        drugs[drug.generic] = replace(
            known,
            names=tuple(dict.fromkeys((*known.names, *drug.names))),
            misspellings=tuple(dict.fromkeys((*known.misspellings, *drug.misspellings))),
        )
    return Lexicon(drugs, same_sounds=base.same_sounds)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon, loaded once per process."""
    return load_lexicon()
