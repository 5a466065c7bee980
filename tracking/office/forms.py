"""Forms of the officials' pages and the admin. Validation of a figure is the model's clean();
validation of an evidence file is tracking/evidence.py; these forms only gather and hand over."""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from tracking.evidence import ACCEPT_ATTRIBUTE, validate_evidence_file
from tracking.models import EditConflict, EvidenceFile, ProgressRecord, Target


class VersionCheckedForm(forms.ModelForm):
    """Carries the version the user read and refuses to save over a newer one.

    This check gives the clear message before anything is written; the conditional UPDATE in
    VersionedModel.save() still catches two saves racing past it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
            if self.instance.pk is None:
                self.fields["version"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and "version" in self.fields:
            current = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != cleaned_data.get("version"):
                raise ValidationError(EditConflict.message, code="edit_conflict")
        elif "version" in self.fields and cleaned_data.get("version") is None:
            cleaned_data["version"] = 1
        return cleaned_data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several evidence files at once, each checked by validate_evidence_file()."""

    default_validators = [validate_evidence_file]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if len(uploads) > settings.EVIDENCE_MAX_FILES:
            raise ValidationError(
                _("一次最多上传%(count)s个佐证材料。"),
                code="too_many_files",
                params={"count": settings.EVIDENCE_MAX_FILES},
            )
        return [super(EvidenceField, self).clean(upload, initial) for upload in uploads]


class ProgressEntryForm(VersionCheckedForm):
    """The phone-sized form: a figure (or stage) as of a date, a note and evidence."""

    SAVE_DRAFT = "draft"
    SUBMIT = "submit"

    evidence = EvidenceField(
        label=_("佐证材料"),
        required=False,
        help_text=_("图片、PDF 或办公文档，可多选。"),
    )
    # Idempotency: a new form carries a fresh token, and a second POST of the same form (a
    # double tap, a resent request) finds the record the first one created.
    entry_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ProgressRecord
        fields = [
            "as_of",
            "value",
            "growth_pct",
            "milestone",
            "note",
            "shortfall_reason",
            "version",
        ]
        widgets = {
            "as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "value": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "growth_pct": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            "note": forms.Textarea(attrs={"rows": 3}),
            "shortfall_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.target = target
        if self.instance.pk is None:
            self.fields["entry_token"].initial = uuid.uuid4()
        else:
            del self.fields["entry_token"]
        # Only the figure this kind of target is measured by; the model's clean() then names
        # exactly these fields in its messages.
        if target.kind == Target.Kind.MILESTONE:
            del self.fields["value"], self.fields["growth_pct"]
            self.fields["milestone"].queryset = target.milestones.all()
            self.fields["milestone"].required = True
        else:
            del self.fields["milestone"]
            if target.kind != Target.Kind.GROWTH:
                del self.fields["growth_pct"]
            if target.measure_unit:
                self.fields["value"].label = _("累计实际值（%(unit)s）") % {
                    "unit": target.measure_unit
                }

    def save_entry(self, *, user, submit):
        """Save the record and its evidence, then submit it if asked, all or nothing.

        Files reach the disk before their rows commit; if anything fails afterwards the rows are
        rolled back and the stored files deleted, so no orphan is left behind.
        """
        token = self.cleaned_data.get("entry_token")
        if token is not None:
            already = ProgressRecord.objects.filter(entry_token=token).first()
            if already is not None and already.entered_by_id == user.pk:
                return already
            if already is not None:
                raise ValidationError(
                    _("这张表单已由他人提交过，本次未保存。请重新打开填报页面再填写。"),
                    code="form_already_used",
                )
        try:
            return self._save_entry(user, submit, token)
        except IntegrityError:
            # Two copies of the form raced past the check above: the unique token let one in.
            already = ProgressRecord.objects.filter(entry_token=token, entered_by=user).first()
            if token is None or already is None:
                raise
            return already

    def _save_entry(self, user, submit, token):
        record = self.save(commit=False)
        record.changed_by = user
        stored = []
        try:
            with transaction.atomic():
                if record.pk is None:
                    record.entered_by = user
                    record.entry_token = token
                if submit:
                    # The form has validated the record: saved once, already submitted.
                    record.submit(by=user, validated=True)
                else:
                    record.save()
                for upload in self.cleaned_data["evidence"]:
                    evidence = EvidenceFile(
                        record=record,
                        original_name=upload.name[:200],
                        size_bytes=upload.size,
                        uploaded_by=user,
                    )
                    evidence.file.save(upload.name, upload, save=False)
                    stored.append(evidence.file)
                    evidence.save()
        except BaseException:
            for file in stored:
                file.delete(save=False)
            raise
        return record


class ReviewForm(forms.Form):
    """A leader's decision on a submitted record; a return needs a reason."""

    APPROVE = "approve"
    RETURN = "return"

    decision = forms.ChoiceField(
        label=_("审核意见"),
        choices=[(APPROVE, _("审核通过并发布")), (RETURN, _("退回修改"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("退回理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必填，填报员会看到。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("decision") == self.RETURN
            and not cleaned_data.get("reason", "").strip()
        ):
            self.add_error(
                "reason", ValidationError(_("退回时必须填写退回理由。"), code="reason_required")
            )
        return cleaned_data


class ReasonForm(forms.Form):
    """An admin action's intermediate page: one reason (for a return or a withdrawal) for the
    selected records."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


class BulkApproveForm(forms.Form):
    """The records a leader ticked on the review list; only records waiting for them count."""

    records = forms.ModelMultipleChoiceField(
        label=_("所选记录"),
        queryset=ProgressRecord.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("请至少勾选一条记录。"),
            "invalid_choice": _("所选记录中有一条已不在待审核之列，请刷新后重试。"),
        },
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = records
