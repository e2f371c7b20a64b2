"""Capitals of administrative names in running text (Decree 30/2020/NĐ-CP, Appendix II).

The common noun of an administrative unit is written in lower case before its proper name
("thành phố Hải Phòng", "UBND huyện Cát Hải", "Hội đồng Thi đua - Khen thưởng tỉnh Quảng Bình"),
but keeps its capital before a number or a person's name ("Quận 1", "Thành phố Hồ Chí Minh").
Headers print names in capitals and are not concerned."""

import re

TYPES = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Xã", "Phường")
KEEP_CAPITAL_BEFORE = ("Hồ Chí Minh",)
_TYPE = re.compile(r"(?<![\w])(" + "|".join(TYPES) + r")(?= +(\S+))")


def in_text(name):
    """`name` as written inside a sentence."""

    def repl(m):
        following = name[m.end() :].lstrip()
        word = m.group(2)
        if word[:1].isdigit() or not word[:1].isupper() or following.startswith(KEEP_CAPITAL_BEFORE):
            return m.group(1)
        return m.group(1)[0].lower() + m.group(1)[1:]

    return _TYPE.sub(repl, str(name))


def sentence_start(text):
    text = str(text)
    return text[:1].upper() + text[1:]
