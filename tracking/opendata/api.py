"""Open data: the plans, their targets with their status on a date (``?on=YYYY-MM-DD``, the
plan's default as on the public pages), and the previous year's results.

Each endpoint has ONE row builder; the JSON body ({"count": n, "items": rows}) and the CSV twin
(``?format=csv``: UTF-8 with a BOM, so that Excel and WPS read the Chinese) are both made from
its rows. Figures are written exactly as stored in the report's unit: a Decimal becomes a JSON
number with the same digits (17.1 stays 17.1, never a float's 17.100000000000001), and the CSV
has the same digits. Only published progress counts (Target.with_progress()). The document
describing all this is tracking/opendata/openapi.py, served at /api/v1/openapi.json.

It is read-only open data: every answer, errors included, is JSON (``{"error": {"status": …,
"message": …}}``) and carries ``Access-Control-Allow-Origin: *`` so that any web page may read it.
"""

import csv
import io
import json
import re
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tracking.models import Plan, Target
from tracking.opendata import openapi
from tracking.public.cache import cached_public
from tracking.public.views import assessed_rows, get_plan, judgement_date
from tracking.rules import figures
from tracking.rules.choices import Status
from tracking.spreadsheets import escape_formula

FORMATS = ("json", "csv")


def json_error(status, message):
    response = JsonResponse(
        {"error": {"status": status, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_data(*, params=()):
    """An endpoint of the open-data API: GET (or HEAD) only, cached like the public pages
    (keyed also by ``params``), errors as JSON, readable from any origin."""

    def decorator(view):
        cached = cached_public(params=params)(view)

        # No endpoint changes anything, so a POST gets the JSON 405 below, not the HTML page
        # of a CSRF failure.
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                response = json_error(405, _("开放数据接口只读，只接受 GET 请求。"))
                response["Allow"] = "GET, HEAD"
                return response
            try:
                response = cached(request, *args, **kwargs)
            except BadRequest as error:
                return json_error(400, str(error))
            except Http404:
                return json_error(404, _("没有这个年度计划或接口地址。"))
            response["Access-Control-Allow-Origin"] = "*"
            return response

        return wrapper

    return decorator


def not_found(request, unknown):
    return json_error(404, _("没有这个年度计划或接口地址。"))


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


def target_rows(request, rows_assessed, on):
    # The site's address and the statuses' names once per list, not once per row.
    site = request.build_absolute_uri("/").removesuffix("/")
    labels = {state: str(state.label) for state in Status}
    rows = []
    for target, assessment, latest in rows_assessed:
        rows.append(
            {
                "id": target.code,
                "area": target.area__numeral + target.area__title,
                "area_en": target.area__title_en,
                "name": target.name,
                "name_en": target.name_en,
                "kind": target.kind,
                "direction": target.direction,
                "unit": target.measure_unit,
                "unit_en": target.measure_unit_en,
                "baseline_year": target.baseline_year,
                "baseline_value": target.baseline_value,
                "target_value": target.target_value,
                "target_growth_pct": target.target_growth_pct,
                "original_target_value": target.original_target_value,
                "original_target_growth_pct": target.original_target_growth_pct,
                "revised_on": target.revised_on,
                "deadline": target.deadline,
                "responsible_unit": target.responsible_unit__name,
                "latest_date": latest.as_of if latest else None,
                "latest_value": latest.value if latest else None,
                "latest_growth_pct": latest.growth_pct if latest else None,
                "latest_stage": latest.milestone.name if latest and latest.milestone else None,
                "progress_pct": assessment.progress_pct,
                "expected_pct": assessment.expected_pct,
                "status": assessment.status.value,
                "status_label": labels[assessment.status],
                "status_on": on,
                "source_text": target.source_text,
                "report_conflict": target.report_conflict,
                "url": site + target.url,
            }
        )
    return rows


def result_rows(results):
    return [
        {
            "year": result.plan.review_year,
            "area": result.section,
            "name": result.name,
            "name_en": result.name_en,
            "value": result.value,
            "qualifier": result.qualifier,
            "unit": result.measure_unit,
            "unit_en": result.measure_unit_en,
            "growth_pct": result.growth_pct,
            "source_text": result.source_text,
        }
        for result in results
    ]


@open_data(params=["format"])
def plans(request):
    rows = plan_rows(request, Plan.objects.in_report_order().select_related("jurisdiction"))
    return _respond(request, rows, "Plan", "plans")


@open_data(params=["format", "on"])
def targets(request, jurisdiction, year):
    plan = get_plan(jurisdiction, year)
    on = judgement_date(request, plan).on
    rows = target_rows(
        request, assessed_rows(plan, Target.objects.for_plan(plan).in_report_order(), on), on
    )
    return _respond(request, rows, "Target", f"{jurisdiction}-{year}-targets")


@open_data(params=["format"])
def results(request, jurisdiction, year):
    plan = get_plan(jurisdiction, year)
    rows = result_rows(plan.results.all())
    return _respond(request, rows, "Result", f"{jurisdiction}-{year}-results")


@open_data()
def openapi_document(request):
    return JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})


def _respond(request, rows, schema, filename):
    chosen = request.GET.get("format", "json")
    if chosen not in FORMATS:
        raise BadRequest(_("format 只能是 json 或 csv。"))
    if chosen == "csv":
        return _csv_response(rows, openapi.columns(schema), filename)
    body = {"count": len(rows), "items": rows}
    if settings.DEMO_DATA:
        body = {"notice": "演示数据，非真实进度 (demo data, not real progress)", **body}
    return HttpResponse(
        exact_json(body),
        content_type="application/json; charset=utf-8",
    )


# A Decimal leaves the encoder as a marked string and is then written back as a bare number
# with its own digits; json cannot otherwise write a number it did not get as a float.
_DECIMAL_MARK = "\u0000decimal:"
_MARKED_DECIMAL = re.compile(r'"\\u0000decimal:(-?[0-9]+(?:\.[0-9]+)?)"')


class _ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return _DECIMAL_MARK + figures.plain(o)
        return super().default(o)


def exact_json(payload):
    text = json.dumps(payload, cls=_ExactEncoder, ensure_ascii=False)
    return _MARKED_DECIMAL.sub(r"\1", text)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return figures.plain(value)
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
