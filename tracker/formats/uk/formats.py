"""Ukrainian dates and numbers as Ukrainian texts write them: "4 вересня 2025" (the month in the genitive,
`E`), "вересень 2025", "156 000 000" grouped with a narrow no-break space, "1,5" with a decimal comma."""

from django.utils.translation import gettext_noop

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d.m.Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3

# A month standing alone ("вересень 2025", YEAR_MONTH_FORMAT's `F`) is lowercase in running Ukrainian
# text; Django's own catalogue capitalises it, as calendars do. Named here so that makemessages keeps
# these messages in the site's catalogue, which takes precedence over Django's.
MONTHS_IN_RUNNING_TEXT = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]
