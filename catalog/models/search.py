from django.contrib.postgres.indexes import GistIndex
from django.db import models


class SearchWord(models.Model):
    """A word that occurs in listing titles: the dictionary typo correction picks from.

    Kept by catalog.search.index (words are added as listings are indexed); a trigram GiST
    index finds the nearest known word to a misspelt one in a few milliseconds.
    """

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        indexes = [GistIndex(fields=["word"], name="searchword_trgm", opclasses=["gist_trgm_ops"])]

    def __str__(self):
        return self.word
