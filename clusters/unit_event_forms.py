"""Forms of the unit changes (clusters.unit_events): each asks for its legal basis."""

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Province, Unit, UnitKind

SUCCESSOR_ROWS = 6


def units_alive(province_id, on_date=None):
    """Units of the province that still exist (on `on_date`, or today and later)."""
    qs = Unit.objects.filter(province_id=province_id)
    if on_date is None:
        return qs.filter(ended_on=None)
    return qs.filter(Q(ended_on=None) | Q(ended_on__gt=on_date))


class BasisForm(forms.Form):
    """The date a change takes effect and the decision that makes it."""

    effective = forms.DateField(label=_("In force from (dd/mm/yyyy)"))
    decision_number = forms.CharField(
        label=_("Decision number"), max_length=80, help_text=_("e.g. 1669/NQ-UBTVQH15")
    )
    decision_date = forms.DateField(label=_("Decision date (dd/mm/yyyy)"))
    decision_body = forms.CharField(
        label=_("Issued by"),
        max_length=160,
        required=False,
        help_text=_("e.g. Ủy ban Thường vụ Quốc hội"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def basis(self):
        d = self.cleaned_data
        keys = ("effective", "decision_number", "decision_date", "decision_body", "note")
        return {k: d.get(k) for k in keys}


class RenameForm(BasisForm):
    name = forms.CharField(label=_("New name"), max_length=160)
    short_name = forms.CharField(label=_("New short name"), max_length=80, required=False)
    kind = forms.ChoiceField(label=_("Type from that date"), choices=UnitKind.choices)
    field_order = ["name", "short_name", "kind", "effective"]


class AbolishForm(BasisForm):
    pass


def _new_unit_fields(prefix, label, required=False):
    return {
        f"{prefix}code": forms.SlugField(label=_("Code of %(what)s") % {"what": label}, required=required),
        f"{prefix}name": forms.CharField(
            label=_("Name of %(what)s") % {"what": label}, max_length=160, required=required
        ),
        f"{prefix}kind": forms.ChoiceField(
            label=_("Type of %(what)s") % {"what": label},
            choices=UnitKind.choices,
            initial=UnitKind.COMMUNE,
            required=required,
        ),
    }


class MergeForm(BasisForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Units that are merged"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    into = forms.ModelChoiceField(
        label=_("Merged into an existing unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Leave empty to form a new unit, described below."),
    )

    def __init__(self, *args, province_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units_alive(province_id)
        self.fields["into"].queryset = units_alive(province_id)
        self.fields.update(_new_unit_fields("new_", _("the new unit")))
        self.order_fields(["units", "into", "new_code", "new_name", "new_kind", "effective"])

    def clean(self):
        data = super().clean()
        has_new = bool(data.get("new_code") or data.get("new_name"))
        if bool(data.get("into")) == has_new:
            raise forms.ValidationError(_("Choose the unit they are merged into, or describe a new one."))
        if has_new and not (data.get("new_code") and data.get("new_name")):
            raise forms.ValidationError(_("Give the new unit a code and a name."))
        return data

    def merge_kwargs(self):
        d = self.cleaned_data
        new = (
            {"code": d["new_code"], "name": d["new_name"], "kind": d["new_kind"]}
            if d.get("new_code")
            else None
        )
        return {"units": list(d["units"]), "into": d.get("into"), "new_unit": new, **self.basis()}


class SplitForm(BasisForm):
    """One district into several communes: each successor an existing unit or a new one."""

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        alive = units_alive(unit.province_id).exclude(pk=unit.pk)
        order = []
        for i in range(1, SUCCESSOR_ROWS + 1):
            label = _("successor %(n)s") % {"n": i}
            self.fields[f"s{i}_existing"] = forms.ModelChoiceField(
                label=_("Successor %(n)s: an existing unit") % {"n": i}, queryset=alive, required=False
            )
            self.fields.update(_new_unit_fields(f"s{i}_", label))
            order += [f"s{i}_existing", f"s{i}_code", f"s{i}_name", f"s{i}_kind"]
        self.fields["history"] = forms.ChoiceField(
            label=_("Who carries the unit's earlier years"),
            choices=[("", _("All successors (shared)"))]
            + [(str(i), _("Successor %(n)s") % {"n": i}) for i in range(1, SUCCESSOR_ROWS + 1)],
            required=False,
        )
        self.order_fields([*order, "history", "effective"])

    def clean(self):
        data = super().clean()
        successors, rows = [], []
        for i in range(1, SUCCESSOR_ROWS + 1):
            existing, code, name = data.get(f"s{i}_existing"), data.get(f"s{i}_code"), data.get(f"s{i}_name")
            if existing and (code or name):
                raise forms.ValidationError(
                    _("Successor %(n)s: choose an existing unit or describe a new one, not both.") % {"n": i}
                )
            if existing:
                successors.append(existing)
            elif code or name:
                if not (code and name):
                    raise forms.ValidationError(_("Successor %(n)s: give a code and a name.") % {"n": i})
                successors.append(
                    {"code": code, "name": name, "kind": data.get(f"s{i}_kind") or UnitKind.COMMUNE}
                )
            else:
                continue
            rows.append(i)
        if len(successors) < 2:
            raise forms.ValidationError(_("A split needs at least two successors."))
        history = data.get("history")
        if history and int(history) not in rows:
            raise forms.ValidationError(_("Choose which successor carries the history, or share it."))
        data["successors"] = successors
        data["history_to"] = rows.index(int(history)) if history else None
        return data

    def successor_rows(self):
        """[(n, [existing, code, name, kind])] bound fields, one row of the table per successor."""
        rows = []
        for i in range(1, SUCCESSOR_ROWS + 1):
            fields = [self[f"s{i}_{f}"] for f in ("existing", "code", "name", "kind")]
            for f in fields:
                select = isinstance(f.field.widget, forms.Select)
                f.field.widget.attrs["class"] = (
                    "form-select form-select-sm" if select else "form-control form-control-sm"
                )
            rows.append((i, fields))
        return rows

    def basis_fields(self):
        return [
            self[f]
            for f in ("history", "effective", "decision_number", "decision_date", "decision_body", "note")
        ]

    def split_kwargs(self):
        d = self.cleaned_data
        return {"successors": d["successors"], "history_to": d["history_to"], **self.basis()}


class TransferForm(BasisForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.filter(ended_on=None))
    to_province = forms.ModelChoiceField(label=_("To province"), queryset=Province.objects.all())
    field_order = ["unit", "to_province", "effective"]


class ProvinceMergeForm(BasisForm):
    province = forms.ModelChoiceField(label=_("Province merged"), queryset=Province.objects.all())
    into = forms.ModelChoiceField(label=_("Into province"), queryset=Province.objects.all())
    field_order = ["province", "into", "effective"]


class OnDateForm(forms.Form):
    label_suffix = ""
    on = forms.DateField(
        label=_("Members on (dd/mm/yyyy)"),
        required=False,
        widget=forms.DateInput(
            attrs={"class": "form-control", "inputmode": "numeric", "aria-describedby": "key-dates"}
        ),
    )

    def date(self, year):
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if self.is_valid() and self.cleaned_data["on"]:
            return min(max(self.cleaned_data["on"], first), last)
        return None
