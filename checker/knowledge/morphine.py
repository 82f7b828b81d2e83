"""The daily oral morphine-equivalent dose (MED) of an opioid request, with its formula.

DOMAIN.md section 5: MED = opioid mg a dose x doses a day x the CDC factor of
``rules/drugs.yaml`` (methadone: the factor of the band of its daily mg); a
fentanyl patch: mcg/hr x 2.4 a patch.  For a combination product only the
opioid's part of the strength counts, whatever the order it is written in
("APAP/Codeine 300/30", "Acetaminophen/hydrocodone 325/10"); a numbered product
names its opioid mg ("Tylenol with Codeine #3": 30 mg codeine).  A tablet a
dose is read when the sig names a frequency and no count of tablets.

When a part is missing or cannot be told, the MED is unknown (None) and the
formula says what is missing: never a guess.
"""

from __future__ import annotations

import re

from checker.knowledge.lexicon import Drug, Lexicon
from checker.model import Request
from checker.text import language

#: Where a name written with its parts splits ("APAP/Codeine", "Tylenol with Codeine", "Oxycodone-Acetaminophen").
_PARTS = language.lazy(lambda: rf"\s*/\s*|-(?=[A-Za-z])|\s+{language.alternation('requests.combination_joins')}\s+", re.I)


def morphine_equivalent(request: Request, lexicon: Lexicon) -> tuple[float | None, str | None]:
    """(MED, formula) of an opioid request; (None, None) for anything else; (None, why) when a part is missing."""
    drug = lexicon.get(request.drug) if request.drug else None
    if drug is None or not (drug.mme_factor or drug.mme_bands or drug.mme_factor_per_mcg_hr):
        return None, None
    if drug.mme_factor_per_mcg_hr:
        return _patch(request, drug)
    amount, written = _opioid_mg(request, drug, lexicon)
    if amount is None:
        return None, f"unknown: {written}"
    if not request.doses_per_day:
        return None, "unknown: the request gives no dose frequency"
    tablets = request.tablets_per_dose or 1
    daily = amount * tablets * request.doses_per_day
    steps = [written]
    if request.tablets_per_dose:
        steps.append(f"{_plain(tablets)} {'tablet' if tablets == 1 else 'tablets'}")
    steps.append(f"{_plain(request.doses_per_day)} a day")
    if drug.mme_bands:
        low = 0.0
        for limit, factor in drug.mme_bands:
            if limit is None or daily <= limit:
                band = f"over {_plain(low)}" if limit is None else f"{_plain(low + 1) if low else 1}-{_plain(limit)}"
                med = round(daily * factor, 2)
                return med, (f"{' x '.join(steps)} = {_plain(daily)} mg a day x {_plain(factor)} "
                             f"({drug.generic}, {band} mg a day) = {_plain(med)}")
            low = limit
        return None, "unknown: no factor for this dose"
    med = round(daily * drug.mme_factor, 2)
    return med, f"{' x '.join([*steps, _plain(drug.mme_factor)])} = {_plain(med)}"


def _patch(request: Request, drug: Drug) -> tuple[float | None, str | None]:
    """A transdermal patch: its rate x the factor per mcg/hr, for each patch worn at a time."""
    if request.strength_unit != "mcg/hr" or not request.strength_values:
        return None, "unknown: the request gives no patch strength in mcg/hr"
    rate = request.strength_values[0]
    patches = request.tablets_per_dose or 1
    steps = [f"{_plain(rate)} mcg/hr"]
    if request.tablets_per_dose:
        steps.append(f"{_plain(patches)} {'patch' if patches == 1 else 'patches'}")
    med = round(rate * patches * drug.mme_factor_per_mcg_hr, 2)
    return med, f"{' x '.join([*steps, _plain(drug.mme_factor_per_mcg_hr)])} = {_plain(med)}"


def _opioid_mg(request: Request, drug: Drug, lexicon: Lexicon) -> tuple[float | None, str]:
    """The opioid's mg a tablet and how it reads; (None, why) when it cannot be told."""
    numbers = dict(drug.product_numbers)
    if not request.strength_values:
        if request.product_number in numbers:
            mg = numbers[request.product_number]
            return mg, f"{_plain(mg)} mg {_component(drug, lexicon) or drug.generic} (#{request.product_number})"
        return None, "the request gives no strength"
    if request.strength_unit != "mg":
        return None, f"the strength is not in mg ({request.strength})"
    values = request.strength_values
    if len(values) == 1:
        return values[0], f"{_plain(values[0])} mg"
    if not drug.combination_of or len(values) != len(drug.combination_of):
        return None, f"which part of {request.strength} is the opioid cannot be told"
    index = _written_position(request, drug, lexicon)
    if index is None:
        index = next((i for i, part in enumerate(drug.combination_of) if _is_opioid(lexicon.get(part))), None)
    if index is None or index >= len(values) or values[index] > min(values):
        return None, f"which part of {request.strength} is the opioid cannot be told"
    return values[index], f"{_plain(values[index])} mg {_component(drug, lexicon) or ''}".rstrip()


def _written_position(request: Request, drug: Drug, lexicon: Lexicon) -> int | None:
    """Where the opioid stands among the names the line writes ("APAP/Codeine": 1), when it writes them all."""
    parts = [p for p in _PARTS.split(request.name or "") if p.strip()]
    if len(parts) != len(request.strength_values):
        return None
    for index, part in enumerate(parts):
        if any(_is_opioid(m.drug) and not m.drug.combination_of for m in lexicon.find_all(part)):
            return index
    return None


def _is_opioid(drug: Drug | None) -> bool:
    return drug is not None and bool(drug.mme_factor or drug.mme_bands or drug.mme_factor_per_mcg_hr)


def _component(drug: Drug, lexicon: Lexicon) -> str | None:
    """The opioid part of a combination ("codeine" of codeine/acetaminophen)."""
    return next((part for part in drug.combination_of if _is_opioid(lexicon.get(part))), None)


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"
