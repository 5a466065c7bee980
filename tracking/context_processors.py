from django.conf import settings


def demo_data(request):
    """Whether this site runs on demo progress (`make demo`): every page then says so."""
    return {"demo_data": settings.DEMO_DATA}
