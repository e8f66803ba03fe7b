from django.contrib.postgres.fields import DateTimeRangeField
from django.db.models import Func


class TsTzRange(Func):
    """``tstzrange(start, end)``, half open, for range constraints and overlap queries."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()
