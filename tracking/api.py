"""Open data: the plans, their targets with today's status, and the previous year's results.

Each endpoint has ONE row builder; the JSON body ({"count": n, "items": rows}) and the CSV twin
(``?format=csv``: UTF-8 with a BOM, so that Excel and WPS read the Chinese) are both made from
its rows. Figures are written exactly as stored in the report's unit: a Decimal becomes a JSON
number with the same digits (17.1 stays 17.1, never a float's 17.100000000000001), and the CSV
has the same digits. Only published progress counts (Target.with_progress()). The document
describing all this is tracking/openapi.py, served at /api/v1/openapi.json.
"""

import csv
import io
import json
import re
from decimal import Decimal

from django.core.exceptions import BadRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking import openapi
from tracking.models import Plan, Target
from tracking.public_cache import cached_public
from tracking.spreadsheets import escape_formula
from tracking.units import plain_decimal
from tracking.views import get_plan

FORMATS = ("json", "csv")


def plan_rows(request, plans):
    return [
        {
            "jurisdiction": plan.jurisdiction.name,
            "jurisdiction_slug": plan.jurisdiction.slug,
            "year": plan.year,
            "title": plan.title,
            "report_date": plan.report_date,
            "url": request.build_absolute_uri(plan.get_absolute_url()),
            "targets_url": request.build_absolute_uri(reverse("api:targets", args=plan.url_args)),
            "results_url": request.build_absolute_uri(reverse("api:results", args=plan.url_args)),
        }
        for plan in plans
    ]


def target_rows(request, targets, on):
    rows = []
    for target in targets:
        assessment = target.assess(on)
        latest = target.latest_record
        rows.append(
            {
                "id": target.code,
                "area": str(target.area),
                "name": target.name,
                "kind": target.kind,
                "direction": target.direction,
                "unit": target.measure_unit,
                "baseline_year": target.baseline_year,
                "baseline_value": target.baseline_value,
                "target_value": target.target_value,
                "target_growth_pct": target.target_growth_pct,
                "original_target_value": target.original_target_value,
                "original_target_growth_pct": target.original_target_growth_pct,
                "revised_on": target.revised_on,
                "deadline": target.deadline,
                "responsible_unit": target.responsible_unit.name
                if target.responsible_unit
                else None,
                "latest_date": latest.as_of if latest else None,
                "latest_value": latest.value if latest else None,
                "latest_growth_pct": latest.growth_pct if latest else None,
                "latest_stage": latest.milestone.name if latest and latest.milestone else None,
                "progress_pct": assessment.progress_pct,
                "expected_pct": assessment.expected_pct,
                "status": assessment.status.value,
                "status_label": str(assessment.status.label),
                "status_on": on,
                "source_text": target.source_text,
                "report_conflict": target.report_conflict,
                "url": request.build_absolute_uri(target.get_absolute_url()),
            }
        )
    return rows


def result_rows(results):
    return [
        {
            "year": result.plan.review_year,
            "area": result.section,
            "name": result.name,
            "value": result.value,
            "qualifier": result.qualifier,
            "unit": result.measure_unit,
            "growth_pct": result.growth_pct,
            "source_text": result.source_text,
        }
        for result in results
    ]


@cached_public(params=["format"])
def plans(request):
    rows = plan_rows(request, Plan.objects.select_related("jurisdiction"))
    return _respond(request, rows, "Plan", "plans")


@cached_public(params=["format"])
def targets(request, jurisdiction, year):
    plan = get_plan(jurisdiction, year)
    rows = target_rows(request, Target.objects.for_plan(plan).with_progress(), timezone.localdate())
    return _respond(request, rows, "Target", f"{jurisdiction}-{year}-targets")


@cached_public(params=["format"])
def results(request, jurisdiction, year):
    plan = get_plan(jurisdiction, year)
    rows = result_rows(plan.results.all())
    return _respond(request, rows, "Result", f"{jurisdiction}-{year}-results")


@cached_public()
def openapi_document(request):
    return JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})


def _respond(request, rows, schema, filename):
    chosen = request.GET.get("format", "json")
    if chosen not in FORMATS:
        raise BadRequest(_("format 只能是 json 或 csv。"))
    if chosen == "csv":
        return _csv_response(rows, openapi.columns(schema), filename)
    return HttpResponse(
        exact_json({"count": len(rows), "items": rows}),
        content_type="application/json; charset=utf-8",
    )


# A Decimal leaves the encoder as a marked string and is then written back as a bare number
# with its own digits; json cannot otherwise write a number it did not get as a float.
_DECIMAL_MARK = "\u0000decimal:"
_MARKED_DECIMAL = re.compile(r'"\\u0000decimal:(-?[0-9]+(?:\.[0-9]+)?)"')


class _ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return _DECIMAL_MARK + plain_decimal(o)
        return super().default(o)


def exact_json(payload):
    text = json.dumps(payload, cls=_ExactEncoder, ensure_ascii=False)
    return _MARKED_DECIMAL.sub(r"\1", text)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return escape_formula(str(value))


def _csv_response(rows, columns, filename):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([_csv_cell(row[column]) for column in columns] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
