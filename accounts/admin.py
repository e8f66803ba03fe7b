"""Users, groups and e-mail addresses, on both admin sites.

Each schema has its own tables: on a marketplace host they are that marketplace's users, on
the operator host the operator's staff. API tokens are registered on neither: their keys are
credentials that no admin page should display.
"""

from typing import Any

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group

from accounts.models import User
from tenants.admin_sites import marketplace_site, operator_site


class _EmailFormMixin:
    cleaned_data: dict[str, Any]  # set by the form class this is mixed into

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class UserCreationAdminForm(_EmailFormMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name", "role")


class UserChangeAdminForm(_EmailFormMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User, site=marketplace_site)
@admin.register(User, site=operator_site)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "display_name", "role", "is_active", "is_staff", "date_joined")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("email", "display_name")
    ordering = ("-date_joined",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "role", "language")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "display_name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Staff without superuser rights cannot hand out rights they lack.
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields


for _site in (marketplace_site, operator_site):
    _site.register(Group, GroupAdmin)
    _site.register(EmailAddress, EmailAddressAdmin)
