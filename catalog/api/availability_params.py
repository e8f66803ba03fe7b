"""The ``from``/``to`` query parameters of the availability endpoints (read by
``api.inputs.parse_day_range`` and ``parse_day``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from catalog.services.availability import MAX_RANGE_DAYS

DATE_RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD."),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description=f"Last day (inclusive), not before `from`, at most {MAX_RANGE_DAYS} days "
        "in all.",
    ),
]
REQUIRED_DATE_RANGE_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day."),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Last day (inclusive)."),
]
