"""Sanitising of user-written rich text (listing descriptions, provider bios).

Only a small set of tags survives; links keep their href (http, https, mailto) and always
carry rel="nofollow noopener" so a listing cannot lend our pages' rank to spam.
"""

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise_html(text: str) -> str:
    """Return ``text`` with every tag, attribute and URL scheme outside the allow-list removed."""
    if not text:
        return ""
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="nofollow noopener",
        strip_comments=True,
    ).strip()
