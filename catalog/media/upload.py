from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadSizeLimitHandler(FileUploadHandler):
    """Stops reading a request once one file passes the largest media limit.

    Without it Django would spool the whole body to a temporary file before any view
    could refuse it. The exact per-kind limits are checked by catalog.media.validation.
    """

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max(settings.SOUK_MAX_IMAGE_BYTES, settings.SOUK_MAX_VIDEO_BYTES):
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
