"""The demo's talent-iq marketplace takes payments through all four Iraqi gateways' sandboxes,
with the sandboxes' own demo credentials (demo.payments)."""

from django_tenants.utils import tenant_context

from billing.models import ProviderAccount
from demo.payments import demo_payment_providers_configure
from tenants.presets import get_preset
from tests.support.factories.accounts import UserFactory
from tests.support.iraqi import gateway_payment


def test_the_demo_talent_iq_marketplace_offers_the_four_iraqi_gateways(
    talent, settings, iraqi_sandboxes
):
    settings.SOUK_SANDBOX_URLS = {code: sandbox.url for code, sandbox in iraqi_sandboxes.items()}
    providers = get_preset("talent-iq").payment_providers
    with tenant_context(talent):
        configured = demo_payment_providers_configure(providers=providers)
        assert sorted(configured) == ["areeba", "fastpay", "fib", "nasswallet"]
        nasswallet = ProviderAccount.objects.get(code="nasswallet")
        assert nasswallet.base_url == f"{iraqi_sandboxes['nasswallet'].url}/payment/transaction"
        for code in configured:
            payment = gateway_payment(
                code, UserFactory(), UserFactory(role="provider"), key=f"demo-{code}"
            )
            assert payment.state == "pending" and payment.provider_ref, code
