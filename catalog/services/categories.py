"""The category tree: create, rename, move, reorder, delete (marketplace staff only)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.roles import require_staff
from catalog.models import Category, Listing
from catalog.search.index import listings_reindex
from config.errors import InvalidInput, NotFound, StateConflict
from tenants.presets import Preset

UNSET = object()


def _lock_tree() -> dict[int, Category]:
    """Lock every category in pk order: moves must see a tree nobody else is changing."""
    return {c.pk: c for c in Category.objects.select_for_update().order_by("pk")}


def _parent(tree: dict[int, Category], parent_id: int | None) -> Category | None:
    if parent_id is None:
        return None
    if parent_id not in tree:
        raise InvalidInput(
            _("The parent category does not exist."),
            code="unknown_category",
            details={"parent": [_("No category %(parent_id)s.") % {"parent_id": parent_id}]},
        )
    return tree[parent_id]


def _descendant_ids(tree: dict[int, Category], root_id: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for node in tree.values():
        children.setdefault(node.parent_id, []).append(node.pk)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        for child in children.get(current, []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def _clean_slug(slug: str) -> str:
    cleaned = slugify(slug)[:80]
    if not cleaned:
        raise InvalidInput(_("The slug may not be empty."), details={"slug": [_("Required.")]})
    return cleaned


def _check_slug_free(slug: str, *, exclude_pk: int | None = None) -> None:
    if (
        Category.objects.filter(slug=slug)
        .exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None is meant: IS NULL, excludes none
        .exists()
    ):
        raise StateConflict(
            _("Another category already uses this slug."),
            code="slug_taken",
            details={"slug": [_("“%(slug)s” is taken.") % {"slug": slug}]},
        )


def _next_position(parent_id: int | None) -> int:
    last = (
        Category.objects.filter(parent_id=parent_id)
        .order_by("-position")
        .values("position")
        .first()
    )
    return last["position"] + 1 if last else 0


@transaction.atomic
def category_create(
    *,
    actor,
    name: str,
    slug: str = "",
    parent_id: int | None = None,
    names: dict[str, str] | None = None,
    icon: str = "",
    position: int | None = None,
) -> Category:
    require_staff(actor)
    tree = _lock_tree()
    parent = _parent(tree, parent_id)
    slug = _clean_slug(slug or name)
    _check_slug_free(slug)
    try:
        with transaction.atomic():
            return Category.objects.create(
                name=name.strip(),
                slug=slug,
                parent=parent,
                names=names or {},
                icon=icon,
                position=_next_position(parent_id) if position is None else position,
            )
    except IntegrityError as exc:
        raise StateConflict(
            _("Another category already uses this slug."), code="slug_taken"
        ) from exc


@transaction.atomic
def category_update(
    *,
    actor,
    category_id: int,
    name: str | None = None,
    slug: str | None = None,
    names: dict[str, str] | None = None,
    icon: str | None = None,
) -> Category:
    require_staff(actor)
    category = Category.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotFound(_("No such category."))
    fields = []
    if name is not None and name.strip() != category.name:
        category.name = name.strip()
        fields.append("name")
    if slug is not None:
        slug = _clean_slug(slug)
        if slug != category.slug:
            _check_slug_free(slug, exclude_pk=category.pk)
            category.slug = slug
            fields.append("slug")
    if names is not None:
        category.names = names
        fields.append("names")
    if icon is not None:
        category.icon = icon
        fields.append("icon")
    if fields:
        category.save(update_fields=fields)
    if "name" in fields:
        # Listing vectors carry their category's name.
        ids = list(Listing.objects.filter(category=category).values_list("pk", flat=True))
        if ids:
            listings_reindex(ids)
    return category


@transaction.atomic
def category_move(
    *, actor, category_id: int, parent_id: int | None, position: int | None = None
) -> Category:
    """Put a category under another parent (None: the top level); refuse to make a cycle."""
    require_staff(actor)
    tree = _lock_tree()
    category = tree.get(category_id)
    if category is None:
        raise NotFound(_("No such category."))
    parent = _parent(tree, parent_id)
    if parent is not None and (
        parent.pk == category.pk or parent.pk in _descendant_ids(tree, category.pk)
    ):
        raise StateConflict(
            _("A category cannot move under itself or one of its own subcategories."),
            code="category_cycle",
            details={
                "parent": [
                    _("%(parent_id)s is inside category %(category_id)s.")
                    % {"parent_id": parent_id, "category_id": category_id}
                ]
            },
        )
    category.parent = parent
    category.position = _next_position(parent_id) if position is None else position
    category.save(update_fields=["parent", "position"])
    return category


@transaction.atomic
def category_reorder(*, actor, parent_id: int | None, ordered_ids: list[int]) -> list[Category]:
    """Set the order of one parent's children; ``ordered_ids`` must name each child once."""
    require_staff(actor)
    tree = _lock_tree()
    _parent(tree, parent_id)
    siblings = {pk for pk, node in tree.items() if node.parent_id == parent_id}
    if len(ordered_ids) != len(set(ordered_ids)) or set(ordered_ids) != siblings:
        raise InvalidInput(
            _("List every subcategory of this parent exactly once."),
            code="incomplete_order",
            details={
                "order": [_("Expected the ids %(ids)s in some order.") % {"ids": sorted(siblings)}]
            },
        )
    changed = []
    for position, pk in enumerate(ordered_ids):
        node = tree[pk]
        if node.position != position:
            node.position = position
            changed.append(node)
    Category.objects.bulk_update(changed, ["position"])
    return [tree[pk] for pk in ordered_ids]


@transaction.atomic
def category_delete(*, actor, category_id: int) -> None:
    """Delete a category and its subcategories, unless any of them holds listings."""
    require_staff(actor)
    tree = _lock_tree()
    if category_id not in tree:
        raise NotFound(_("No such category."))
    subtree = {category_id} | _descendant_ids(tree, category_id)
    in_use = Listing.objects.filter(category_id__in=subtree).count()
    if in_use:
        raise StateConflict(
            _("This category (or a subcategory) still holds listings; move them first."),
            code="category_in_use",
            details={"listings": in_use},
        )
    tree[category_id].delete()


def categories_seed(*, preset: Preset) -> dict[str, int]:
    """The preset's category tree, for tenants.hooks: categories that exist (by slug) are left
    as the marketplace's staff edited them, and new ones go under them."""
    added = 0
    existing = set(Category.objects.values_list("slug", flat=True))

    def add(nodes, parent=None):
        nonlocal added
        for position, node in enumerate(nodes):
            if node["slug"] in existing:
                category = Category.objects.get(slug=node["slug"])
            else:
                category = Category.objects.create(
                    parent=parent,
                    slug=node["slug"],
                    name=node["name"],
                    names=node.get("names", {}),
                    icon=node.get("icon", ""),
                    position=position,
                )
                added += 1
            add(node.get("children", []), category)

    add(preset.categories)
    return {"categories": added}
