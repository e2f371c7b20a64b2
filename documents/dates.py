"""Dates in the style of administrative documents: "Hải Phòng, ngày 28 tháng 02 năm 2024".

Decree 30: days below 10 and the months January and February take a leading zero."""

BLANK = "……"  # room for a date written by hand when the document is signed


def place_date_line(place, date, *, year=None):
    """The place-and-date line; without a date, dotted room for the day and month (and the
    year unless given) to be written by hand."""
    if date is None:
        line = f"ngày {BLANK} tháng {BLANK} năm {year or BLANK}"
    else:
        month = f"{date.month:02d}" if date.month < 3 else str(date.month)
        line = f"ngày {date.day:02d} tháng {month} năm {date.year}"
    return f"{place}, {line}" if place else line[0].upper() + line[1:]
