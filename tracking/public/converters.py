"""Path converters of the public URLs: shapes that cannot name a plan or area end in 404 at
URL resolution, never as an out-of-range number sent to the database."""

from django.urls import register_converter


class YearConverter:
    """A four-digit year: anything else is no plan (404), never a database overflow."""

    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:04d}"


class PositionConverter(YearConverter):
    """An area's position: up to three digits."""

    regex = "[0-9]{1,3}"

    def to_url(self, value):
        return str(value)


register_converter(YearConverter, "year")
register_converter(PositionConverter, "position")
