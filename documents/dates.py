"""Dates in the style of administrative documents: "Hải Phòng, ngày 28 tháng 02 năm 2024".

Decree 30: days below 10 and the months January and February take a leading zero."""


def place_date_line(place, date):
    if date is None:
        line = "ngày     tháng     năm"
    else:
        month = f"{date.month:02d}" if date.month < 3 else str(date.month)
        line = f"ngày {date.day:02d} tháng {month} năm {date.year}"
    return f"{place}, {line}" if place else line[0].upper() + line[1:]
