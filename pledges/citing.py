""" "Cite this page": a page's citation in the usual styles, with its release and permanent link.

A page at a release (/releases/<n>/…) never changes, so its own address is the permanent link. A live
page may change at any time: its citation names the newest release and links the page as it was in
that release, saying so.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from pledges.context_processors import SITE_NAME
from pledges.models import Release

BIBTEX_SPECIAL = re.compile(r"([{}\\%&#$_^~])")


def bibtex_text(value: str) -> str:
    """A value for a BibTeX field in braces: its special characters escaped, whitespace collapsed."""
    return BIBTEX_SPECIAL.sub(r"\\\1", " ".join(value.split()))


@dataclass(frozen=True)
class Citation:
    plain: str
    apa: str
    bibtex: str
    url: str  # the permanent link
    release: Release | None


def cite(
    title: str, path: str, release: Release | None, accessed: date | None = None, dataset: bool = False
) -> Citation:
    """The citation of the page at `path` (its live address, without a release prefix) as it is in
    `release`; without a release, of the live page at today's date. With `dataset`, of the release
    itself, `title` naming it ("Release 3")."""
    site = gettext(SITE_NAME)
    accessed = accessed or timezone.localdate()
    accessed_text = date_format(accessed, "DATE_FORMAT")
    if release is None:
        url = settings.SITE_URL + path
        plain = gettext("%(title)s. %(site)s. %(url)s. Accessed %(date)s.") % {
            "title": title, "site": site, "url": url, "date": accessed_text,
        }  # fmt: skip
        apa = gettext("%(site)s. (n.d.). %(title)s [Data set]. Retrieved %(date)s, from %(url)s") % {
            "title": title, "site": site, "url": url, "date": accessed_text,
        }  # fmt: skip
        key = f"tracker-{accessed:%Y%m%d}"
        fields = {
            "title": title,
            "author": site,
            "howpublished": f"\\url{{{url}}}",
            "urldate": accessed.isoformat(),
        }
        return Citation(plain, apa, bibtex_entry(key, fields, accessed.year), url, None)
    url = f"{settings.SITE_URL}/releases/{release.number}{path}"
    day = timezone.localdate(release.cut_at)
    values = {
        "title": title,
        "site": site,
        "url": url,
        "number": release.number,
        "date": date_format(day, "DATE_FORMAT"),
        "year": day.year,
        "accessed": accessed_text,
    }
    if dataset:  # the release itself: the dataset is the work cited
        plain = gettext("%(site)s, release %(number)s (%(date)s). %(url)s") % values
        apa = gettext("%(site)s. (%(year)s). %(title)s [Data set]. %(url)s") % values
    else:
        plain = gettext("%(title)s. %(site)s, release %(number)s (%(date)s). %(url)s. Accessed %(accessed)s.")
        plain %= values
        apa = gettext("%(site)s. (%(year)s). %(title)s (Release %(number)s) [Data set]. %(url)s") % values
    fields = {
        "title": title,
        "author": site,
        "version": str(release.number),
        "date": day.isoformat(),
        "howpublished": f"\\url{{{url}}}",
        "note": gettext("Release %(number)s") % values,
        "urldate": accessed.isoformat(),
    }
    return Citation(
        plain, apa, bibtex_entry(f"tracker-release-{release.number}", fields, day.year), url, release
    )


def bibtex_entry(key: str, fields: dict[str, str], year: int) -> str:
    lines = [f"@misc{{{key},"]
    for name, value in {**fields, "year": str(year)}.items():
        text = value if name == "howpublished" else bibtex_text(value)
        lines.append(f"  {name} = {{{text}}},")
    lines.append("}")
    return "\n".join(lines)
