"""The outgoing register (sổ đăng ký văn bản đi) and the number line of a document.

A number is taken once per `subject` (what is numbered, e.g. "awards-cover-45"): taking it again
answers the same entry, so a re-rendered document keeps its number and its date of issue.
Numbers run per issuer, per year of issue and per kind symbol; the counter row is locked while a
number is taken and a unique constraint backs it, so two documents never share a number, and a
number once taken is never given again (entries are never deleted)."""

from dataclasses import dataclass

from django.db import transaction

from .models import RegisterCounter, RegisterEntry

NBSP = "\u00a0"
BLANK = NBSP * 10  # room to write a number by hand


@dataclass(frozen=True)
class Issuer:
    """Who issues a document: drives the header, the number's symbol and the signature."""

    key: str  # register key: "cluster:12", "province:3"
    parent: str  # governing body, as written in running text: "UBND huyện Thạch Thất"
    name: str  # "Cụm thi đua các xã, thị trấn"
    symbol: str  # the issuer's part of a number: "CTĐ", "KTĐ", "BTĐKT"
    place: str  # the place on the date line: "Thạch Thất"
    province_id: int
    sign_for: str = ""  # "TM. CỤM THI ĐUA …" line (defaults to "TM. " + name)
    head_title: str = ""  # "Trưởng cụm", "Trưởng khối", "Trưởng ban"


def format_number(seq, symbol, issuer_symbol):
    return f"{seq:02d}/{symbol}-{issuer_symbol}"


def number_line(entry=None, *, symbol, issuer_symbol):
    """ "Số: 05/TTr-CTĐ", or a visible blank to number by hand: "Số:          /BB-CTĐ"."""
    if entry is not None:
        return f"Số: {entry.number}"
    return f"Số:{BLANK}/{symbol}-{issuer_symbol}"


def entry_for(subject):
    return RegisterEntry.objects.filter(subject=subject).first()


@transaction.atomic
def take(*, issuer, symbol, subject, title, on, actor=None):
    """The register entry of `subject`, taking the next number of (issuer, year of `on`, symbol)
    when it has none yet."""
    existing = RegisterEntry.objects.select_for_update().filter(subject=subject).first()
    if existing is not None:
        return existing
    RegisterCounter.objects.get_or_create(issuer=issuer.key, year=on.year, symbol=symbol)
    counter = RegisterCounter.objects.select_for_update().get(issuer=issuer.key, year=on.year, symbol=symbol)
    counter.last += 1
    counter.save(update_fields=["last"])
    return RegisterEntry.objects.create(
        province_id=issuer.province_id,
        issuer=issuer.key,
        issuer_name=issuer.name,
        year=on.year,
        symbol=symbol,
        seq=counter.last,
        number=format_number(counter.last, symbol, issuer.symbol),
        subject=subject,
        title=title[:300],
        issued_on=on,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
