from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """allauth's flows, sending mail in the marketplace's name."""

    def format_email_subject(self, subject):
        from django.db import connection

        tenant = getattr(connection, "tenant", None)
        name = getattr(tenant, "name", None) or "Souk"
        return f"[{name}] {subject}"
