"""Ukrainian dates and numbers as Ukrainian texts write them: "4 вересня 2025" (the month in the genitive,
`E`), "вересень 2025", "156 000 000" grouped with a narrow no-break space, "1,5" with a decimal comma."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d.m.Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
