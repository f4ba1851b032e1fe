"""Why a quote is not found in its source: the nearest passage, where they part, and the likely cause.

Editors paste quotes; the usual reasons one does not match are typographic (a straight apostrophe for a
curly one, a hyphen for a dash, a word split by a hyphen at a PDF's line end, a full stop added at the
end). The message names the cause so the fix takes one look.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import format_html

from pledges.models import normalise_whitespace

APOSTROPHES = {"'", "’", "‘", "ʼ", "`", "´"}
DOUBLE_QUOTES = {'"', "“", "”", "„", "«", "»"}
DASHES = {"-", "–", "—", "‒", "―", "−"}


@dataclass(frozen=True)
class Mismatch:
    passage: str  # the nearest passage of the source, as long as the quote
    at: int  # where in the passage the first difference is
    typed: str  # the quote's character there ("" when the quote ended)
    found: str  # the source's character there ("" when the source ended)
    cause: str

    def html(self) -> str:
        before, mark, after = (
            self.passage[: self.at],
            self.passage[self.at : self.at + 1],
            self.passage[self.at + 1 :],
        )
        return format_html(
            "This quote is not in the source’s archived text. The nearest passage is “{}<mark>{}</mark>{}”; "
            "they differ at character {}: {} {}",
            before,
            mark or "␣",
            after,
            self.at + 1,
            self.describe(),
            self.cause,
        )

    def describe(self) -> str:
        typed = f"you have “{self.typed}”" if self.typed else "your quote ends"
        found = f"the source has “{self.found}”" if self.found else "the source ends"
        return f"{typed} where {found}."


def likely_cause(typed: str, found: str, quote: str, text_after: str) -> str:
    pair = {typed, found}
    if pair <= APOSTROPHES:
        return (
            "Likely cause: a straight apostrophe for a curly one (or the reverse): copy it from the source."
        )
    if pair <= DOUBLE_QUOTES:
        return "Likely cause: straight quotation marks for typographic ones (or the reverse)."
    if pair <= DASHES:
        return "Likely cause: a hyphen for a dash (or the reverse): the source uses “" + found + "”."
    if typed and not found or (typed in ".,;:" and quote.rstrip().endswith(typed)):
        return "Likely cause: something added at the end, such as a full stop the source does not have there."
    if typed == "-" or text_after.startswith("- "):
        return "Likely cause: a word split by a hyphen at a line end, as PDFs do: join the word."
    if typed.lower() == found.lower():
        return "Likely cause: a capital letter where the source has a small one (or the reverse)."
    return "Copy the passage from the source’s text again, character for character."


def explain_mismatch(quote: str, text: str) -> Mismatch | None:
    """The nearest passage to a quote that is not in the text, or None if it is there (or no text)."""
    quote, text = normalise_whitespace(quote), normalise_whitespace(text)
    if not quote or not text or quote in text:
        return None
    matcher = SequenceMatcher(None, text, quote, autojunk=False)
    block = matcher.find_longest_match(0, len(text), 0, len(quote))
    start = max(0, block.a - block.b)  # where the quote would begin in the text
    passage = text[start : start + len(quote)]
    at = next(
        (i for i, (a, b) in enumerate(zip(passage, quote, strict=False)) if a != b),
        min(len(passage), len(quote)),
    )
    typed = quote[at] if at < len(quote) else ""
    found = passage[at] if at < len(passage) else ""
    return Mismatch(passage, at, typed, found, likely_cause(typed, found, quote, text[start + at :]))
