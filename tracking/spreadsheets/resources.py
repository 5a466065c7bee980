"""Spreadsheet import and export of targets, progress records and previous-year results.

Export uses django-import-export's fields (Chinese column headers). Import does not go through
the library's row-by-row machinery: ``SpreadsheetResource.import_data`` reads the whole file
(tracking/spreadsheets/__init__.py), parses each cell (tracking/spreadsheets/cells.py), matches
rows against everything preloaded for the plan, validates with the models' own ``clean()``, and
— only if every row is valid and the import is confirmed — writes all rows in one transaction
with bulk queries. It returns the library's ``Result`` so the admin's preview and confirm pages
work, with what each row will write (figure as typed, conversion, rounding, old → new).

A column the file does not have leaves the stored field as it is: only a present, empty cell
clears a field. Column headers are fixed Chinese strings (with the synonyms clerks use),
deliberately not translated: a file format that statistics offices exchange must not change
with the interface language.
"""

import datetime
from collections import defaultdict, namedtuple
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.results import Error, Result, RowResult
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tracking import spreadsheets
from tracking.models import (
    ImportRun,
    Milestone,
    PreviousYearResult,
    ProgressRecord,
    ReviewEvent,
    Target,
    TargetAssessment,
    Unit,
    VersionedModel,
)
from tracking.public import cache as public_cache
from tracking.rules import access, units
from tracking.spreadsheets import cells

BATCH_SIZE = 1000
WHOLE_ROW = _("整行")

# What one imported column writes into one row's record, as the preview shows it.
FieldPreview = namedtuple("FieldPreview", "column typed stored old note")


