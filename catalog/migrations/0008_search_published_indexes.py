from django.db import migrations


class Migration(migrations.Migration):
    """Partial indexes over published listings for listing search.

    * listing_published_search_gin: the text index of published listings only. Text searches
      (and the typo gates' counts) no longer AND the full text index's bitmap with the status
      index's (~2 ms: a bitmap of every published listing) before visiting the heap.
    * listing_published_facet_cover: what the facet counts read without text or a point
      (category, price, provider, tags), narrow enough (about a third of
      listing_published_search_cover, which also carries coordinates and dates) that an
      index-only scan of every published listing, filtering tags on the index tuple, beats
      a bitmap heap scan of the tag matches (a heap page per few matches of ~750-byte rows).

    Raw SQL with no model state, as 0004 and 0007: physical access paths, not part of the model.
    """

    dependencies = [("catalog", "0007_search_geo_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS listing_published_search_gin "
            "ON catalog_listing USING gin (search_vector) WHERE status = 'published';",
            reverse_sql="DROP INDEX IF EXISTS listing_published_search_gin;",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS listing_published_facet_cover "
            "ON catalog_listing (category_id, price_minor) INCLUDE (provider_id, tags) "
            "WHERE status = 'published';",
            reverse_sql="DROP INDEX IF EXISTS listing_published_facet_cover;",
        ),
    ]
