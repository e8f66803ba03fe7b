def marketplace(request):
    """The current marketplace (None on the operator host) for every template."""
    return {"marketplace": getattr(request, "tenant", None)}
