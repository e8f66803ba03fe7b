"""provider pages of the branded site."""
