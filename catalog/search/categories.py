"""The marketplace's category tree, read in one query, for descendant filters and facet rollups
(for a listing search, with the deactivated providers in the same round trip)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from catalog.models import Category
from catalog.search.filters import INACTIVE_PROVIDERS_SQL
from config.errors import InvalidInput

_TREE_SQL = (
    # names as json, which psycopg decodes (Django reads jsonb as text for JSONField)
    f"SELECT id, parent_id, slug, name, names::json FROM {Category._meta.db_table} "
    "ORDER BY position, name"
)


@dataclass(frozen=True)
class CategoryNode:
    id: int
    parent_id: int | None
    slug: str
    name: str
    names: dict


class CategoryTree:
    def __init__(self, nodes: list[CategoryNode]):
        self.by_id = {node.id: node for node in nodes}
        self.by_slug = {node.slug: node for node in nodes}
        self.children: dict[int | None, list[int]] = {}
        for node in nodes:
            self.children.setdefault(node.parent_id, []).append(node.id)

    @classmethod
    def load(cls) -> CategoryTree:
        # Plain SQL: every search reads the tree first, and the ORM's queryset machinery
        # cost about ten times the query itself.
        with connection.cursor() as cursor:
            cursor.execute(_TREE_SQL)
            return cls([CategoryNode(*row) for row in cursor.fetchall()])

    @classmethod
    def load_with_inactive_providers(cls, limit: int) -> tuple[CategoryTree, list[int] | None]:
        """The tree and, in the same round trip, the ids of deactivated providers (their
        users' accounts are off), or None when there are more than ``limit`` of them."""
        with connection.cursor() as cursor:
            # Two statements in one execute(): no parameters, so nothing to bind.
            cursor.execute(f"{_TREE_SQL}; {INACTIVE_PROVIDERS_SQL} LIMIT {int(limit) + 1}")
            tree = cls([CategoryNode(*row) for row in cursor.fetchall()])
            cursor.nextset()
            inactive = [row[0] for row in cursor.fetchall()]
        return tree, (inactive if len(inactive) <= limit else None)

    def resolve(self, ref: str) -> CategoryNode:
        """A category by slug or id; unknown ones are a 400, not an empty page."""
        node = self.by_slug.get(ref)
        # An id is up to 19 ASCII digits (bigint): "²" is a digit to str.isdigit() but not to
        # int(), and int() refuses more than 4,300 digits.
        if node is None and ref.isascii() and ref.isdigit() and len(ref) < 20:
            node = self.by_id.get(int(ref))
        if node is None:
            raise InvalidInput(
                _("There is no such category."),
                details={"category": [_("Unknown category: %(ref)s.") % {"ref": ref}]},
            )
        return node

    def subtree_ids(self, root_id: int) -> list[int]:
        ids, stack = [], [root_id]
        while stack:
            current = stack.pop()
            ids.append(current)
            stack.extend(self.children.get(current, []))
        return sorted(ids)

    def top_level(self) -> list[CategoryNode]:
        return [self.by_id[i] for i in self.children.get(None, [])]

    def top_of(self, category_id: int) -> int:
        node = self.by_id[category_id]
        seen = 0
        while node.parent_id is not None and seen < 50:  # guard against a cycle in bad data
            node = self.by_id[node.parent_id]
            seen += 1
        return node.id
