"""A cluster (or block) as the issuer of its documents: header, number symbol, signature."""

from documents.names import in_text
from documents.register import Issuer

from .models import ClusterKind

SYMBOLS = {ClusterKind.GEOGRAPHIC: "CTĐ", ClusterKind.FUNCTIONAL: "KTĐ"}
HEAD_TITLES = {ClusterKind.GEOGRAPHIC: "Trưởng cụm", ClusterKind.FUNCTIONAL: "Trưởng khối"}
DEPUTY_TITLES = {ClusterKind.GEOGRAPHIC: "Phó trưởng cụm", ClusterKind.FUNCTIONAL: "Phó trưởng khối"}
KIND_WORDS = {ClusterKind.GEOGRAPHIC: "Cụm", ClusterKind.FUNCTIONAL: "Khối"}


def governing_body(cluster):
    """As written in running text: "UBND huyện Thạch Thất", "UBND thành phố Hải Phòng"."""
    return in_text(cluster.governing_body or f"UBND {cluster.province.name}")


def cluster_issuer(cluster):
    province = cluster.province
    return Issuer(
        key=f"cluster:{cluster.pk}",
        parent=governing_body(cluster),
        name=cluster.name,
        symbol=cluster.number_symbol or SYMBOLS.get(cluster.kind, "CTĐ"),
        place=cluster.place_name or province.place_name or province.name,
        province_id=province.pk,
        sign_for=f"TM. {cluster.name}",
        head_title=HEAD_TITLES.get(cluster.kind, HEAD_TITLES[ClusterKind.GEOGRAPHIC]),
    )


def role_label(cluster, role):
    """ "Trưởng khối", "Phó trưởng cụm", "Thành viên" for a membership role."""
    if role == "head":
        return HEAD_TITLES.get(cluster.kind, "Trưởng cụm")
    if role == "deputy":
        return DEPUTY_TITLES.get(cluster.kind, "Phó trưởng cụm")
    return "Thành viên"


def header_context(cluster, *, place_date, doc_number=""):
    """The base template's header variables for a document the cluster issues."""
    issuer = cluster_issuer(cluster)
    return {
        "issuer": issuer,
        "issuer_parent": issuer.parent,
        "issuer_name": issuer.name,
        "place_date": place_date,
        "doc_number": doc_number,
        "kind_word": KIND_WORDS.get(cluster.kind, "Cụm"),
    }
