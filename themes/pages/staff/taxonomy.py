"""/staff/categories/ and /staff/listing-types/: list, add and edit them through catalog's
services (catalog/api/taxonomy.py validates with the same serializers)."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from catalog.selectors.taxonomy import category_tree, listing_type_list
from catalog.services.categories import (
    category_create,
    category_delete,
    category_move,
    category_update,
)
from catalog.services.listing_types import listing_type_create, listing_type_update
from config.errors import ServiceError
from themes.pages.common import page_role_required
from themes.pages.staff.forms import CategoryForm, ListingTypeForm, names_initial


def _flat(nodes, depth=0):
    for node in nodes:
        yield {**node, "depth": depth}
        yield from _flat(node["children"], depth + 1)


def _parents(rows, *, excluding: int | None = None) -> list[tuple[int, str]]:
    """Every category as a parent choice, indented, leaving out ``excluding``'s subtree."""
    choices, skip_below = [], None
    for row in rows:
        if skip_below is not None and row["depth"] > skip_below:
            continue
        skip_below = None
        if row["id"] == excluding:
            skip_below = row["depth"]
            continue
        choices.append((row["id"], "– " * row["depth"] + row["name"]))
    return choices


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def categories(request):
    rows = list(_flat(category_tree()))
    status = 200
    form = CategoryForm(request.POST or None, parents=_parents(rows), creating=True)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.validated
            try:
                category_create(
                    actor=request.user,
                    name=data["name"],
                    slug=data["slug"],
                    parent_id=data["parent"],
                    names=data.get("names"),
                    icon=data["icon"],
                    position=data.get("position"),
                )
                return redirect(reverse("staff-categories") + "?saved=1")
            except ServiceError as error:
                status = form.refuse(error)
    context = {"staff_section": "categories", "rows": rows, "form": form}
    return render(request, "site/staff/categories.html", context, status=status)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def category(request, category_id: int):
    rows = list(_flat(category_tree()))
    current = next((row for row in rows if row["id"] == category_id), None)
    if current is None:
        raise Http404
    parents = _parents(rows, excluding=category_id)
    status = 200
    if request.method == "POST":
        form = CategoryForm(request.POST, parents=parents, creating=False)
        status = 400
        if form.is_valid():
            try:
                parent = form.cleaned_data.get("parent")
                with transaction.atomic():  # both or neither
                    category_update(actor=request.user, category_id=category_id, **form.validated)
                    if parent != current["parent"]:
                        category_move(actor=request.user, category_id=category_id, parent_id=parent)
                return redirect(reverse("staff-categories") + "?saved=1")
            except ServiceError as error:
                status = form.refuse(error)
    else:
        initial = {key: current[key] for key in ("name", "slug", "icon", "parent")}
        form = CategoryForm(
            initial={**initial, **names_initial(current["names"])},
            parents=parents,
            creating=False,
        )
    context = {
        "staff_section": "categories",
        "current": current,
        "form": form,
        "delete_error": None,
    }
    return render(request, "site/staff/category.html", context, status=status)


@page_role_required("staff")
@require_POST
def category_remove(request, category_id: int):
    try:
        category_delete(actor=request.user, category_id=category_id)
    except ServiceError as error:
        if error.status == 404:
            raise Http404 from error
        rows = list(_flat(category_tree()))
        current = next(row for row in rows if row["id"] == category_id)
        initial = {key: current[key] for key in ("name", "slug", "icon", "parent")}
        form = CategoryForm(
            initial={**initial, **names_initial(current["names"])},
            parents=_parents(rows, excluding=category_id),
            creating=False,
        )
        context = {
            "staff_section": "categories",
            "current": current,
            "form": form,
            "delete_error": error.message,
        }
        return render(request, "site/staff/category.html", context, status=error.status)
    return redirect(reverse("staff-categories") + "?saved=1")


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def listing_types(request):
    status = 200
    form = ListingTypeForm(request.POST or None, creating=True)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                listing_type_create(actor=request.user, **form.validated)
                return redirect(reverse("staff-listing-types") + "?saved=1")
            except ServiceError as error:
                status = form.refuse(error)
    context = {"staff_section": "listing-types", "types": listing_type_list(), "form": form}
    return render(request, "site/staff/listing_types.html", context, status=status)


@page_role_required("staff")
@require_http_methods(["GET", "HEAD", "POST"])
def listing_type(request, listing_type_id: int):
    current = next((t for t in listing_type_list() if t.pk == listing_type_id), None)
    if current is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ListingTypeForm(request.POST, creating=False)
        status = 400
        if form.is_valid():
            try:
                listing_type_update(
                    actor=request.user, listing_type_id=listing_type_id, **form.validated
                )
                return redirect(reverse("staff-listing-types") + "?saved=1")
            except ServiceError as error:
                status = form.refuse(error)
    else:
        initial = {
            "name": current.name,
            "pricing": current.pricing,
            "process": current.process,
            "config": current.config,
            "position": current.position,
            **names_initial(current.names),
        }
        form = ListingTypeForm(initial=initial, creating=False)
    context = {"staff_section": "listing-types", "current": current, "form": form}
    return render(request, "site/staff/listing_type.html", context, status=status)
