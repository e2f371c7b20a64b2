"""How the registration and pledge events read in a history (clusters.history, from ready())."""

from django.utils.translation import gettext_lazy as _

from clusters.formatting import number
from clusters.history import register_event


def _targets(value):
    """[(key, "1250.000"), …] → "1.250; 12.500": the figures, without the keys' codes."""
    return "; ".join(number(v) for _k, v in value) if value else "—"


def register():
    registration = {"aims": (_("aims"), None), "targets": (_("targets"), _targets)}
    for action, label in [
        ("registration.saved", _("Registration saved")),
        ("pledge.drafted", _("Pledge draft written")),
        ("pledge.approved", _("Pledge draft approved")),
        ("pledge.commented", _("Pledge draft commented")),
        ("pledge.finalised", _("Pledge finalised for signing")),
        ("pledge.sign_requested", _("Signature requested")),
        ("pledge.signed", _("Pledge signed")),
        ("pledge.fully_signed", _("Pledge signed by every member")),
        ("signing_ca.created", _("Province signing authority created")),
        ("unit_certificate.issued", _("Unit's signing certificate issued")),
        ("unit_certificate.imported", _("Unit's signing certificate imported")),
        ("unit_certificate.pkcs12", _("Unit's signing certificate imported")),
        ("unit_certificate.external", _("Unit's token certificate registered")),
        ("unit_certificate.confirmed", _("Unit's certificate confirmed")),
        ("unit_certificate.revoked", _("Unit's certificate revoked")),
        ("signing_tsa.created", _("Province time-stamping authority created")),
        ("trust_root.imported", _("Trusted root certificate imported")),
        ("trust_root.retired", _("Trusted root certificate retired")),
        ("pledge.final_check_failed", _("Final check of the signed pledge failed")),
        ("signing_key.reencrypted", _("Signing keys re-encrypted")),
    ]:
        register_event(
            action,
            label,
            fields={
                **registration,
                "title": (_("title"), None),
                "articles": (_("articles"), None),
                "external": (_("signed outside the application"), None),
                "subject": (_("holder"), None),
                "message": (_("message"), None),
            },
        )
