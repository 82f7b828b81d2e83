"""The peer for bench/bench.py: the same letters through medspaCy (ConText) with spaCy's sentencizer.

    /path/to/medspacy-venv/bin/python bench/medspacy_peer.py LETTERS_DIR

A fair peer for the part of imr-check's work that is most alike: split
each letter into sentences and decide, for the clinical terms it names
(imr-check's concepts and drugs), whether they are negated.  medspaCy is
run as its documentation sets it up (a blank English pipeline, spaCy's
rule-based sentencizer, medspaCy's target matcher and ConText); no model is
downloaded.  It prints how many target entities it found, so a run that
matched nothing is visible.  Run it with a Python that has medspacy
installed (``pip install medspacy``); bench/bench.py times it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import medspacy
from loguru import logger
from medspacy.target_matcher import TargetRule

TERMS = {
    "CONCEPT": ["functional improvement", "functional benefit", "pain relief", "spasm", "muscle spasm",
                "acute exacerbation", "flare-up", "urine drug screen", "adverse effects", "aberrant behavior",
                "activities of daily living", "return to work", "tapering", "weaning"],
    "DRUG": ["carisoprodol", "Soma", "hydrocodone", "Norco", "oxycodone", "Percocet", "tramadol", "Ultram",
             "alprazolam", "Xanax", "clonazepam", "Klonopin", "cyclobenzaprine", "Flexeril", "gabapentin",
             "omeprazole", "zolpidem", "fentanyl", "morphine", "methadone", "tizanidine", "lidocaine"],
}


def main() -> None:
    logger.remove()  # PyRuSH and medspaCy log every sentence at debug level
    logger.add(sys.stderr, level="WARNING")
    nlp = medspacy.load(medspacy_enable=["medspacy_target_matcher", "medspacy_context"])
    nlp.add_pipe("sentencizer", first=True)
    nlp.get_pipe("medspacy_target_matcher").add(
        [TargetRule(term, label) for label, terms in TERMS.items() for term in terms]
    )
    found = negated = 0
    for path in sorted(Path(sys.argv[1]).rglob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8", errors="replace"))
        for ent in doc.ents:
            found += 1
            negated += bool(ent._.is_negated)
    print(f"{found} entities, {negated} negated")


if __name__ == "__main__":
    main()
