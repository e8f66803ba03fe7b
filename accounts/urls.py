"""Web pages of accounts on a marketplace host, next to allauth's under /accounts/."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("magic/<str:token>/", views.magic_link_login, name="account_magic_link"),
]
