"""Keys at rest: re-encrypting every stored private key under a new SIGNING_KEY_SECRET."""

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters import audit

from . import crypto

KEY_FIELD_SUFFIX = "key_encrypted"


def key_fields():
    """(model, field name) of every encrypted private key the pledges app stores."""
    return [
        (model, field.name)
        for model in apps.get_app_config("pledges").get_models()
        for field in model._meta.concrete_fields
        if field.name.endswith(KEY_FIELD_SUFFIX)
    ]


def _province_id(obj):
    if getattr(obj, "province_id", None):
        return obj.province_id
    unit = getattr(obj, "unit", None)
    return getattr(unit, "province_id", None)


@transaction.atomic
def signing_secret_rotate(*, old, new, actor=None):
    """Every stored key re-encrypted from `old` to `new`, all or nothing; returns the count.

    A key that `old` does not open aborts the whole rotation (nothing is written)."""
    if not old or not new or old == new:
        raise ValidationError(_("The old and the new secret must both be given and differ."))
    count = 0
    for model, field in key_fields():
        # a certificate registered without its key (a USB token's) has nothing to re-encrypt
        for obj in model.objects.select_for_update().filter(**{f"{field}__isnull": False}).order_by("pk"):
            try:
                setattr(obj, field, crypto.reencrypt(getattr(obj, field), old=old, new=new))
            except InvalidToken as exc:
                raise ValidationError(
                    _("The old secret does not open %(what)s #%(id)s: nothing was changed.")
                    % {"what": model._meta.label_lower, "id": obj.pk}
                ) from exc
            obj.save(update_fields=[field])
            audit.record(
                actor=actor,
                action="signing_key.reencrypted",
                obj=obj,
                province_id=_province_id(obj),
                data={"field": field},
            )
            count += 1
    return count
