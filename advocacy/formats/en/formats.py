"""English dates as the site has always written them: "December 4, 2026" (Django's own
English format abbreviates the month)."""

DATE_FORMAT = "F j, Y"
