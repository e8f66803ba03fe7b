"""The theme on the marketplace's admin site, checked by the same rules as the API
(themes.services). Template overrides are the operator's (themes/api/overrides.py)."""

from django import forms
from django.contrib import admin

from config.errors import ServiceError
from tenants.admin_sites import marketplace_site
from themes.models import Theme
from themes.services.themes import EDITABLE, theme_check


def _form_error(error: ServiceError) -> forms.ValidationError:
    details = [f"{key}: {value}" for key, value in error.details.items()]
    return forms.ValidationError([error.message, *details])


class ThemeForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        values = {field: cleaned.get(field, getattr(self.instance, field)) for field in EDITABLE}
        try:
            theme_check(values)
        except ServiceError as error:
            raise _form_error(error) from None
        return cleaned


@admin.register(Theme, site=marketplace_site)
class ThemeAdmin(admin.ModelAdmin):
    form = ThemeForm
    readonly_fields = ("logo", "favicon", "hero_image", "hero_thumbnails", "updated_at")

    def has_add_permission(self, request):
        return not Theme.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
