from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.services import owner_provision
        from tenants.hooks import register_owner_provisioner

        register_owner_provisioner(owner_provision)

        from accounts.selectors.usage import users_usage
        from tenants.selectors.usage import register_usage_measure

        register_usage_measure(name="users", measure=users_usage)
