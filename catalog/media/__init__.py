"""The media pipeline: the library behind the media feature's services and selectors
(catalog/services/media.py writes, catalog/selectors/media.py reads).

``validation`` judges an upload by its bytes; for images, ``probe`` and ``images`` judge every
pixel limit from the headers before ``images`` decodes and re-encodes; ``thumbnails`` renders
the sizes, and ``processing`` is the worker's half of an animated or large upload
(catalog.tasks.process_media). ``upload`` stops reading a request past the largest limit;
``serve`` answers /media/ in development.
"""
