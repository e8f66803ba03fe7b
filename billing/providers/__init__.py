"""Payment provider drivers: one module each behind ``billing.providers.base.PaymentProvider``,
looked up by code in ``billing.providers.registry``."""
