"""The open-data API: fields, exact figures, the CSV twin, errors, and the OpenAPI document."""

import csv
import datetime
import io
import json
from decimal import Decimal as D

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from tests.conftest import make_record, make_target
from tracking.models import ProgressRecord, Target
from tracking.opendata import api
from tracking.opendata.openapi import document
from tracking.rules import figures

pytestmark = pytest.mark.django_db

TARGETS = "/api/v1/plans/gangmen/2022/targets"
RESULTS = "/api/v1/plans/gangmen/2022/results"


def _json(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content, parse_float=D)


def _csv(client, url):
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM for Excel and WPS"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _validator(name):
    return Draft202012Validator({**document(), "$ref": f"#/components/schemas/{name}List"})


def test_plans_link_to_their_targets_and_results(client, gangmen):
    body = _json(client, "/api/v1/plans")
    assert body["count"] == 1
    (plan,) = body["items"]
    assert plan["jurisdiction"] == "港门镇" and plan["year"] == 2022
    assert plan["targets_url"] == "http://testserver" + TARGETS
    assert plan["results_url"] == "http://testserver" + RESULTS


def test_targets_carry_the_reports_figures_exactly(client, gangmen):
    gdp = Target.objects.get(plan=gangmen, code="M1")
    make_record(gdp, datetime.date(2022, 3, 31), growth_pct=D("6.8"))
    response = client.get(TARGETS)
    assert '"baseline_value": 17.1,' in response.content.decode(), "a JSON number, not 17.1000"
    items = {item["id"]: item for item in json.loads(response.content, parse_float=D)["items"]}
    assert len(items) == gangmen.targets.count()
    m1 = items["M1"]
    assert (m1["area"], m1["name"], m1["kind"], m1["unit"]) == (
        "经济社会发展主要目标",
        "地区生产总值增长",
        "growth",
        "亿元",
    )
    assert (m1["baseline_year"], m1["baseline_value"], m1["target_growth_pct"]) == (
        2021,
        D("17.1"),
        D(7),
    )
    assert (m1["latest_date"], m1["latest_growth_pct"]) == ("2022-03-31", D("6.8"))
    assert m1["progress_pct"] == D("97.1") and m1["status"] in {"at_risk", "overdue"}
    assert m1["source_text"] == "地区生产总值增长7%"
    assert m1["url"] == "http://testserver" + gdp.get_absolute_url()
    assert items["A1-08"]["target_value"] == D("1.4") and items["A1-08"]["report_conflict"]


@pytest.mark.parametrize(
    ("figure", "written"),
    [
        (D("17.1000"), "17.1"),
        (D("123456789012.3456"), "123456789012.3456"),  # beyond a float's 15–17 digits
        (D("0.1"), "0.1"),
        (D("1E+1"), "10"),
        (D("-2.50"), "-2.5"),
    ],
)
def test_decimals_are_written_with_their_own_digits(figure, written):
    # (SQLite itself keeps only 15 significant digits; PostgreSQL keeps all 16.)
    assert api.exact_json({"v": figure, "t": "17.1"}) == f'{{"v": {written}, "t": "17.1"}}'
    assert figures.plain(figure) == written


@pytest.mark.parametrize("url", ["/api/v1/plans", TARGETS, RESULTS])
def test_csv_twin_has_the_same_rows_as_the_json(client, gangmen, url):
    make_record(Target.objects.get(code="A1-04"), datetime.date(2022, 3, 31), value=D(2))
    rows = _json(client, url)["items"]
    table = _csv(client, url)
    assert len(table) == len(rows)
    for row, line in zip(rows, table, strict=True):
        assert list(line) == list(row), "same columns in the same order"
        for key, value in row.items():
            expected = "" if value is None else str(value)
            assert line[key] == expected, (key, line[key], expected)


def test_results_are_the_previous_years(client, gangmen):
    items = _json(client, RESULTS)["items"]
    assert len(items) == gangmen.results.count()
    gdp = items[0]
    assert gdp == {
        "year": 2021,
        "area": "经济运行",
        "name": "地区生产总值",
        "name_en": "Gross regional product",
        "value": D("17.1"),
        "qualifier": "",
        "unit": "亿元",
        "unit_en": "hundred million yuan",
        "growth_pct": D("10.6"),
        "source_text": "完成地区生产总值17.1亿元，同比增长10.6%",
    }


def test_unpublished_progress_never_reaches_the_api(client, plan):
    target = make_target(plan)
    for state in ("draft", "submitted", "returned"):
        make_record(target, datetime.date(2022, 3, 31), value=D(4), state=state)
    (row,) = _json(client, "/api/v1/plans/testtown/2022/targets")["items"]
    assert row["latest_value"] is None and row["status"] == "no_data"
    assert ProgressRecord.objects.count() == 3


