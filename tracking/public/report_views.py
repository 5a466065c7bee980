"""The progress report workbook, public like the plan pages: published progress only, judged
on the same date (``?on=``)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from tracking.models import Target
from tracking.public.views import get_plan, judgement_date, public_page
from tracking.spreadsheets import workbooks
from tracking.spreadsheets.import_admin import XLSX_TYPE


def _workbook_response(content, filename):
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public_page
def plan_report(request, jurisdiction, year):
    plan = get_plan(jurisdiction, year)
    targets = Target.objects.for_plan(plan).in_report_order().with_progress()
    content = workbooks.progress_report(plan, targets, judgement_date(request, plan).on)
    return _workbook_response(content, f"{jurisdiction}-{year}-progress.xlsx")


@public_page
def area_report(request, jurisdiction, year, position):
    plan = get_plan(jurisdiction, year)
    area = get_object_or_404(plan.areas, position=position)
    targets = Target.objects.for_plan(plan).filter(area=area).in_report_order().with_progress()
    content = workbooks.progress_report(plan, targets, judgement_date(request, plan).on)
    return _workbook_response(content, f"{jurisdiction}-{year}-area{position}-progress.xlsx")
