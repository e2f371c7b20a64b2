from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.dates import DayField
from emulation.scoring.values import TARGET_MAX, DecimalInput

from .services import parse_articles


class RegistrationForm(forms.Form):
    aims = forms.CharField(
        label=_("Titles and awards aimed for"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TargetForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=40, help_text=_("e.g. budget-revenue"))
    name = forms.CharField(label=_("Target"), max_length=255)
    value = DecimalInput(label=_("Value"), places=3, maximum=TARGET_MAX, minimum=-TARGET_MAX)
    measure = forms.CharField(label=_("Unit of measure"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


TargetFormSet = forms.formset_factory(TargetForm, extra=2, can_delete=True, max_num=60)


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    preamble = forms.CharField(
        label=_("Legal bases (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    articles = forms.CharField(
        label=_("Articles (separate articles with an empty line)"), widget=forms.Textarea(attrs={"rows": 12})
    )
    place = forms.CharField(label=_("Place of signing"), max_length=120)
    signing_date = DayField(label=_("Date of signing"), required=False)

    def clean_articles(self):
        articles = parse_articles(self.cleaned_data["articles"])
        if not articles:
            raise forms.ValidationError(_("The pledge needs at least one article."))
        return articles


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve this draft")), ("comment", _("Ask for changes"))],
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SignForm(forms.Form):
    password = forms.CharField(label=_("Your password, to confirm the signature"), widget=forms.PasswordInput)


class UploadSignedForm(forms.Form):
    file = forms.FileField(label=_("PDF signed outside the application"))


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label=_("PDF file to check"))


class Pkcs12Form(forms.Form):
    file = forms.FileField(label=_("PKCS#12 file (.p12, .pfx)"))
    password = forms.CharField(label=_("Password of the file"), required=False, widget=forms.PasswordInput)


class CertificateForm(forms.Form):
    file = forms.FileField(label=_("Public certificate of the token (.cer, .crt, .pem)"))


class TrustRootForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    file = forms.FileField(label=_("Root certificate (.cer, .crt, .pem)"))
