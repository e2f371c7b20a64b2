"""Password re-entry (changing the password, confirming a signature) is throttled per account and
address the way log-in is: after AXES_FAILURE_LIMIT wrong passwords the account is refused from that
address for AXES_COOLOFF_TIME, and the lockout is written once to the audit trail.

The counter lives in the cache (Redis in production, shared by every process)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import audit

REENTRY_LOCKED = "reauth.locked_out"


def _key(user, request):
    return f"reauth:fail:{user.pk}:{request.META.get('REMOTE_ADDR', '?')}"


def _window():
    return int(settings.AXES_COOLOFF_TIME * 3600)


def locked_message():
    minutes = max(1, _window() // 60)
    return _(
        "Too many wrong passwords: re-entering the password is locked "
        "for %(minutes)s minutes from this address."
    ) % {"minutes": minutes}


def is_locked(user, request):
    return (cache.get(_key(user, request)) or 0) >= settings.AXES_FAILURE_LIMIT


def _count_try(user, request):
    """Count a try before its password is checked (atomic in the cache): parallel tries cannot all
    read the counter below the limit and then be checked; a right password clears the count."""
    key = _key(user, request)
    cache.add(key, 0, timeout=_window())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_window())
        return 1


def verify_password(request, password):
    """Raise ValidationError while locked; else True/False for the password, counting failures."""
    user = request.user
    if is_locked(user, request):
        raise ValidationError(locked_message(), code="locked")
    tries = _count_try(user, request)
    if tries > settings.AXES_FAILURE_LIMIT:  # a parallel try took the last one
        raise ValidationError(locked_message(), code="locked")
    if password and user.check_password(password):
        cache.delete(_key(user, request))
        return True
    if tries == settings.AXES_FAILURE_LIMIT:
        audit.record(
            actor=user,
            action=REENTRY_LOCKED,
            obj=user,
            province_id=user.province_id,
            data={"ip": request.META.get("REMOTE_ADDR", ""), "path": request.path},
        )
        raise ValidationError(locked_message(), code="locked")
    return False


class ThrottledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        if not verify_password(self.request, self.cleaned_data.get("old_password")):
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return self.cleaned_data["old_password"]


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}
