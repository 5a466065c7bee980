"""What every model here builds on: figures' precision, the two query-free scopes, optimistic
locking (VersionedModel, EditConflict) and how a stored time is shown."""

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERCENT = "%"
FIGURE = {"max_digits": 16, "decimal_places": 4}


# The two row scopes that need no query: kept as objects so that a check can say "all" or
# "none" without asking the database (tracking/rules/access.py).
NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def local_minute(moment):
    """A stored (UTC) time as the office reads it: in settings.TIME_ZONE, to the minute."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class EditConflict(Exception):
    """Someone saved the row after this copy of it was read; the later save is refused."""

    message = _(
        "保存失败：在您打开之后，这条记录已被他人修改并保存。为避免覆盖他人的修改，"
        "本次保存未生效。请重新打开页面，核对最新内容后再修改。"
    )

    def __str__(self):
        return str(self.message)


class VersionedModel(models.Model):
    """Optimistic locking: a save must name the version it read, and bumps it atomically.

    The conditional UPDATE ... WHERE version = <read version> runs in the same transaction as the
    save, so of two concurrent saves of one row exactly one wins and the other raises EditConflict.
    """

    version = models.PositiveIntegerField(
        _("版本号"), default=1, help_text=_("每次保存加一，用于发现并拒绝相互覆盖的修改。")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            claimed = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise EditConflict
            self.version += 1
            return super().save(*args, **kwargs)
