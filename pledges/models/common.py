"""What every kind of fact shares: partial dates, qualified numbers, white space, slugs."""

import re
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
    UNKNOWN = "unknown", _("Unknown")


def format_partial_date(value, precision: str) -> str:
    """A date as precisely as the source gives it, in the reader's language: '4 September 2025',
    'September 2025', '2025'; '4 вересня 2025', 'вересень 2025' (formats in tracker/formats/)."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return gettext("Date unknown")
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


def iso_partial_date(value, precision: str) -> str:
    """ISO 8601 at the precision given: '2025-09-04', '2025-09', '2025'; '' when unknown."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def normalise_whitespace(text: str) -> str:
    """Collapse runs of white space so a quote can be found across line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def partial_date_constraint(field: str, precision_field: str, name: str) -> models.CheckConstraint:
    """A date and its precision agree: no date means 'unknown', and 'unknown' means no date."""
    known = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR]
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True, precision_field: DatePrecision.UNKNOWN})
        | Q(**{f"{field}__isnull": False, f"{precision_field}__in": known}),
        name=name,
    )


class Qualifier(models.TextChoices):
    """How exact a number is, as the text words it: "over $156 million", "about 10", "up to 5"."""

    EXACT = "exact", _("exactly")
    ABOUT = "about", _("about")
    OVER = "over", _("over")
    AT_LEAST = "at-least", _("at least")
    UP_TO = "up-to", _("up to")


def qualified(number: str, qualifier: str) -> str:
    """A number with its qualifier in words ("over 156,000,000"); an exact number stands alone."""
    if not qualifier or qualifier == Qualifier.EXACT:
        return number
    return f"{Qualifier(qualifier).label} {number}"


def format_number(value: Decimal) -> str:
    """A number grouped as the reader's language groups it: "156,000,000", "156 000 000" (a narrow
    no-break space), "1.5", "1,5"; never more decimals than it has."""
    return number_format(f"{value.normalize():f}", use_l10n=True, force_grouping=True)


# Big sums in words, for a language that writes them so ("156 млн доларів США"): the word for each
# scale, largest first. English keeps the full number and the currency code ("156,000,000 USD").
MONEY_SCALES = (
    (Decimal(10**9), pgettext_lazy("a sum of money in billions, as in “1.5 billion dollars”", "billion")),
    (Decimal(10**6), pgettext_lazy("a sum of money in millions, as in “156 million dollars”", "million")),
    (Decimal(10**3), pgettext_lazy("a sum of money in thousands, as in “500 thousand euros”", "thousand")),
)
# A currency's name after a scale word (its genitive plural in Ukrainian: "млн доларів США").
CURRENCY_AFTER_SCALE = {
    "EUR": pgettext_lazy("currency after million/billion", "euros"),
    "USD": pgettext_lazy("currency after million/billion", "US dollars"),
    "GBP": pgettext_lazy("currency after million/billion", "pounds sterling"),
    "NOK": pgettext_lazy("currency after million/billion", "Norwegian kroner"),
    "SEK": pgettext_lazy("currency after million/billion", "Swedish kronor"),
    "DKK": pgettext_lazy("currency after million/billion", "Danish kroner"),
    "CAD": pgettext_lazy("currency after million/billion", "Canadian dollars"),
    "AUD": pgettext_lazy("currency after million/billion", "Australian dollars"),
    "JPY": pgettext_lazy("currency after million/billion", "Japanese yen"),
    "CHF": pgettext_lazy("currency after million/billion", "Swiss francs"),
    "PLN": pgettext_lazy("currency after million/billion", "Polish złoty"),
    "CZK": pgettext_lazy("currency after million/billion", "Czech korunas"),
}
# Languages whose texts write big sums with a scale word rather than in full.
SCALED_MONEY_LANGUAGES = {"uk"}


def format_money(amount: Decimal, qualifier: str, currency: str) -> str:
    """A sum with its qualifier and currency as the reader's language writes it: "over 156,000,000 USD";
    "понад 156 млн доларів США" (a sum below a thousand, or in a currency without a name here, keeps
    its code: "500 EUR")."""
    if get_language() in SCALED_MONEY_LANGUAGES and currency in CURRENCY_AFTER_SCALE:
        for scale, word in MONEY_SCALES:
            if amount >= scale:
                number = format_number((amount / scale).quantize(Decimal("0.01")))
                return f"{qualified(number, qualifier)} {word} {CURRENCY_AFTER_SCALE[currency]}"
    return f"{qualified(format_number(amount), qualifier)} {currency}".strip()


class SlugManager(models.Manager):
    """Looks objects up by their slug, their natural key in fixtures."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)
