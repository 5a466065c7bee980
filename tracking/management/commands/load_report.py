"""Load a work report (targets and previous-year results) from a TOML file such as
fixtures/gangmen_2022.toml. Running it again with the same file changes nothing."""

import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracking.models import (
    Jurisdiction,
    Milestone,
    Plan,
    PreviousYearResult,
    Target,
    TaskArea,
)

# Stages given to a qualitative task when the report names none. They are the tracker's own
# convention, not the report's, so they carry no source text and the pages say so.
DEFAULT_STAGES = [
    {"name": "制定工作方案", "name_en": "Draw up the work plan"},
    {"name": "组织实施", "name_en": "Carry it out"},
    {"name": "完成并总结", "name_en": "Complete and review"},
]

DECIMAL_FIELDS = ("baseline_value", "target_value", "target_growth_pct", "value", "growth_pct")


class Command(BaseCommand):
    help = "从TOML文件载入一份政府工作报告的目标任务和上年成果（可重复执行）。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="报告数据文件，如 fixtures/gangmen_2022.toml")

    def handle(self, *args, path, **options):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise CommandError(f"无法读取 {path}：{error}") from error
        try:
            with transaction.atomic():
                plan, counts = load(data)
        except (ValidationError, KeyError, InvalidOperation) as error:
            raise CommandError(f"{path} 数据有误，未写入任何内容：{error!r}") from error
        if options["verbosity"]:
            self.stdout.write(
                f"已载入 {plan}：{counts['areas']} 个任务领域，{counts['targets']} 项目标任务，"
                f"{counts['results']} 项上年成果。"
            )


def load(data):
    """Create or update everything in ``data``; the caller holds the transaction."""
    jurisdiction = _jurisdiction(data["jurisdiction"])
    plan_data = data["plan"]
    # English names of the units of measure and of the report's sections, once each.
    english = data.get("english", {})
    units_en, sections_en = english.get("units", {}), english.get("sections", {})
    plan = _upsert(
        Plan,
        {"jurisdiction": jurisdiction, "year": plan_data["year"]},
        {
            **{key: plan_data[key] for key in ("title", "report_date", "source")},
            "title_en": plan_data.get("title_en", ""),
            "source_en": plan_data.get("source_en", ""),
        },
    )
    areas = {
        row["position"]: _upsert(
            TaskArea,
            {"plan": plan, "position": row["position"]},
            {
                "numeral": row["numeral"],
                "title": row["title"],
                "title_en": row.get("title_en", ""),
            },
        )
        for row in data["areas"]
    }
    for position, row in enumerate(data["targets"], start=1):
        _target(plan, areas[row["area"]], position, row, units_en)
    for position, row in enumerate(data["results"], start=1):
        unit = row.get("measure_unit", "")
        _upsert(
            PreviousYearResult,
            {"plan": plan, "position": position},
            {
                "section": row["section"],
                "section_en": sections_en.get(row["section"], ""),
                "name": row["name"],
                "name_en": row.get("name_en", ""),
                "measure_unit": unit,
                "measure_unit_en": row.get("measure_unit_en") or units_en.get(unit, ""),
                "qualifier": row.get("qualifier", ""),
                "source_text": row["source_text"],
                "growth_pct": None,
                **_decimals(row),
            },
        )
    return plan, {
        "areas": len(areas),
        "targets": len(data["targets"]),
        "results": len(data["results"]),
    }


def _upsert(model, lookup, fields):
    """Create the row, or update it only where the file differs, so that loading the same file
    again writes nothing: no version bump, no history entry."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    changed = [name for name, value in fields.items() if getattr(instance, name, None) != value]
    if instance._state.adding or changed:
        for name in changed:
            setattr(instance, name, fields[name])
        instance.full_clean()
        instance.save()
    return instance


def _jurisdiction(row):
    parent = None
    if row.get("parent_slug"):
        parent = _upsert(
            Jurisdiction,
            {"slug": row["parent_slug"]},
            {"name": row["parent_name"], "level": Jurisdiction.Level.COUNTY},
        )
    return _upsert(
        Jurisdiction,
        {"slug": row["slug"]},
        {"name": row["name"], "level": row["level"], "parent": parent},
    )


def _decimals(row):
    return {key: Decimal(str(row[key])) for key in DECIMAL_FIELDS if key in row}


def _target(plan, area, position, row, units_en):
    unit = row.get("measure_unit", "")
    fields = {
        "area": area,
        "position": position,
        "name": row["name"],
        "name_en": row.get("name_en", ""),
        "kind": row["kind"],
        "direction": row.get("direction", Target.Direction.INCREASE),
        "measure_unit": unit,
        "measure_unit_en": row.get("measure_unit_en") or units_en.get(unit, ""),
        "baseline_value": None,
        "baseline_year": plan.review_year if "baseline_value" in row else None,
        "target_value": None,
        "target_growth_pct": None,
        "quota_period": row.get("quota_period", ""),
        "source_text": row["source_text"],
        "report_conflict": row.get("report_conflict", ""),
        "report_conflict_en": row.get("report_conflict_en", ""),
        **_decimals(row),
    }
    target = _upsert(Target, {"plan": plan, "code": row["code"]}, fields)
    if target.kind == Target.Kind.MILESTONE:
        stages = row.get("milestones") or DEFAULT_STAGES
        for number, stage in enumerate(stages, start=1):
            _upsert(
                Milestone,
                {"target": target, "position": number},
                {
                    "name": stage["name"],
                    "name_en": stage.get("name_en", ""),
                    "source_text": stage.get("source_text", ""),
                },
            )
