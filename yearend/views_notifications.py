"""The navbar's unread count (loaded by htmx, so that no page pays a query for it) and the choice
between an e-mail at once, a daily digest or none."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import notifications
from .forms import NotificationPreferenceForm
from .models import EmailChoice, NotificationPreference


@login_required
def notification_count(request):
    return render(
        request, "yearend/_notification_count.html", {"count": notifications.unread_count(request.user)}
    )


@login_required
def notification_preferences(request):
    current = (
        NotificationPreference.objects.filter(user=request.user).values_list("email", flat=True).first()
        or EmailChoice.IMMEDIATE
    )
    form = NotificationPreferenceForm(request.POST or None, initial={"email": current})
    if request.method == "POST" and form.is_valid():
        notifications.preference_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("yearend:notifications")
    return render(request, "yearend/notification_preferences.html", {"form": form})
