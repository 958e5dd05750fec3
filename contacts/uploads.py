"""Import files kept in the database (`contacts.models.ImportUpload`) for import jobs.

Deployments run several web and worker machines against one database: a file the
web machine kept in its temporary folder cannot be read by a worker elsewhere. So
the bytes of a file that is imported in the background are stored in the database,
in chunks of CHUNK_BYTES (one row each, so neither side holds the whole file in one
value), and the job copies them to a private temporary file of its own machine to
read them (openpyxl needs a seekable file). An upload is removed when its job ends,
or after MAX_AGE_SECONDS when nobody started one (`import_uploads_purge`, run by the
workers periodically and by the import page).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from contacts.models import ImportUpload, ImportUploadChunk

#: Bytes per chunk row.
CHUNK_BYTES = 1 << 20
#: Uploads no job took are removed after a day.
MAX_AGE_SECONDS = 24 * 3600
_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")


def _pieces(source: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Re-cut the source's pieces (any sizes) into pieces of `size` bytes (the last shorter)."""
    buffer = bytearray()
    for piece in source:
        buffer += piece
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


def import_upload_store(*, chunks: Iterable[bytes], name: str, owner=None) -> ImportUpload:
    """Store a file's bytes (given in pieces, e.g. `UploadedFile.chunks()` or an open
    file read in blocks) as a new upload; returns it. One transaction."""
    owner = owner if owner is not None and owner.is_authenticated else None
    with transaction.atomic():
        upload = ImportUpload.objects.create(owner=owner, name=Path(name or "").name[:200])
        size = 0
        for index, piece in enumerate(_pieces(chunks, CHUNK_BYTES)):
            ImportUploadChunk.objects.create(upload=upload, index=index, data=piece)
            size += len(piece)
        upload.size = size
        upload.save(update_fields=["size"])
    return upload


def import_upload_store_file(*, path: Path, name: str, owner=None) -> ImportUpload:
    """`import_upload_store` for a file on this machine."""
    with open(path, "rb") as handle:
        return import_upload_store(
            chunks=iter(lambda: handle.read(CHUNK_BYTES), b""), name=name, owner=owner
        )


def import_upload_chunks(upload: ImportUpload) -> Iterator[bytes]:
    """The upload's bytes, chunk by chunk (one chunk in memory at a time)."""
    ids = list(upload.chunks.order_by("index").values_list("pk", flat=True))
    for pk in ids:
        data = ImportUploadChunk.objects.filter(pk=pk).values_list("data", flat=True).first()
        if data is not None:
            yield bytes(data)


@contextlib.contextmanager
def import_upload_file(upload: ImportUpload) -> Iterator[Path]:
    """A private temporary copy of the upload on this machine (0600, in a 0700
    directory of its own), removed on leaving the block."""
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="crm-import-job-") as directory:
        os.chmod(directory, 0o700)
        path = Path(directory) / f"upload{suffix if suffix in _SUFFIXES else ''}"
        with path.open("xb") as handle:
            os.chmod(path, 0o600)
            for data in import_upload_chunks(upload):
                handle.write(data)
        yield path


def import_upload_delete(*, upload_id: int | None) -> None:
    """Remove an upload and its bytes (nothing happens when it is gone already)."""
    if upload_id:
        ImportUploadChunk.objects.filter(upload_id=upload_id).delete()
        ImportUpload.objects.filter(pk=upload_id).delete()


def import_uploads_purge(*, max_age_seconds: int = MAX_AGE_SECONDS, now=None) -> int:
    """Remove uploads older than `max_age_seconds` (no job took them, or a job that
    left them behind); returns how many. An upload a queued or running job still
    needs is kept."""
    from contacts.tasks import import_contacts_file
    from jobs.models import Job

    cutoff = (now or timezone.now()) - timedelta(seconds=max_age_seconds)
    needed = {
        params.get("upload")
        for params in Job.objects.active()
        .filter(kind=import_contacts_file.module_path)
        .values_list("params", flat=True)
        if isinstance(params, dict)
    }
    old = [
        pk
        for pk in ImportUpload.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)
        if pk not in needed
    ]
    for pk in old:
        import_upload_delete(upload_id=pk)
    return len(old)
