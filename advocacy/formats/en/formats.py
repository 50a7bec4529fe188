"""English dates as the site has always written them: "December 4, 2026" (Django's own
English format abbreviates the month)."""

DATE_FORMAT = "F j, Y"
SHORT_DATE_FORMAT = "M j, Y"  # "Dec 4, 2026" in a statement's table
