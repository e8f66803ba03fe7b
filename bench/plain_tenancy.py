"""The tenancy of bench/settings_plain.py: one marketplace, fixed for the whole process.

The connection keeps Souk's tenant backend (tenants.db), so the view's reads and
``connection.tenant`` behave as in production and the backend issues ``SET search_path`` once
per database connection, as it does there. What is left out is what routing adds per request:
reading the Host header, the host -> marketplace cache, and the ``set_tenant`` call.
"""

from django.conf import settings
from django.db import connection

from tenants.models import Marketplace


class FixedMarketplaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.marketplace: Marketplace | None = None

    def __call__(self, request):
        if self.marketplace is None:
            connection.set_schema_to_public()
            self.marketplace = Marketplace.objects.get(
                schema_name=settings.BENCH_MARKETPLACE_SCHEMA
            )
        # Once per connection wrapper, i.e. per thread (a gthread worker has a few); after
        # that the backend keeps the search path, as it does for routed requests.
        if connection.tenant is not self.marketplace:
            connection.set_tenant(self.marketplace)
        request.tenant = self.marketplace
        return self.get_response(request)