def _messages_of(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _key(text):
    """Names compared as people type them: full-width folded, spaces and invisible ones ignored."""
    return cells.fold(text).replace(" ", "")


def _shown(value, empty=None):
    """A cell as the clerk typed it, for the preview and the messages."""
    if value is None or value == "":
        return empty or _("（空）")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()  # a date cell, as the spreadsheet shows it
    return str(value)


class Phrases(dict):
    """The preview's recurring words, translated once per import rather than once per row
    (a 10,000-row file would otherwise spend a second in gettext)."""

    def __init__(self):
        super().__init__(empty=_("（空）"))

    def get_or_make(self, key, make):
        if key not in self:
            self[key] = make()
        return self[key]


class ImportResult(Result):
    """The library's Result, plus what our preview shows: the sheet and header read, the
    columns imported and ignored, the rows skipped, and every problem as one line."""

    def __init__(self):
        super().__init__()
        self.sheet_name = ""
        self.sheet_unit = ""
        self.header_numbers = ()
        self.imported_columns = []
        self.ignored_columns = []
        self.skipped_rows = []
        self.row_messages = []

    def messages(self):
        """Every problem as one line naming the row, the column and the reason."""
        lines = [str(error.error) for error in self.base_errors]
        return lines + self.row_messages

    @property
    def header_rows(self):
        return "–".join(str(n) for n in self.header_numbers)


class Row:
    """One data row being read: its cells by column, and the problems found so far."""

    def __init__(self, number, values, layout, phrases):
        self.number = number
        self.values = values
        self.layout = layout
        self.phrases = phrases
        self.errors = defaultdict(list)
        self.notes = {}

    def has(self, attr):
        return attr in self.layout

    def raw(self, attr):
        index = self.layout.get(attr, (None, None, ""))[0]
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def header(self, attr):
        return self.layout[attr][1] if attr in self.layout else attr

    def header_unit(self, attr):
        return self.layout[attr][2] if attr in self.layout else ""

    def read(self, attr, parse, *args):
        """The parsed cell, or None with the reason recorded under its column."""
        value = self.raw(attr)
        if isinstance(value, spreadsheets.Formula):
            self.error(
                attr,
                _("单元格是公式（%(formula)s），系统不计算公式，请先“粘贴为数值”再导入。")
                % {"formula": value},
            )
            return None
        try:
            return parse(value, *args)
        except ValueError as error:
            self.error(attr, str(error))
            return None

    def require(self, attr, parse, *args):
        value = self.read(attr, parse, *args)
        if value in (None, "") and not self.errors.get(self.header(attr)):
            self.error(attr, _("必须填写。"))
        return value

    def quantity(self, attr, field, unit, stated=""):
        """A figure read in ``unit`` (see cells.read_quantity) and fitted to the model field."""
        read = self.read(attr, cells.read_quantity, unit, stated)
        if read is None or read[0] is None:
            return None
        number, given_in = read
        converted = given_in != units.normalize(unit)
        if converted:
            self.notes[attr] = self.phrases.get_or_make(
                ("converted", given_in, unit),
                lambda: _("由%(given)s换算为%(unit)s") % {"given": given_in, "unit": unit},
            )
        return self._fit(attr, field, number, unit if converted else "")

    def percent(self, attr, field):
        number = self.read(attr, cells.parse_percent)
        return None if number is None else self._fit(attr, field, number, "")

    def _fit(self, attr, field, number, converted_to):
        """``number`` rounded to the places the field stores, or an error naming its limit.

        Converted figures (元 → 亿元) and float noise (0.30000000000000004) have more places
        than a figure keeps: they are rounded half up, and the preview says so.
        """
        places = field.decimal_places
        whole_digits = field.max_digits - places
        if abs(number) >= Decimal(10) ** whole_digits:
            facts = {
                "value": _shown(self.raw(attr)),
                "digits": whole_digits,
                "unit": converted_to,
                "number": f"{number:f}",
            }
            if converted_to:
                message = _(
                    "“%(value)s”换算为%(unit)s后是%(number)s，"
                    "超出该列可以记录的范围：整数部分最多%(digits)s位。"
                )
            else:
                message = _("“%(value)s”超出该列可以记录的范围：整数部分最多%(digits)s位。")
            self.error(attr, message % facts)
            return None
        rounded = units.tidy(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
        if rounded != number:
            rounding = _("四舍五入为%(number)s（保留%(places)s位小数）") % {
                "number": f"{rounded:f}",
                "places": places,
            }
            self.notes[attr] = "，".join(filter(None, [self.notes.get(attr), rounding]))
        return rounded

    def error(self, attr, message):
        self.errors[self.header(attr)].append(message)


class SpreadsheetResource(resources.ModelResource):
    """A resource whose import reads our spreadsheets (see the module docstring).

    Subclasses give ``import_columns`` (header label → attribute), ``compared_fields`` (model
    field → the attribute of the column that sets it: what decides unchanged or updated),
    ``preload()`` and ``build(row)``.
    """

    import_columns = {}
    # Other headers clerks write for the same columns (synonym → header in import_columns).
    column_synonyms = {}
    # Fields the file sets beyond compared_fields (the keys a row is matched by).
    checked_fields = ()
    # Columns every file needs, and columns a row needs to create a new record.
    required_columns = ()
    required_to_create = ()
    compared_fields = {}
    # DecimalFields read as quantities in a unit (the others hold percentages).
    quantity_fields = ()
    # Model field → attribute of import_columns, to put model validation errors in a column.
    field_columns = {}

    def __init__(self, plan=None, user=None, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self.user = user

    @classmethod
    def header_labels(cls):
        """Header label → attribute, the synonyms included. A header whose brackets are part
        of its name (基数（上年实际）) is known whole as well as by the label before them."""
        labels = {}
        for label, attr in [
            *cls.import_columns.items(),
            *(
                (synonym, cls.import_columns[label])
                for synonym, label in cls.column_synonyms.items()
            ),
        ]:
            labels.setdefault(cells.fold(cells.header_text(label)), attr)
            labels.setdefault(cells.split_header(label)[0], attr)
        return labels

    def match(self, header):
        """(attribute, unit written in the header) of a header, or (None, "")."""
        whole = cells.fold(cells.header_text(header))
        if whole in self._labels:
            return self._labels[whole], ""
        label, unit = cells.split_header(header)
        return self._labels.get(label), unit

    def known(self, header):
        return self.match(header)[0] is not None

    def layout(self, headers, titles=None):
        """attribute → (column index, header as written, unit given in the header).

        A header spelled as in import_columns wins over a synonym of it; headers not used
        are listed in ``self.ignored_columns``.
        """
        titles = titles or [cells.header_text(header) for header in headers]
        canonical = {cells.split_header(label)[0] for label in self.import_columns} | {
            cells.fold(cells.header_text(label)) for label in self.import_columns
        }
        found = {}
        ranked = sorted(
            enumerate(headers),
            key=lambda item: (
                cells.split_header(item[1])[0] not in canonical
                and cells.fold(cells.header_text(item[1])) not in canonical
            ),
        )
        for index, header in ranked:
            attr, unit = self.match(header)
            if attr is not None and attr not in found:
                found[attr] = (index, titles[index], unit)
        used = {index for index, _header, _unit in found.values()}
        self.ignored_columns = [
            title for index, title in enumerate(titles) if index not in used and title
        ]
        missing = [
            label
            for label, attr in self.import_columns.items()
            if attr in self.required_columns and attr not in found
        ]
        if missing:
            raise spreadsheets.SpreadsheetError(
                _("缺少必需的列：%(columns)s。请使用下载的模板。") % {"columns": "、".join(missing)}
            )
        return dict(sorted(found.items(), key=lambda item: item[1][0]))

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        result = ImportResult()
        self._labels = self.header_labels()
        self.phrases = Phrases()
        try:
            table = spreadsheets.locate_table(dataset, self.known)
            layout = self.layout(table.headers, table.titles)
        except spreadsheets.SpreadsheetError as error:
            result.append_base_error(Error(error))
            return result
        # A unit stated above the table: the unit of figures whose cell, row and header
        # name none.
        self.sheet_unit = result.sheet_unit = table.sheet_unit
        result.sheet_name = table.sheet_name
        result.header_numbers = table.header_numbers
        result.ignored_columns = self.ignored_columns
        result.skipped_rows = table.skipped
        # Only the fields whose column is in the file are compared, written and shown.
        self.imported_fields = [f for f, attr in self.compared_fields.items() if attr in layout]
        model_fields = self._meta.model._meta
        self._preview_columns = [
            (model_fields.get_field(name), attr, layout[attr][1])
            for name, attr in self.compared_fields.items()
            if name in self.imported_fields
        ]
        result.imported_columns = [header for _index, header, _unit in layout.values()]
        result.diff_headers = result.imported_columns
        self.preload()
        # clean_fields() checks only what the file sets; foreign keys are resolved already.
        read = {f.removesuffix("_id") for f in self.compared_fields} | set(self.checked_fields)
        self._not_read = [
            f.name for f in self._meta.model._meta.fields if f.is_relation or f.name not in read
        ]
        creates, updates = [], []
        for number, values in table.rows:
            row = Row(number, values, layout, self.phrases)
            instance, original = self.build(row)
            if original is not None and instance is not None:
                self._keep_absent(instance, original)
            elif instance is not None:
                self._check_columns_to_create(row)
            if instance is not None and not row.errors:
                self._validate(instance, row)
            if row.errors:
                self._add_invalid_row(result, row)
                continue
            row_result = RowResult()
            row_result.number = number
            # Only the preview shows what each row writes; the confirmed import saves the work.
            row_result.fields = self._preview(row, instance, original) if dry_run else []
            if original is None:
                row_result.import_type = RowResult.IMPORT_TYPE_NEW
                creates.append(instance)
            elif self._unchanged(original, instance):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
                instance = original
            else:
                row_result.import_type = RowResult.IMPORT_TYPE_UPDATE
                self.apply_update(original, instance)
                instance = original
                updates.append(instance)
            row_result.instance = instance
            row_result.object_repr = str(instance)
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
        result.total_rows = len(table.rows)
        if dry_run or result.has_validation_errors():
            return result
        try:
            with transaction.atomic():
                self.write(creates, updates)
                self.record_run(result, kwargs.get("file_name") or "", kwargs.get("user"))
                # Bulk writes send no save signals: the public pages' cache is told here.
                public_cache.data_changed()
        except (ValidationError, PermissionDenied) as error:
            # The transition check refused a row that changed after it was read.
            result.append_base_error(Error(ValueError(" ".join(_messages_of(error)))))
        except IntegrityError as error:
            result.append_base_error(
                Error(
                    ValueError(
                        _("数据库拒绝写入（%(reason)s），未导入任何数据。") % {"reason": error}
                    )
                )
            )
        for row_result in result.rows:
            row_result.add_instance_info(row_result.instance)
        return result

    def _keep_absent(self, instance, original):
        """A column the file does not have: the row keeps the stored value (never erased)."""
        model_fields = self._meta.model._meta
        for name in self.compared_fields:
            if name in self.imported_fields:
                continue
            field = model_fields.get_field(name)
            if field.is_relation and field.is_cached(original):
                setattr(instance, field.name, field.get_cached_value(original))
            else:
                setattr(instance, field.attname, getattr(original, field.attname))

    def _check_columns_to_create(self, row):
        if not self.required_to_create:
            return
        missing = [
            label
            for label, attr in self.import_columns.items()
            if attr in self.required_to_create and not row.has(attr)
        ]
        if missing:
            row.errors[WHOLE_ROW].append(
                _("这是新增的记录，需要文件中有“%(columns)s”列。")
                % {"columns": "”、“".join(missing)}
            )

    def _validate(self, instance, row):
        """The model's own rules: field checks (foreign keys are resolved already) and clean().

        A rule broken by a figure in the file names the figure as typed.
        """
        for check in (lambda: instance.clean_fields(exclude=self._not_read), instance.clean):
            try:
                check()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    attr = self.field_columns.get(field, field)
                    header = row.header(attr) if attr in row.layout else WHOLE_ROW
                    if field == NON_FIELD_ERRORS:
                        header = WHOLE_ROW
                    typed = row.raw(attr) if header != WHOLE_ROW else None
                    if typed not in (None, "") and not cells.is_placeholder(typed):
                        messages = [
                            _("%(message)s（填写的是“%(value)s”）。")
                            % {"message": message.rstrip("。"), "value": _shown(typed)}
                            for message in messages
                        ]
                    elif header == WHOLE_ROW and field != NON_FIELD_ERRORS:
                        # A field whose column the file lacks: name it, or the message
                        # ("此字段不能为空。") would not say which.
                        name = (
                            self._column_label(attr) or instance._meta.get_field(field).verbose_name
                        )
                        messages = [
                            _("“%(field)s”：%(message)s") % {"field": name, "message": message}
                            for message in messages
                        ]
                    row.errors[header].extend(messages)

    def _column_label(self, attr):
        return next((label for label, a in self.import_columns.items() if a == attr), "")

    def _preview(self, row, instance, original):
        """What the row writes, column by column: as typed, as stored, and the stored value
        it replaces (None for a new record)."""
        empty = self.phrases["empty"]
        return [
            FieldPreview(
                header,
                _shown(row.raw(attr), empty),
                self._display(instance, field),
                self._display(original, field) if original is not None else None,
                row.notes.get(attr, ""),
            )
            for field, attr, header in self._preview_columns
        ]

    def _display(self, instance, field):
        name = field.attname
        if field.is_relation:
            value = getattr(instance, field.name)
            return str(value) if value is not None else self.phrases["empty"]
        value = getattr(instance, name)
        if value is None or value == "":
            return self.phrases["empty"]
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, Decimal):
            unit = "%" if name.endswith("_pct") else ""
            if name in self.quantity_fields:
                unit = self.unit_of(instance)
            return f"{units.tidy(value):f}{unit}"
        return str(value)

    def unit_of(self, instance):
        return instance.measure_unit

    def _add_invalid_row(self, result, row):
        values = {
            header: row.values[i] if i < len(row.values) else None
            for i, header, _unit in row.layout.values()
        }
        result.append_invalid_row(row.number, values, ValidationError(dict(row.errors)))
        for header, messages in row.errors.items():
            for message in messages:
                result.row_messages.append(
                    _("第%(row)s行，“%(column)s”列：%(message)s")
                    % {"row": row.number, "column": header, "message": message}
                    if header != WHOLE_ROW
                    else _("第%(row)s行：%(message)s") % {"row": row.number, "message": message}
                )

    def _unchanged(self, original, instance):
        return all(getattr(original, f) == getattr(instance, f) for f in self.imported_fields)

    def apply_update(self, original, instance):
        for name in self.imported_fields:
            setattr(original, name, getattr(instance, name))

    def write(self, creates, updates):
        model = self._meta.model
        update_fields = [f.removesuffix("_id") for f in self.write_fields()]
        if issubclass(model, VersionedModel):
            # An edit form opened before the import now holds a stale version and is refused.
            for instance in updates:
                instance.version += 1
            update_fields.append("version")
        # Bulk writes that still leave one history row per record (who, when, what).
        created = bulk_create_with_history(
            creates, model, batch_size=BATCH_SIZE, default_user=self.user
        )
        if updates:
            bulk_update_with_history(
                updates, model, update_fields, batch_size=BATCH_SIZE, default_user=self.user
            )
        return created

    def write_fields(self):
        return list(self.imported_fields)

    def record_run(self, result, file_name, user):
        totals = result.totals
        ImportRun.objects.create(
            imported_by=user or self.user,
            content_type=ContentType.objects.get_for_model(self._meta.model),
            plan=self.plan,
            file_name=file_name[:255],
            new_rows=totals[RowResult.IMPORT_TYPE_NEW],
            updated_rows=totals[RowResult.IMPORT_TYPE_UPDATE],
            unchanged_rows=totals[RowResult.IMPORT_TYPE_SKIP],
            skipped_rows=len(result.skipped_rows),
        )

    # Helpers the subclasses share.

    def find_target(self, row):
        """The plan's target named by the row's code, or by its area and name."""
        code = _key(cells.parse_text(row.raw("code")))
        name = _key(cells.parse_text(row.raw("name")))
        area = _key(cells.parse_text(row.raw("area")))
        if code:
            target = self.targets_by_code.get(code)
            if target is None:
                row.error("code", _("本计划中没有编号为“%(code)s”的目标任务。") % {"code": code})
            elif name and _key(target.name) != name:
                row.error(
                    "name",
                    _("编号“%(code)s”对应的目标是“%(target)s”，与本行的目标名称不一致。")
                    % {"code": code, "target": target.name},
                )
                return None
            return target
        if not name:
            row.error("code", _("请填写目标编号，或者任务领域和目标名称。"))
            return None
        candidates = self.targets_by_name.get(name, [])
        if area:
            candidates = [t for t in candidates if area in self.area_keys(t.area)]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            row.error("name", _("本计划中没有名为“%(name)s”的目标任务。") % {"name": name})
        else:
            row.error(
                "area",
                _("有多个名为“%(name)s”的目标任务，请填写任务领域或目标编号。") % {"name": name},
            )
        return None

    def target_scope(self):
        """The targets this user's rows may touch: others are "unknown" to the import."""
        return access.changeable_targets(self.user) if self.user else Q()

    def load_targets(self):
        scoped = Target.objects.for_plan(self.plan).filter(self.target_scope())
        targets = list(scoped.select_related("area", "responsible_unit"))
        for target in targets:
            target.plan = self.plan  # clean() reads target.plan: no query per row
        self.targets_by_code = {_key(t.code): t for t in targets}
        self.targets_by_name = defaultdict(list)
        for target in targets:
            self.targets_by_name[_key(target.name)].append(target)
        return targets

    @staticmethod
    def area_keys(area):
        return {_key(area.title), _key(str(area)), _key(area.numeral)} - {""}

    def find_area(self, row):
        written = cells.parse_text(row.raw("area"))
        wanted = _key(written)
        if not wanted:
            row.error("area", _("必须填写。"))
            return None
        for area in self.areas:
            if wanted in self.area_keys(area):
                return area
        row.error(
            "area",
            _("本计划中没有任务领域“%(area)s”，可选：%(choices)s。")
            % {"area": written, "choices": "、".join(str(a) for a in self.areas)},
        )
        return None


def _position(value):
    number = cells.parse_number(value)
    if number is None:
        return None
    if number != number.to_integral() or number < 0:
        raise ValueError(_("“%(value)s”不是非负整数。") % {"value": value})
    return int(number)


class ProgressRecordResource(SpreadsheetResource):
    """Progress of a plan's targets; imported rows enter review as 已报送待审核 (submitted),
    through the same transition check as the phone form (ReviewEvent.prepare), in bulk.

    A row updates the record of the same target and date only if it is the importer's own draft
    or a returned record (may_update). A published or withdrawn figure stays as it is, and the
    row becomes a new submitted record beside it; a row that would rewrite a record waiting for
    review or someone else's draft is refused with the reason.
    """

    code = fields.Field("target__code", "目标编号")
    area = fields.Field("target__area", "任务领域")
    name = fields.Field("target__name", "目标名称")
    as_of = fields.Field("as_of", "截至日期", widgets.DateWidget("%Y-%m-%d"))
    value = fields.Field("value", "累计实际值", widgets.DecimalWidget())
    measure_unit = fields.Field("target__measure_unit", "计量单位")
    growth_pct = fields.Field("growth_pct", "累计增速（%）", widgets.DecimalWidget())
    milestone = fields.Field("milestone", "已完成阶段")
    note = fields.Field("note", "情况说明")
    shortfall_reason = fields.Field("shortfall_reason", "未达进度原因")
    state = fields.Field("state", "审核状态", readonly=True)
    entered_by = fields.Field("entered_by__username", "填报人", readonly=True)

    import_columns = {
        "目标编号": "code",
        "任务领域": "area",
        "目标名称": "name",
        "截至日期": "as_of",
        "累计实际值": "value",
        "计量单位": "measure_unit",
        "累计增速（%）": "growth_pct",
        "已完成阶段": "milestone",
        "情况说明": "note",
        "未达进度原因": "shortfall_reason",
    }
    column_synonyms = {
        "编号": "目标编号",
        "指标编号": "目标编号",
        "领域": "任务领域",
        "任务类别": "任务领域",
        "目标任务": "目标名称",
        "任务名称": "目标名称",
        "指标名称": "目标名称",
        "截止日期": "截至日期",
        "截至时间": "截至日期",
        "截止时间": "截至日期",
        "统计截至日期": "截至日期",
        "统计日期": "截至日期",
        "日期": "截至日期",
        "月份": "截至日期",
        "实际值": "累计实际值",
        "累计完成": "累计实际值",
        "累计完成值": "累计实际值",
        "累计完成数": "累计实际值",
        "完成值": "累计实际值",
        "实际完成": "累计实际值",
        "单位": "计量单位",
        "增速": "累计增速（%）",
        "累计增长": "累计增速（%）",
        "同比增长": "累计增速（%）",
        "完成阶段": "已完成阶段",
        "进展阶段": "已完成阶段",
        "进展情况": "情况说明",
        "工作进展": "情况说明",
        "说明": "情况说明",
        "备注": "情况说明",
        "未达原因": "未达进度原因",
        "滞后原因": "未达进度原因",
        "未完成原因": "未达进度原因",
    }
    required_columns = ("as_of",)
    checked_fields = ("as_of",)
    compared_fields = {
        "value": "value",
        "growth_pct": "growth_pct",
        "milestone_id": "milestone",
        "note": "note",
        "shortfall_reason": "shortfall_reason",
    }
    quantity_fields = ("value",)
    field_columns = {"target": "code"}

    class Meta:
        model = ProgressRecord
        fields = (
            "code", "area", "name", "as_of", "value", "measure_unit", "growth_pct",
            "milestone", "note", "shortfall_reason", "state", "entered_by",
        )  # fmt: skip
        export_order = fields

    def target_scope(self):
        return access.reportable_targets(self.user) if self.user else Q()

    def layout(self, headers, titles=None):
        found = super().layout(headers, titles)
        if "code" not in found and "name" not in found:
            raise spreadsheets.SpreadsheetError(
                _("缺少必需的列：目标编号（或目标名称）。请使用下载的模板。")
            )
        return found

    def unit_of(self, record):
        return record.target.measure_unit

    def dehydrate_area(self, record):
        return str(record.target.area)

    def dehydrate_milestone(self, record):
        return str(record.milestone) if record.milestone_id else ""

    def dehydrate_state(self, record):
        return record.get_state_display()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("target__area", "milestone", "entered_by")

    def preload(self):
        targets = self.load_targets()
        self.stages = defaultdict(list)
        stages = Milestone.objects.filter(target__in=[t.pk for t in targets]).order_by("position")
        for stage in stages:
            self.stages[stage.target_id].append(stage)
        self.existing = {}
        # Every record of a target and date: an export holding a correction beside the
        # published figure has a row for each, and each row is unchanged against its own.
        self.existing_all = defaultdict(list)
        # The preview names each record's stage: fetched with it, not one query per row.
        records = (
            ProgressRecord.objects.filter(target__plan=self.plan)
            .select_related("milestone")
            .order_by("pk")
        )
        by_pk = {target.pk: target for target in targets}
        for record in records:
            if record.target_id in by_pk:
                # The preview names each record by its target: no query per row.
                record.target = by_pk[record.target_id]
            self.existing[(record.target_id, record.as_of)] = record
            self.existing_all[(record.target_id, record.as_of)].append(record)
        self.rows_by_key = {}

    def build(self, row):
        target = self.find_target(row)
        as_of = row.require("as_of", cells.parse_date)
        if target is None:
            return None, None
        row_unit = cells.fold(row.raw("measure_unit")).replace(" ", "")
        stated = row.header_unit("value")
        if row_unit and stated and row_unit != stated:
            row.error(
                "measure_unit",
                _("本行计量单位“%(row)s”与列标题中的单位“%(header)s”不一致。")
                % {"row": row_unit, "header": stated},
            )
            return None, None
        record = ProgressRecord(
            target=target,
            as_of=as_of,
            value=row.quantity(
                "value",
                self._value_field,
                target.measure_unit,
                row_unit or stated or self.sheet_unit,
            ),
            growth_pct=row.percent("growth_pct", self._growth_field),
            milestone=row.read("milestone", self._stage, target),
            note=row.read("note", cells.parse_text) or "",
            shortfall_reason=row.read("shortfall_reason", cells.parse_text) or "",
            # A draft until write() submits it with every other row.
            state=ProgressRecord.State.DRAFT,
            entered_by=self.user,
            changed_by=self.user,
        )
        key = (target.pk, as_of)
        # A row equal to a stored record of its target and date (the published figure, or
        # the correction beside it) is that record, unchanged.
        same = next((r for r in self.existing_all.get(key, ()) if self._unchanged(r, record)), None)
        if same is not None:
            return record, same
        if as_of is not None:
            if key in self.rows_by_key:
                row.error(
                    "as_of",
                    _("与第%(row)s行的目标和截至日期相同，同一日期只能有一行。")
                    % {"row": self.rows_by_key[key]},
                )
            self.rows_by_key[key] = row.number
        original = self.existing.get(key)
        if original is None or self._unchanged(original, record):
            return record, original
        return record, self.may_update(row, original)

    def may_update(self, row, original):
        """The record this row may rewrite: None for a new record beside it; a refusal (row
        error) for a record waiting for review or someone else's draft."""
        State = ProgressRecord.State
        if original.state in (State.PUBLISHED, State.WITHDRAWN):
            return None
        if original.state == State.SUBMITTED:
            row.error(
                "as_of",
                _(
                    "该目标截至%(as_of)s的记录已报送、正在等待审核，导入不能改写它。"
                    "请先由审核领导审核通过或退回，再导入更正。"
                )
                % {"as_of": original.as_of.isoformat()},
            )
        elif original.entered_by_id not in (None, self.user.pk if self.user else None):
            row.error(
                "as_of",
                _(
                    "该目标截至%(as_of)s的记录是%(owner)s的草稿，导入不能改写他人的草稿。"
                    "请%(owner)s本人提交或删除后再导入。"
                )
                % {"as_of": original.as_of.isoformat(), "owner": original.entered_by},
            )
        return original

    _value_field = ProgressRecord._meta.get_field("value")
    _growth_field = ProgressRecord._meta.get_field("growth_pct")

    def _stage(self, value, target):
        text = cells.parse_text(value)
        if not text or cells.is_placeholder(text):
            return None
        stages = self.stages.get(target.pk, [])
        head = cells.fold(text).split(".")[0].strip()
        for stage in stages:
            if _key(text) in (_key(stage.name), _key(str(stage))) or head == str(stage.position):
                return stage
        raise ValueError(
            _("目标“%(code)s”没有阶段“%(stage)s”，可选：%(choices)s。")
            % {
                "code": target.code,
                "stage": text,
                "choices": "、".join(str(s) for s in stages) or _("（未设置阶段）"),
            }
        )

    def apply_update(self, original, instance):
        super().apply_update(original, instance)
        original.milestone = instance.milestone
        original.changed_by = self.user
        original.updated_at = timezone.now()  # bulk_update does not touch auto_now fields

    def write_fields(self):
        return [*self.imported_fields, "state", "changed_by_id", "updated_at"]

    def write(self, creates, updates):
        """Every written row is submitted by the transition rule of the phone form, checked for
        all rows at once; the review trail says so."""
        events = ReviewEvent.prepare(
            [*creates, *updates], self.user, ReviewEvent.Action.SUBMIT, _("表格导入")
        )
        created = super().write(creates, updates)
        ReviewEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        return created


class TargetResource(SpreadsheetResource):
    """The targets of a plan: the set-up of next year's plan from a workbook. May create targets."""

    code = fields.Field("code", "编号")
    area = fields.Field("area", "任务领域")
    position = fields.Field("position", "顺序")
    name = fields.Field("name", "目标名称")
    kind = fields.Field("kind", "类型")
    direction = fields.Field("direction", "方向")
    measure_unit = fields.Field("measure_unit", "计量单位")
    baseline_year = fields.Field("baseline_year", "基数年份")
    baseline_value = fields.Field("baseline_value", "基数（上年实际）", widgets.DecimalWidget())
    target_value = fields.Field("target_value", "目标值", widgets.DecimalWidget())
    target_growth_pct = fields.Field("target_growth_pct", "目标增速（%）", widgets.DecimalWidget())
    quota_period = fields.Field("quota_period", "定额周期")
    starts_on = fields.Field("starts_on", "起始日期", widgets.DateWidget("%Y-%m-%d"))
    deadline = fields.Field("deadline", "完成期限", widgets.DateWidget("%Y-%m-%d"))
    responsible_unit = fields.Field("responsible_unit__name", "责任单位")
    source_text = fields.Field("source_text", "报告原文")
    report_conflict = fields.Field("report_conflict", "报告内部矛盾")

    import_columns = {
        "编号": "code",
        "任务领域": "area",
        "顺序": "position",
        "目标名称": "name",
        "类型": "kind",
        "方向": "direction",
        "计量单位": "measure_unit",
        "基数年份": "baseline_year",
        "基数（上年实际）": "baseline_value",
        "目标值": "target_value",
        "目标增速（%）": "target_growth_pct",
        "定额周期": "quota_period",
        "起始日期": "starts_on",
        "完成期限": "deadline",
        "责任单位": "responsible_unit",
        "报告原文": "source_text",
        "报告内部矛盾": "report_conflict",
    }
    column_synonyms = {
        "目标编号": "编号",
        "指标编号": "编号",
        "领域": "任务领域",
        "任务类别": "任务领域",
        "序号": "顺序",
        "排序": "顺序",
        "目标任务": "目标名称",
        "任务名称": "目标名称",
        "指标名称": "目标名称",
        "目标类型": "类型",
        "单位": "计量单位",
        "上年实际": "基数（上年实际）",
        "上年基数": "基数（上年实际）",
        "目标": "目标值",
        "年度目标": "目标值",
        "开始日期": "起始日期",
        "完成时限": "完成期限",
        "截止日期": "完成期限",
        "牵头单位": "责任单位",
        "责任部门": "责任单位",
        "原文": "报告原文",
    }
    # Updating a target needs only its code; creating one needs what every target has
    # (its source text included: the model requires it).
    required_columns = ("code",)
    required_to_create = ("area", "name", "kind", "source_text")
    checked_fields = ("code",)
    compared_fields = {
        "area_id": "area",
        "position": "position",
        "name": "name",
        "kind": "kind",
        "direction": "direction",
        "measure_unit": "measure_unit",
        "baseline_year": "baseline_year",
        "baseline_value": "baseline_value",
        "target_value": "target_value",
        "target_growth_pct": "target_growth_pct",
        "quota_period": "quota_period",
        "starts_on": "starts_on",
        "deadline": "deadline",
        "responsible_unit_id": "responsible_unit",
        "source_text": "source_text",
        "report_conflict": "report_conflict",
    }
    quantity_fields = ("baseline_value", "target_value")

    class Meta:
        model = Target
        fields = (
            "code", "area", "position", "name", "kind", "direction", "measure_unit",
            "baseline_year", "baseline_value", "target_value", "target_growth_pct",
            "quota_period", "starts_on", "deadline", "responsible_unit", "source_text",
            "report_conflict",
        )  # fmt: skip
        export_order = fields

    def write(self, creates, updates):
        """Bulk writes send no signals: the written targets' stored assessments are recomputed
        here, in the import's transaction (a changed goal or deadline changes the status)."""
        created = super().write(creates, updates)
        TargetAssessment.objects.refresh(
            Target.objects.filter(pk__in=[t.pk for t in [*created, *updates]])
        )
        return created

    def dehydrate_area(self, target):
        return str(target.area)

    def dehydrate_kind(self, target):
        return target.get_kind_display()

    def dehydrate_direction(self, target):
        return target.get_direction_display()

    def dehydrate_quota_period(self, target):
        return target.get_quota_period_display()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("area", "responsible_unit")

    def preload(self):
        self.load_targets()
        self.areas = list(self.plan.areas.all())
        self.units = {
            _key(u.name): u for u in Unit.objects.filter(jurisdiction=self.plan.jurisdiction)
        }
        self.rows_by_code = {}

    def build(self, row):
        code = cells.fold(row.require("code", cells.parse_text)).replace(" ", "")
        original = self.targets_by_code.get(_key(code))
        # Columns the file lacks are the stored target's (see _keep_absent); for a new
        # target _check_columns_to_create names them.
        area = self.find_area(row) if row.has("area") else getattr(original, "area", None)
        if row.has("measure_unit"):
            unit = cells.fold(row.read("measure_unit", cells.parse_text)).replace(" ", "")
        else:
            unit = original.measure_unit if original else ""
        # The row's 计量单位 is the unit its figures are in; "单位：万元" above the table only
        # speaks for a file without that column.
        sheet_unit = "" if row.has("measure_unit") else self.sheet_unit
        field = Target._meta.get_field
        target = Target(
            plan=self.plan,
            area=area,
            code=code,
            position=row.read("position", _position) or 0,
            name=row.require("name", cells.parse_text) if row.has("name") else "",
            kind=row.require("kind", cells.parse_choice, Target.Kind.choices)
            if row.has("kind")
            else "",
            direction=row.read("direction", self._choice_or_default, Target.Direction)
            or Target.Direction.INCREASE,
            measure_unit=unit,
            baseline_year=row.read("baseline_year", _position),
            baseline_value=row.quantity(
                "baseline_value",
                field("baseline_value"),
                unit,
                row.header_unit("baseline_value") or sheet_unit,
            ),
            target_value=row.quantity(
                "target_value",
                field("target_value"),
                unit,
                row.header_unit("target_value") or sheet_unit,
            ),
            target_growth_pct=row.percent("target_growth_pct", field("target_growth_pct")),
            quota_period=row.read("quota_period", self._choice_or_default, Target.Period) or "",
            starts_on=row.read("starts_on", cells.parse_date),
            deadline=row.read("deadline", cells.parse_date),
            responsible_unit=row.read("responsible_unit", self._unit),
            source_text=row.read("source_text", cells.parse_text) or "",
            report_conflict=row.read("report_conflict", cells.parse_text) or "",
        )
        if code in self.rows_by_code:
            row.error("code", _("与第%(row)s行的编号相同。") % {"row": self.rows_by_code[code]})
        self.rows_by_code[code] = row.number
        if row.errors or (area is None and row.has("area")):
            return None, None
        target._fill_defaults_from_plan()
        return target, original

    @staticmethod
    def _choice_or_default(value, choices):
        if not cells.fold(value) or cells.is_placeholder(value):
            return None
        return cells.parse_choice(value, choices.choices)

    def _unit(self, value):
        name = _key(cells.parse_text(value))
        if not name or cells.is_placeholder(name):
            return None
        if name not in self.units:
            raise ValueError(
                _("没有名为“%(unit)s”的责任单位，请先在“责任单位”中添加。") % {"unit": name}
            )
        return self.units[name]

    def apply_update(self, original, instance):
        super().apply_update(original, instance)
        original.area = instance.area
        original.responsible_unit = instance.responsible_unit


class PreviousYearResultResource(SpreadsheetResource):
    """The results of the year the report looks back on (section 一). Matched by name."""

    section = fields.Field("section", "报告段落")
    position = fields.Field("position", "顺序")
    name = fields.Field("name", "指标名称")
    value = fields.Field("value", "数值", widgets.DecimalWidget())
    qualifier = fields.Field("qualifier", "数值限定")
    measure_unit = fields.Field("measure_unit", "计量单位")
    growth_pct = fields.Field("growth_pct", "同比增长（%）", widgets.DecimalWidget())
    source_text = fields.Field("source_text", "报告原文")

    import_columns = {
        "报告段落": "section",
        "顺序": "position",
        "指标名称": "name",
        "数值": "value",
        "数值限定": "qualifier",
        "计量单位": "measure_unit",
        "同比增长（%）": "growth_pct",
        "报告原文": "source_text",
    }
    column_synonyms = {
        "段落": "报告段落",
        "序号": "顺序",
        "排序": "顺序",
        "名称": "指标名称",
        "目标名称": "指标名称",
        "数量": "数值",
        "完成值": "数值",
        "实际值": "数值",
        "单位": "计量单位",
        "增速": "同比增长（%）",
        "增长": "同比增长（%）",
        "原文": "报告原文",
    }
    # Updating a result needs only its name; a new one needs its place, figure and source.
    required_columns = ("name",)
    required_to_create = ("section", "position", "value", "source_text")
    checked_fields = ("name",)
    compared_fields = {
        "section": "section",
        "position": "position",
        "value": "value",
        "qualifier": "qualifier",
        "measure_unit": "measure_unit",
        "growth_pct": "growth_pct",
        "source_text": "source_text",
    }
    quantity_fields = ("value",)

    class Meta:
        model = PreviousYearResult
        fields = (
            "section", "position", "name", "value", "qualifier", "measure_unit", "growth_pct",
            "source_text",
        )  # fmt: skip
        export_order = fields

    def dehydrate_qualifier(self, result):
        return result.get_qualifier_display()

    def preload(self):
        self.existing = {_key(r.name): r for r in self.plan.results.all()}
        self.rows_by_name = {}
        self.rows_by_position = {}

    def build(self, row):
        name = row.require("name", cells.parse_text)
        original = self.existing.get(_key(name))
        # Columns the file lacks are the stored result's (see _keep_absent).
        if row.has("measure_unit"):
            unit = cells.fold(row.read("measure_unit", cells.parse_text)).replace(" ", "")
        else:
            unit = original.measure_unit if original else ""
        position = row.require("position", _position) if row.has("position") else None
        value_field = PreviousYearResult._meta.get_field("value")
        value = row.quantity(
            "value",
            value_field,
            unit,
            row.header_unit("value") or ("" if row.has("measure_unit") else self.sheet_unit),
        )
        if value is None and row.has("value") and not row.errors.get(row.header("value")):
            row.error("value", _("必须填写。"))
        result = PreviousYearResult(
            plan=self.plan,
            section=row.require("section", cells.parse_text) if row.has("section") else "",
            position=position,
            name=name,
            value=value,
            qualifier=row.read("qualifier", self._qualifier) or "",
            measure_unit=unit,
            growth_pct=row.percent("growth_pct", PreviousYearResult._meta.get_field("growth_pct")),
            source_text=row.read("source_text", cells.parse_text) or "",
        )
        for attr, seen, key in (
            ("name", self.rows_by_name, _key(name)),
            ("position", self.rows_by_position, position),
        ):
            if key is None:
                continue
            if key in seen:
                row.error(attr, _("与第%(row)s行重复。") % {"row": seen[key]})
            seen[key] = row.number
        return result, original

    @staticmethod
    def _qualifier(value):
        if not cells.fold(value) or cells.is_placeholder(value):
            return ""
        return cells.parse_choice(value, PreviousYearResult.Qualifier.choices)


IMPORT_RESOURCES = {
    Target: TargetResource,
    ProgressRecord: ProgressRecordResource,
    PreviousYearResult: PreviousYearResultResource,
}
