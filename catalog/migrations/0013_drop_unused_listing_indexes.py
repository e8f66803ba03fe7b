from django.db import migrations


class Migration(migrations.Migration):
    """Two listing indexes no query uses; every listing write paid for them.

    - listing_search_gin (GIN over every listing's search_vector, 10 MB on the bench
      marketplace): every text search filters published listings, which
      listing_published_search_gin covers.
    - listing_category_status (category_id, status): the foreign key's own index on
      category_id serves the category lookups (lists by category, refusing to delete a
      category that has listings).

    pg_stat_user_indexes showed no scan of either in the search benchmark's database, the
    test database after the whole suite, or the demo's.
    """

    dependencies = [("catalog", "0012_facet_cover_signature_first")]

    operations = [
        migrations.RemoveIndex(model_name="listing", name="listing_search_gin"),
        migrations.RemoveIndex(model_name="listing", name="listing_category_status"),
    ]
