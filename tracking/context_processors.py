from django.conf import settings
from django.utils.functional import SimpleLazyObject

from tracking.rules import access


def demo_data(request):
    """Whether this site runs on demo progress (`make demo`): every page then says so."""
    return {"demo_data": settings.DEMO_DATA}


def roles(request):
    """What the user's role lets templates offer (asked only by a template that shows it)."""
    user = getattr(request, "user", None)
    return {"may_review": SimpleLazyObject(lambda: user is not None and access.may_review(user))}
