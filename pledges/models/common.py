"""What every kind of fact shares: partial dates, qualified numbers, white space, slugs."""

import re
from decimal import Decimal

from django.db import models
from django.db.models import Q


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    UNKNOWN = "unknown", "Unknown"


def format_partial_date(value, precision: str) -> str:
    """A date as precisely as the source gives it: '4 September 2025', 'September 2025', '2025'."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return "Date unknown"
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


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

    EXACT = "exact", "exactly"
    ABOUT = "about", "about"
    OVER = "over", "over"
    AT_LEAST = "at-least", "at least"
    UP_TO = "up-to", "up to"


def qualified(number: str, qualifier: str) -> str:
    """A number with its qualifier in words ("over 156,000,000"); an exact number stands alone."""
    if not qualifier or qualifier == Qualifier.EXACT:
        return number
    return f"{Qualifier(qualifier).label} {number}"


def format_number(value: Decimal) -> str:
    return f"{value.normalize():,f}"


class SlugManager(models.Manager):
    """Looks objects up by their slug, their natural key in fixtures."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)
