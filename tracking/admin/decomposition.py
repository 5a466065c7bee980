"""Sub-tasks (分解任务) in the admin, with their monthly nodes inline.

Who may do what follows the target: a sub-task is seen by those who see its target and changed
by those who may change its target (tracking/rules/access.py); the parent's derived progress is
shown beside each sub-task's nodes.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracking.admin import HistoryAdmin  # imported at the end of tracking.admin
from tracking.models import SubTask, SubTaskNode, Target, Unit
from tracking.rules import access, decomposition


class SubTaskNodeInline(admin.TabularInline):
    model = SubTaskNode
    fields = ["due_on", "goal", "completed_on"]
    extra = 1


@admin.register(SubTask)
class SubTaskAdmin(HistoryAdmin):
    list_display = [
        "__str__",
        "responsible_unit",
        "leader_in_charge",
        "nodes_done",
        "parent_progress",
    ]
    list_filter = ["target__plan", "responsible_unit"]
    list_select_related = ["target", "responsible_unit"]
    search_fields = ["name", "target__code", "target__name", "leader_in_charge"]
    fields = ["target", "position", "name", "responsible_unit", "leader_in_charge", "measures"]
    inlines = [SubTaskNodeInline]

    def has_module_permission(self, request):
        return request.user.has_perm("tracking.view_target")

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("tracking.view_target")
        return access.can_view_target(request.user, obj.target)

    def has_add_permission(self, request):
        return request.user.has_perm("tracking.change_target")

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("tracking.change_target")
        return access.can_change_target(request.user, obj.target)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_queryset(self, request):
        visible = Target.objects.visible_to(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(target__in=visible.values("pk"))
            .prefetch_related("nodes", "target__subtasks__nodes")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["queryset"] = Target.objects.filter(access.changeable_targets(request.user))
        elif db_field.name == "responsible_unit":
            kwargs["queryset"] = Unit.objects.select_related("jurisdiction")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("节点完成情况（已完成/已到期/全部）"))
    def nodes_done(self, subtask):
        done, due, total = decomposition.subtask_progress(subtask, timezone.localdate())
        return f"{done} / {due} / {total}"

    @admin.display(description=_("目标任务的分解进度"))
    def parent_progress(self, subtask):
        target = subtask.target
        assessment = decomposition.assess(target, target.subtasks.all(), timezone.localdate())
        if assessment is None:
            return "—"
        return f"{assessment.progress_pct}% · {assessment.status.label}"
