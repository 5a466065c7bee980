from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = _("目标跟踪")

    def ready(self):
        import gangmen.checks  # noqa: F401  registers the production start-up checks
        from tracking import models
        from tracking.public import cache as public_cache

        # Every model whose rows the public pages or the API show: a save or delete of any of
        # them invalidates the cached public responses. (Bulk writes call data_changed().)
        shown = [
            models.Jurisdiction,
            models.Plan,
            models.TaskArea,
            models.Target,
            models.Milestone,
            models.ProgressRecord,
            models.PreviousYearResult,
            models.Unit,
        ]
        for model in shown:
            post_save.connect(public_cache.on_public_data_saved, sender=model)
            post_delete.connect(public_cache.on_public_data_saved, sender=model)
        # What a target's stored assessment rests on (TargetAssessment).
        for model in [models.Plan, models.Target, models.Milestone, models.ProgressRecord]:
            post_save.connect(models.refresh_stored_assessments, sender=model)
            post_delete.connect(models.refresh_stored_assessments, sender=model)
