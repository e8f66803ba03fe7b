"""Photos and videos of provider profiles and listings.

``validation`` judges an upload by its bytes, ``thumbnails`` renders the sizes,
``selectors`` reads and ``services`` writes.
"""
