"""The supervision report (督查通报) of a plan on a date: a staff page, a Word document and an XLSX.

A staff page, not a public one: it is the 督查办's working document, to be edited before it is
sent, and it lists every unit's lagging tasks with their stated reasons side by side. Its figures
are the public ones (published records only), so nothing in it contradicts the public pages.
Built per request for any date, so it is not cached.
"""

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracking.office import supervision, supervision_documents
from tracking.public.views import get_plan
from tracking.rules import access
from tracking.spreadsheets.import_admin import XLSX_TYPE

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class SupervisionForm(forms.Form):
    on = forms.DateField(label=_("截至日期"), widget=forms.DateInput(attrs={"type": "date"}))


def supervision_report(request, jurisdiction, year):
    # The plan first: an address naming no plan is a 404 for everyone, as on the public pages
    # beside it (plans are public); only then the login and the permission.
    plan = get_plan(jurisdiction, year)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_view_supervision(request.user):
        raise PermissionDenied
    form = SupervisionForm(request.GET or {"on": timezone.localdate()})
    if not form.is_valid():
        return render(
            request, "tracking/supervision.html", {"plan": plan, "form": form}, status=400
        )
    on = form.cleaned_data["on"]
    report = supervision.build(plan, on)
    file_format = request.GET.get("format")
    if file_format in ("docx", "xlsx"):
        writer, content_type = {
            "docx": (supervision_documents.to_docx, DOCX_TYPE),
            "xlsx": (supervision_documents.to_xlsx, XLSX_TYPE),
        }[file_format]
        response = HttpResponse(writer(report), content_type=content_type)
        name = f"{jurisdiction}-{year}-supervision-{on:%Y%m%d}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request, "tracking/supervision.html", {"plan": plan, "form": form, "report": report}
    )
