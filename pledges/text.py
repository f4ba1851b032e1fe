"""Text that XML, feeds and every page can carry: control characters are cleaned at the door.

Text pasted from a PDF can hold characters that XML 1.0 forbids (a vertical tab, U+000B; a form feed;
other C0 controls; U+FFFE, U+FFFF; lone surrogates). One such character in a published pledge used to
break every feed and the SVG card. Editors' input is cleaned when saved (vertical tab and form feed
become line breaks, the others go), and every XML output cleans again, whatever the database holds.
"""

import re

# Forbidden in XML 1.0: C0 controls except tab, line feed and carriage return; U+FFFE, U+FFFF;
# surrogates. DEL and C1 controls are allowed by XML but are never wanted in prose: removed too.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
LINE_BREAKS = re.compile("[\x0b\x0c\u2028\u2029]")


def clean_text(value: str) -> str:
    """The text with page breaks and vertical tabs made line breaks and other control characters removed."""
    if not value:
        return value
    return FORBIDDEN.sub("", LINE_BREAKS.sub("\n", value))


def has_forbidden(value: str) -> bool:
    return bool(value) and bool(FORBIDDEN.search(value) or LINE_BREAKS.search(value))


def xml_safe(value) -> str:
    """For XML outputs (feeds, the SVG card): the text without any character XML 1.0 forbids."""
    if value is None:
        return ""
    return FORBIDDEN.sub("", LINE_BREAKS.sub(" ", str(value)))


def markup_safe(text: str) -> str:
    """A whole HTML or XML document without forbidden characters; line and page breaks become spaces."""
    return FORBIDDEN.sub("", re.sub("[\x0b\x0c]", " ", text))