def test_csv_cells_cannot_run_as_formulas(client, plan):
    make_target(plan, name='=HYPERLINK("http://evil")')
    (row,) = _csv(client, "/api/v1/plans/testtown/2022/targets")
    assert row["name"].startswith("'=")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/plans/nowhere/2022/targets", 404),
        ("/api/v1/plans/gangmen/2023/results", 404),
        ("/api/v1/plans/gangmen/20222/targets", 404),
        (TARGETS + "?format=xlsx", 400),
    ],
)
def test_unknown_plans_and_bad_parameters(client, gangmen, url, code):
    assert client.get(url).status_code == code


def test_the_openapi_document_is_valid_openapi(client):
    body = _json(client, "/api/v1/openapi.json")
    validate_openapi(json.loads(json.dumps(body, default=str)))
    assert set(body["paths"]) == {
        "/api/v1/plans",
        "/api/v1/plans/{jurisdiction}/{year}/targets",
        "/api/v1/plans/{jurisdiction}/{year}/results",
    }


@pytest.mark.parametrize(
    ("url", "schema"), [("/api/v1/plans", "Plan"), (TARGETS, "Target"), (RESULTS, "Result")]
)
def test_real_responses_match_the_documented_schemas(client, gangmen, url, schema):
    make_record(Target.objects.get(code="M1"), datetime.date(2022, 3, 31), growth_pct=D("6.8"))
    body = json.loads(client.get(url).content)
    errors = [error.message for error in _validator(schema).iter_errors(body)]
    assert not errors, errors
    assert body["count"] > 0


def test_status_labels_follow_the_language(client, plan):
    make_target(plan)
    url = "/api/v1/plans/testtown/2022/targets"
    assert _json(client, url)["items"][0]["status_label"] == "暂无数据"
    client.cookies["django_language"] = "en"
    assert _json(client, url)["items"][0]["status_label"] == "No data"


def test_api_follows_the_accept_language_header(client, plan):
    make_target(plan)
    response = client.get("/api/v1/plans/testtown/2022/targets", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["items"][0]["status_label"] == "No data"


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("/api/v1/plans/nowhere/2022/targets", 404, "没有这个年度计划或接口地址。"),
        ("/api/v1/nothing-here", 404, "没有这个年度计划或接口地址。"),
        (TARGETS + "?format=xlsx", 400, "format 只能是 json 或 csv。"),
        (TARGETS + "?on=2022-13-01", 400, "参数 on 应为 YYYY-MM-DD 格式的日期"),
    ],
)
def test_errors_are_json_and_readable_from_any_origin(client, gangmen, url, code, message):
    response = client.get(url)
    assert response.status_code == code
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["error"]["status"] == code and body["error"]["message"].startswith(message)


@pytest.mark.parametrize("url", ["/api/v1/plans", TARGETS, RESULTS, "/api/v1/openapi.json"])
def test_open_data_may_be_read_from_any_origin(client, gangmen, url):
    for _ in range(2):  # fresh, then from the cache
        response = client.get(url)
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"


def test_the_api_is_read_only(gangmen):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(TARGETS, {})
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert response.json()["error"]["message"] == "开放数据接口只读，只接受 GET 请求。"


def test_the_open_data_document_describes_the_date_and_the_errors(client):
    body = _json(client, "/api/v1/openapi.json")
    parameters = body["paths"]["/api/v1/plans/{jurisdiction}/{year}/targets"]["get"]["parameters"]
    assert "on" in [parameter["name"] for parameter in parameters]
    errors = body["paths"]["/api/v1/plans"]["get"]["responses"]["404"]["content"]
    assert "error" in errors["application/json"]["schema"]["properties"]


# The words of the open data, written out: renaming one breaks every reader of the API.
PUBLISHED_WORDS = [
    ("Target", "status", {"achieved", "on_track", "at_risk", "behind", "not_started",
                          "overdue", "year_end_missing", "no_data"}),
    ("Target", "kind", {"growth", "amount", "level", "quota", "milestone"}),
    ("Target", "direction", {"increase", "decrease"}),
    ("Result", "qualifier", {"", "about", "more"}),
]  # fmt: skip


@pytest.mark.parametrize(("schema", "field", "words"), PUBLISHED_WORDS)
def test_the_document_publishes_the_words_the_api_serves(client, gangmen, schema, field, words):
    body = _json(client, "/api/v1/openapi.json")
    enum = body["components"]["schemas"][schema]["properties"][field]["enum"]
    assert set(enum) == words, f"{schema}.{field}"
    served = {
        item[field] for item in _json(client, TARGETS if schema == "Target" else RESULTS)["items"]
    }
    assert served <= words, f"{schema}.{field} serves {served - words}"
