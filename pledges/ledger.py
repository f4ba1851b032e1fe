"""The review ledgers: every passage of a source that speaks of security help, and what became of it.

A ledger (`fixtures/curated/ledgers/<source slug>.toml`) lists passages of one source, each either
recorded (`facts = ["pledge:<ref>", "role:<ref>", "meeting:<slug>", "count:<slug>"]`) or not recorded
with a `reason` from `REASONS` and a `why`. A sentence of the source that uses the vocabulary of security
help (`VOCABULARY`) must lie inside a ledger passage, or contain one: nothing is passed over in silence.

This module reads plain text and TOML only, so it runs before anything is loaded:
`python -m pledges.ledger` prints the sentences no ledger accounts for.
"""

import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LEDGER_DIR = BASE_DIR / "fixtures" / "curated" / "ledgers"
SOURCES_DIR = BASE_DIR / "fixtures" / "sources"

# Why a passage was not recorded: a short, fixed list.
REASONS = {
    "ukraine-request": "A request by Ukraine, not a pledge to it",
    "not-security-help": "Not security help to Ukraine",
    "out-of-scope": "Outside the tracker’s scope",
    "same-fact": "The same fact as another passage",
    "too-vague": "Too vague to record",
}

# The words of security help. Each is matched at the start of a word, case-insensitive; both spellings
# of defence are meant, and "sea" and "arms" only as whole words.
VOCABULARY = re.compile(
    r"\b(?:troop|forces?\b|boots\b|peacekeep|reassurance|air|sky|skies|seas?\b|maritime|patriot|"
    r"defen[cs]e|weapon|arms\b|fund(?:s|ed|ing)?\b|money|billion|million|sanction|tariff|train|"
    r"intelligence|observer|monitor|headquarter|article\s*5|nato\b|guarantee|deploy|contribut|pledge|"
    r"commit|ready\b|willing)",
    re.IGNORECASE,
)

# A sentence ends at . ! ? (or the closing quote after one) before white space and a capital, a quote,
# a bracket or a digit; every line break ends one too. Timestamps ("17.51 BST") have no space after the dot.
SENTENCE_END = re.compile(r"(?<=[.!?])[”’\"')\]]*\s+(?=[A-Z“‘\"'(\[•\d])|(?<=[.!?][”’\"'])\s+")

FACT_KINDS = ("pledge", "role", "meeting", "count")


def normalise(text: str) -> str:
    """White space collapsed, as quotes are matched everywhere in the tracker."""
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> Iterator[str]:
    """The source's sentences, white space normalised, in order (a line break always ends one)."""
    for line in text.splitlines():
        line = normalise(line)
        if not line:
            continue
        for piece in SENTENCE_END.split(line):
            piece = piece.strip()
            if piece:
                yield piece


def speaks_of_security_help(sentence: str) -> bool:
    return bool(VOCABULARY.search(sentence))


@dataclass
class Entry:
    passage: str
    facts: list[str] = field(default_factory=list)
    reason: str = ""
    why: str = ""
    part: int | None = None
    why_uk: str = ""  # the same explanation in Ukrainian (see fixtures/curated/README.md)

    @property
    def recorded(self) -> bool:
        return bool(self.facts)


@dataclass
class Ledger:
    source: str
    entries: list[Entry]
    path: Path | None = None


def read_ledger(path: Path) -> Ledger:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    entries = [
        Entry(
            passage=item["passage"],
            facts=list(item.get("facts", [])),
            reason=item.get("reason", ""),
            why=item.get("why", ""),
            part=item.get("part"),
            why_uk=item.get("why_uk", ""),
        )
        for item in data.get("entry", [])
    ]
    return Ledger(source=data.get("source", path.stem), entries=entries, path=path)


def read_ledgers(directory: Path = LEDGER_DIR) -> dict[str, Ledger]:
    if not directory.exists():
        return {}
    ledgers = {}
    for path in sorted(directory.glob("*.toml")):
        ledger = read_ledger(path)
        ledgers[ledger.source] = ledger
    return ledgers


def entry_problems(ledger: Ledger, text: str) -> Iterator[str]:
    """Entries that are malformed: a passage not in the source, a reason off the list, a bad fact key."""
    normalised = normalise(text)
    for number, entry in enumerate(ledger.entries, start=1):
        label = f"Ledger {ledger.source}, entry {number} (“{normalise(entry.passage)[:60]}”)"
        if not normalise(entry.passage):
            yield f"{label}: the passage is empty."
        elif normalise(entry.passage) not in normalised:
            yield f"{label}: the passage is not in the source’s text."
        if entry.facts and entry.reason:
            yield f"{label}: names facts and a reason for not recording; it is one or the other."
        if not entry.facts:
            if entry.reason not in REASONS:
                yield f"{label}: not recorded needs a reason from: {', '.join(REASONS)}."
            if not entry.why.strip():
                yield f"{label}: not recorded needs a `why`."
        for fact in entry.facts:
            kind, _, key = fact.partition(":")
            if kind not in FACT_KINDS or not key:
                yield f"{label}: fact {fact!r} is not one of {', '.join(k + ':<key>' for k in FACT_KINDS)}."


def uncovered_sentences(ledger: Ledger | None, text: str) -> list[str]:
    """Sentences using the vocabulary of security help that no ledger passage contains or lies within."""
    passages = [normalise(entry.passage) for entry in ledger.entries] if ledger else []
    passages = [passage for passage in passages if passage]
    missing = []
    for sentence in sentences(text):
        if not speaks_of_security_help(sentence):
            continue
        if not any(sentence in passage or passage in sentence for passage in passages):
            missing.append(sentence)
    return missing


def coverage_problems(source_slug: str, text: str, ledger: Ledger | None) -> Iterator[str]:
    if ledger is None:
        yield f"Source {source_slug} has no review ledger (fixtures/curated/ledgers/{source_slug}.toml)."
        return
    yield from entry_problems(ledger, text)
    for sentence in uncovered_sentences(ledger, text):
        yield f"Ledger {source_slug} does not account for: “{sentence[:160]}”"


def main(argv: list[str]) -> int:
    """Check the ledgers against the archived texts in fixtures/sources/ (no database needed)."""
    ledgers = read_ledgers()
    slugs = argv or sorted(path.stem for path in SOURCES_DIR.glob("*.txt"))
    problems = []
    for slug in slugs:
        text = (SOURCES_DIR / f"{slug}.txt").read_text(encoding="utf-8")
        problems += list(coverage_problems(slug, text, ledgers.get(slug)))
    for problem in problems:
        print(f"- {problem}")
    total = sum(len(ledger.entries) for ledger in ledgers.values())
    print(f"{len(problems)} problem(s); {total} ledger entries in {len(ledgers)} ledger(s).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
