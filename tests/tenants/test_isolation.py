"""One marketplace's users, data, cache keys and media are invisible from another."""

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context

from accounts.models import User
from catalog.models import Category
from tests.support.factories.accounts import UserFactory


def test_rows_live_only_in_their_marketplace(fire, talent):
    with tenant_context(fire):
        user = UserFactory(email="same@example.com")
        fire_categories = set(Category.objects.values_list("slug", flat=True))
    with tenant_context(talent):
        assert not User.objects.filter(email="same@example.com").exists()
        # Guessing the id finds nothing (or someone else entirely).
        assert not User.objects.filter(pk=user.pk, email=user.email).exists()
        talent_categories = set(Category.objects.values_list("slug", flat=True))
        # The same e-mail may hold a separate account here.
        UserFactory(email="same@example.com")
    assert "fire-poi" in fire_categories and "fire-poi" not in talent_categories
    assert "calligraphy" in talent_categories and "calligraphy" not in fire_categories


def test_cache_keys_are_prefixed_by_marketplace(fire, talent):
    with tenant_context(fire):
        cache.set("greeting", "fire says hi", 30)
        assert cache.get("greeting") == "fire says hi"
    with tenant_context(talent):
        assert cache.get("greeting") is None
        cache.set("greeting", "talent says hi", 30)
    with tenant_context(fire):
        assert cache.get("greeting") == "fire says hi"
        cache.delete("greeting")
    with tenant_context(talent):
        cache.delete("greeting")


def test_media_paths_are_prefixed_by_marketplace(fire, talent):
    with tenant_context(fire):
        name = default_storage.save("avatars/a.txt", ContentFile(b"fire"))
        fire_path = default_storage.path(name)
        fire_url = default_storage.url(name)
    try:
        assert "/fire_test/avatars/" in fire_path
        assert fire_url.startswith("/media/fire_test/")
        with tenant_context(talent):
            assert not default_storage.exists(name)
    finally:
        with tenant_context(fire):
            default_storage.delete(name)
