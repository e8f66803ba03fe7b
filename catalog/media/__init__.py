"""Photos and videos of provider profiles and listings.

``validation`` judges an upload by its bytes; for images, ``probe`` and ``images`` judge every
pixel limit from the headers before ``images`` decodes and re-encodes; ``thumbnails`` renders
the sizes, ``selectors`` reads, ``services`` writes, and ``processing`` is the worker's half of
an animated or large upload (catalog.tasks.process_media).
"""
