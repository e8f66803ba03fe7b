"""staff pages of the branded site."""
