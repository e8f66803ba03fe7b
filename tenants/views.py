"""The operator console (HTML), served on the public host; the operator API is tenants/api/ and
accounts/api/operator.py (config/urls_public.py)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from tenants.models import Marketplace
from tenants.presets import all_presets


@staff_member_required(login_url="/admin/login/")
def operator_home(request):
    marketplaces = Marketplace.objects.prefetch_related("domains")
    return render(
        request,
        "tenants/operator_home.html",
        {"marketplaces": marketplaces, "presets": all_presets().values()},
    )
