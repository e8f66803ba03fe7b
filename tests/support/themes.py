"""A light palette that reads at WCAG AA on every pair a theme must keep readable."""

READABLE_LIGHT = {
    "primary": "#1D4ED8",
    "accent": "#B45309",
    "background": "#FFFFFF",
    "surface": "#F5F5F5",
    "text": "#111111",
    "muted": "#555555",
    "success": "#15803D",
    "danger": "#B91C1C",
}
