"""Browser helpers of the staff pages' journeys: a demo marketplace's owner (its staff) logs in
through allauth's page."""

from __future__ import annotations

import re


def staff_log_in(page, preset: str) -> None:
    """Log ``page`` in as the demo marketplace's owner, a member of its staff."""
    from demo.marketplaces import DEMO_PASSWORD, demo_marketplaces

    (demo,) = [demo for demo in demo_marketplaces() if demo.preset == preset]
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^Email:?$")).fill(demo.owner_email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
