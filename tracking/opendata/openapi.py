"""The OpenAPI 3.1 document of the open-data API (tracking/opendata/api.py), written by hand.

OpenAPI 3.1 schemas are JSON Schema (2020-12), so the tests validate real responses against the
schemas below; the CSV columns are the schemas' properties in this order.
"""

from tracking.rules.choices import Direction, Kind, Qualifier, Status

DECIMAL_NOTE = (
    "Exact decimal as stored, in `unit` (17.1 with unit 亿元 stays 17.1): written as a JSON "
    "number with the stored digits, never rounded through a binary float."
)


def _figure(description, nullable=True):
    return {
        "type": ["number", "null"] if nullable else "number",
        "description": f"{description} {DECIMAL_NOTE}",
    }


def _text(description, nullable=False):
    return {"type": ["string", "null"] if nullable else "string", "description": description}


def _date(description, nullable=True):
    return {
        "type": ["string", "null"] if nullable else "string",
        "format": "date",
        "description": description,
    }


def _url(description):
    return {"type": "string", "format": "uri", "description": description}


SCHEMAS = {
    "Plan": {
        "jurisdiction": _text("Name of the town or county (e.g. 港门镇)."),
        "jurisdiction_slug": _text("Its code in URLs (e.g. gangmen)."),
        "year": {"type": "integer", "description": "The plan's year."},
        "title": _text("Title of the work report."),
        "report_date": _date("Date the report was given.", nullable=False),
        "url": _url("The plan's public page."),
        "targets_url": _url("Every target of the plan with its status (this API)."),
        "results_url": _url("The previous year's results (this API)."),
    },
    "Target": {
        "id": _text("The target's code within the plan (e.g. M1, A3-05)."),
        "area": _text("Task area, as the report words it."),
        "area_en": _text("The task area in English (a translation; may be empty)."),
        "name": _text("Name of the target."),
        "name_en": _text("The target's name in English (a translation; may be empty)."),
        "kind": {"enum": Kind.values},
        "direction": {"enum": Direction.values},
        "unit": _text("Unit as printed in the report (亿元, 家, %…); may be empty."),
        "unit_en": _text("The unit in English (亿元: hundred million yuan); may be empty."),
        "baseline_year": {"type": ["integer", "null"], "description": "Year of the baseline."},
        "baseline_value": _figure("The previous year's actual, where the report gives it."),
        "target_value": _figure("Amount, level or quota to reach; null for growth targets."),
        "target_growth_pct": _figure("Target growth in percent; growth targets only."),
        "original_target_value": _figure("The first goal, when the target was revised."),
        "original_target_growth_pct": _figure("The first growth goal, when revised."),
        "revised_on": _date("When the goal was revised, if it was."),
        "deadline": _date("Deadline of the target.", nullable=False),
        "responsible_unit": _text("Lead unit; null where the report names none.", True),
        "latest_date": _date("Record date of the latest progress published up to status_on."),
        "latest_value": _figure("Cumulative actual of that record, in `unit`."),
        "latest_growth_pct": _figure("Cumulative growth of that record, in percent."),
        "latest_stage": _text("Stage reached by that record (qualitative tasks).", True),
        "progress_pct": _figure("Progress in percent of the goal (status rule, README)."),
        "expected_pct": _figure("Progress expected by the latest record's date."),
        "status": {"enum": Status.values},
        "status_label": _text("The status in words, in the language asked for."),
        "status_on": _date(
            "The date the status is judged on: `on` if given, else today while the plan's "
            "year runs, its 31 December once it is over.",
            nullable=False,
        ),
        "source_text": _text("The report's own sentence."),
        "report_conflict": _text("Where the report contradicts itself on this figure; else ''."),
        "url": _url("The target's public page."),
    },
    "Result": {
        "year": {"type": "integer", "description": "The year the result belongs to."},
        "area": _text("Section of the report's look back (经济运行, 乡村振兴…)."),
        "name": _text("Name of the result."),
        "name_en": _text("The result's name in English (a translation; may be empty)."),
        "value": _figure("The figure as printed.", nullable=False),
        "qualifier": {"enum": Qualifier.values, "description": "约 (about), 余/多 (more)."},
        "unit": _text("Unit as printed; may be empty."),
        "unit_en": _text("The unit in English; may be empty."),
        "growth_pct": _figure("Growth on the year before in percent, where printed."),
        "source_text": _text("The report's own sentence."),
    },
}


def columns(name):
    """The fields of a row, in order: the JSON object's keys and the CSV header."""
    return list(SCHEMAS[name])


def _object(name):
    return {
        "type": "object",
        "properties": SCHEMAS[name],
        "required": columns(name),
        "additionalProperties": False,
    }


def _list(name):
    return {
        "type": "object",
        "properties": {
            "notice": _text("Present only on a demo site: its progress is generated."),
            "count": {"type": "integer"},
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
        },
        "required": ["count", "items"],
        "additionalProperties": False,
    }


FORMAT_PARAMETER = {
    "name": "format",
    "in": "query",
    "required": False,
    "schema": {"enum": ["json", "csv"], "default": "json"},
    "description": "csv: the same rows as CSV, UTF-8 with a byte-order mark (opens in Excel/WPS).",
}
ON_PARAMETER = {
    "name": "on",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "format": "date"},
    "description": (
        "Judge the statuses on this date (YYYY-MM-DD). A date outside the plan's year is moved "
        "to its first or last day. Default: today while the plan's year runs, else 31 December "
        "of the plan's year."
    ),
}
PLAN_PARAMETERS = [
    {"name": "jurisdiction", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}},
    FORMAT_PARAMETER,
]
ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
            "required": ["status", "message"],
        }
    },
    "required": ["error"],
}


def _operation(summary, name, parameters):
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The rows (JSON), or the same rows as CSV.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{name}List"}
                        },
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                "400": {
                    "description": "A query parameter with a value it cannot take.",
                    "content": {"application/json": {"schema": ERROR}},
                },
                "404": {
                    "description": "No such plan.",
                    "content": {"application/json": {"schema": ERROR}},
                },
            },
        }
    }


def document():
    schemas = {}
    for name in SCHEMAS:
        schemas[name] = _object(name)
        schemas[f"{name}List"] = _list(name)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gangmen target tracker open data",
            "version": "1",
            "description": (
                "Targets of township work reports and their published progress, no login. "
                "Only progress reviewed and published by the leaders is included. Labels "
                "(status_label) follow the Accept-Language header or the language cookie "
                "(zh-hans, en). Every answer, errors included, is JSON (errors: "
                '{"error": {"status", "message"}}) and may be read from any origin '
                "(Access-Control-Allow-Origin: *)."
            ),
        },
        "paths": {
            "/api/v1/plans": _operation("Every plan", "Plan", [FORMAT_PARAMETER]),
            "/api/v1/plans/{jurisdiction}/{year}/targets": _operation(
                "Every target of a plan with its status on a date",
                "Target",
                [*PLAN_PARAMETERS, ON_PARAMETER],
            ),
            "/api/v1/plans/{jurisdiction}/{year}/results": _operation(
                "The results of the year before the plan's", "Result", PLAN_PARAMETERS
            ),
        },
        "components": {"schemas": schemas},
    }
