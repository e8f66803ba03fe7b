from django.db import migrations, models

import catalog.models.listings

# IMMUTABLE (a generated column's expression must be): the same tags always give the same
# bits. md5, not hashtext, so the bits cannot change with a PostgreSQL upgrade.
SIGNATURE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION public.souk_tags_signature(tags varchar[]) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(bit_or(1::bigint << (('x' || substr(md5(t), 1, 2))::bit(8)::int % 63)), 0)
    FROM unnest(tags) AS t
$$;
"""


class Migration(migrations.Migration):
    """Listing.tags_signature, and the facet index carrying it.

    The function lives in the public schema so that every marketplace schema (and every clone
    of the template) refers to the one definition; CREATE OR REPLACE makes running this in
    each schema harmless. listing_published_facet_cover (0008) is rebuilt with the signature
    in its INCLUDE list, so the tags filter of a facet count tests it on the index tuple.
    """

    dependencies = [("catalog", "0010_search_provider_cover")]

    operations = [
        migrations.RunSQL(SIGNATURE_FUNCTION_SQL, reverse_sql=migrations.RunSQL.noop),
        migrations.AddField(
            model_name="listing",
            name="tags_signature",
            field=models.GeneratedField(
                db_persist=True,
                expression=catalog.models.listings.TagsSignature("tags"),
                output_field=models.BigIntegerField(),
            ),
        ),
        migrations.RunSQL(
            "DROP INDEX IF EXISTS listing_published_facet_cover; "
            "CREATE INDEX listing_published_facet_cover "
            "ON catalog_listing (category_id, price_minor) "
            "INCLUDE (provider_id, tags, tags_signature) WHERE status = 'published';",
            reverse_sql="DROP INDEX IF EXISTS listing_published_facet_cover; "
            "CREATE INDEX listing_published_facet_cover "
            "ON catalog_listing (category_id, price_minor) INCLUDE (provider_id, tags) "
            "WHERE status = 'published';",
        ),
    ]
