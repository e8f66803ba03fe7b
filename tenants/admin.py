"""The operator's admin: marketplaces with their domains, audit rows and spare schemas.

Registered on the operator site only (public schema, operator staff). Creating a marketplace
is left to the console and the operator API: provisioning clones a schema, seeds the preset
and makes the owner, which a bare row saved here would not. Deleting one, single or in bulk,
goes through ``marketplace_delete`` like every other way of deleting.
"""

from functools import partial

import djstripe.admin  # noqa: F401  (registers dj-stripe's models on the default site)
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from config.errors import ServiceError
from tenants import services
from tenants.admin_sites import operator_site
from tenants.models import Domain, Marketplace, MarketplaceEvent, SpareSchema

# dj-stripe registers its models on Django's default site, which nothing mounts; its tables
# are shared by every marketplace, so they are the operator's to see.
for _model, _model_admin in list(admin.site._registry.items()):
    if _model._meta.app_label == "djstripe" and _model not in operator_site._registry:
        operator_site.register(_model, type(_model_admin))


class DomainForm(forms.ModelForm):
    class Meta:
        model = Domain
        fields = ["domain", "is_primary"]

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].strip().lower().rstrip(".")
        if self.instance.pk and domain != self.instance.domain:
            # Renaming a row would move its traffic without a trace: add and delete instead.
            raise ValidationError(
                _("A domain cannot be renamed: add the new one, delete this one.")
            )
        if not services.HOST_PATTERN.match(domain):
            raise ValidationError(
                _("%(domain)s is not a valid host name.") % {"domain": repr(domain)}
            )
        if domain in settings.SOUK_OPERATOR_HOSTS:
            raise ValidationError(_("That host serves the operator console."))
        return domain


class DomainFormSet(forms.BaseInlineFormSet):
    def _kept(self) -> list[forms.ModelForm]:
        # Unchanged extra rows have no cleaned data; rows ticked for deletion go away.
        return [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if sum(bool(form.cleaned_data.get("is_primary")) for form in self._kept()) != 1:
            raise ValidationError(_("A marketplace has exactly one primary domain."))

    def save(self, commit: bool = True):
        if commit:
            primary = next(form for form in self._kept() if form.cleaned_data.get("is_primary"))
            # One primary at a time (a constraint): the old one steps down before the new one.
            Domain.objects.filter(tenant=self.instance, is_primary=True).exclude(
                pk=primary.instance.pk
            ).update(is_primary=False)
        return super().save(commit)


class DomainInline(admin.TabularInline):
    model = Domain
    form = DomainForm
    formset = DomainFormSet
    fields = ["domain", "is_primary", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0


def _run_service(modeladmin, request, queryset, service, done: str) -> None:
    count = 0
    for marketplace in queryset.order_by("pk"):
        try:
            service(marketplace=marketplace)
            count += 1
        except ServiceError as exc:
            modeladmin.message_user(request, f"{marketplace}: {exc.message}", messages.WARNING)
    if count:
        modeladmin.message_user(request, f"{count} marketplace(s) {done}.")


@admin.action(description="Suspend selected marketplaces", permissions=["change"])
def suspend_marketplaces(modeladmin, request, queryset):
    suspend = partial(services.marketplace_suspend, actor=request.user.email)
    _run_service(modeladmin, request, queryset, suspend, "suspended")


@admin.action(description="Resume selected marketplaces", permissions=["change"])
def resume_marketplaces(modeladmin, request, queryset):
    resume = partial(services.marketplace_resume, actor=request.user.email)
    _run_service(modeladmin, request, queryset, resume, "resumed")


@admin.action(description="Restore selected deleted marketplaces", permissions=["delete"])
def restore_marketplaces(modeladmin, request, queryset):
    restore = partial(services.marketplace_restore, actor=request.user)
    _run_service(modeladmin, request, queryset, restore, "restored")


@admin.register(Marketplace, site=operator_site)
class MarketplaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "preset", "status", "default_currency", "created_at"]
    list_filter = ["preset", "status"]
    search_fields = ["name", "slug", "owner_email"]
    # Identity and lifecycle change only through the services (actions, console, API).
    readonly_fields = [
        "schema_name",
        "slug",
        "preset",
        "status",
        "deleted_at",
        "created_at",
        "updated_at",
    ]
    inlines = [DomainInline]
    actions = [suspend_marketplaces, resume_marketplaces, restore_marketplaces]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return services.operator_may_delete(request.user)

    def delete_model(self, request, obj: Marketplace) -> None:
        # Soft: the service takes it offline at once and leaves the purge to its task.
        try:
            services.marketplace_delete(marketplace=obj, actor=request.user)
        except ServiceError as exc:
            request._marketplace_delete_refused = exc.message

    def delete_queryset(self, request, queryset) -> None:
        delete = partial(services.marketplace_delete, actor=request.user)
        _run_service(self, request, queryset, delete, "deleted")

    def response_delete(self, request, obj_display, obj_id):
        refused = getattr(request, "_marketplace_delete_refused", None)
        if refused:
            self.message_user(request, f"{obj_display}: {refused}", messages.ERROR)
            return self.response_post_save_change(request, None)
        return super().response_delete(request, obj_display, obj_id)


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(MarketplaceEvent, site=operator_site)
class MarketplaceEventAdmin(_ReadOnlyAdmin):
    """The audit trail: written by the services only, never edited."""

    list_display = ["marketplace_slug", "action", "actor", "created_at"]
    list_filter = ["action"]
    search_fields = ["marketplace_slug", "actor"]


@admin.register(SpareSchema, site=operator_site)
class SpareSchemaAdmin(_ReadOnlyAdmin):
    """Kept by the refill task; a row removed by hand would leave its schema behind."""

    list_display = ["schema_name", "created_at"]
