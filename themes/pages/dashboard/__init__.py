"""dashboard pages of the branded site."""
