"""The progress report workbook, public like the plan pages: published progress only, judged
on the same date (``?on=``)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from tracking import workbooks
from tracking.import_admin import XLSX_TYPE
from tracking.models import Target
from tracking.views import get_plan, judgement_date, public_page


def _workbook_response(content, filename):
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public_page
def plan_report(request, jurisdiction, year):
    plan = get_plan(jurisdiction, year)
    targets = Target.objects.for_plan(plan).with_progress()
    content = workbooks.progress_report(plan, targets, judgement_date(request, plan).on)
    return _workbook_response(content, f"{jurisdiction}-{year}-progress.xlsx")


@public_page
def area_report(request, jurisdiction, year, position):
    plan = get_plan(jurisdiction, year)
    area = get_object_or_404(plan.areas, position=position)
    targets = Target.objects.for_plan(plan).filter(area=area).with_progress()
    content = workbooks.progress_report(plan, targets, judgement_date(request, plan).on)
    return _workbook_response(content, f"{jurisdiction}-{year}-area{position}-progress.xlsx")
