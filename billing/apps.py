from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from billing.selectors.usage import money_usage
        from tenants.selectors.usage import register_usage_measure

        register_usage_measure(name="money", measure=money_usage)
