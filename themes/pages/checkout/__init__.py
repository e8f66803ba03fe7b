"""checkout pages of the branded site."""
