"""How long an animated image upload holds a web worker: processed inside the request (the way
every image was handled before) against answered at once with the processing left to Celery.

    eval "$(.venv/bin/python scripts/devenv.py up)"
    export DATABASE_URL=${DATABASE_URL%/souk}/souk_bench_media     # a database of your own
    .venv/bin/python bench/media_upload.py [--frames 10] [--side 3000] [--runs 3]

Creates (or reuses) the marketplace "bench-media" and a provider with a listing, then uploads
the same animated GIF (``--frames`` frames of ``--side``² pixels; 10 × 9 MP by default, the
issue's measurement) through POST /api/v1/listings/<id>/media/ with ``django.test.Client``:

* async: the request as it is now: headers checked, the original stored privately, 202;
* worker: the task's work for that upload (``media_process``: decode, re-encode, thumbnails,
  files), run right after in this process, as a worker would;
* sync: request + worker back to back in one thread: what the request cost when it did the
  processing itself.

Also one upload over SOUK_MAX_IMAGE_TOTAL_PIXELS (60 frames of 2000×1000), refused from its
headers. Files go to a temporary folder. The last line on stdout is the machine-readable result.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import log, machine_line, setup_django  # noqa: E402

SLUG = "bench-media"
DOMAIN = "bench-media.localhost"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=10)
    parser.add_argument("--side", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def animated_gif(frames: int, width: int, height: int) -> bytes:
    """Frames that differ everywhere (a moving band over a colour that changes), so the
    encoder cannot skip any, yet compress to a few MB."""
    from PIL import Image, ImageDraw

    images = []
    for n in range(frames):
        image = Image.new("P", (width, height), n % 200)
        band = (width // max(frames, 1)) * n
        ImageDraw.Draw(image).rectangle([band, 0, band + width // 10, height], fill=250)
        image.putpalette([(i * 5 + c * 80) % 256 for i in range(256) for c in range(3)])
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=60)
    return out.getvalue()


def ensure_owner():
    from django_tenants.utils import tenant_context

    from accounts.models import User
    from catalog.models import Category, Listing, ListingType, ProviderProfile
    from tenants.db import connection
    from tenants.models import Marketplace
    from tenants.services import marketplace_create

    connection.set_schema_to_public()
    marketplace = Marketplace.objects.filter(slug=SLUG).first()
    if marketplace is None:
        log("provisioning marketplace bench-media")
        marketplace = marketplace_create(
            preset="fire-performers",
            name="Bench Media",
            slug=SLUG,
            domain=DOMAIN,
            owner_email="bench-media@example.com",
        )
    with tenant_context(marketplace):
        user = User.objects.filter(email="bench-provider@example.com").first()
        if user is None:
            user = User.objects.create_user(
                email="bench-provider@example.com", password=None, role=User.Role.PROVIDER
            )
        profile, _ = ProviderProfile.objects.get_or_create(
            user=user, defaults={"display_name": "Bench"}
        )
        category = Category.objects.order_by("pk").first()
        listing_type = ListingType.objects.order_by("pk").first()
        assert category is not None and listing_type is not None  # the preset made them
        listing = Listing.objects.filter(provider=profile).first() or Listing.objects.create(
            provider=profile,
            category=category,
            listing_type=listing_type,
            title="Bench listing",
            slug="bench-listing",
            price_minor=1000,
            currency="GBP",
            status=Listing.Status.PUBLISHED,
        )
    return marketplace, user, listing


def main() -> None:
    args = parse_args()
    media, private = tempfile.mkdtemp(), tempfile.mkdtemp()
    setup_django(
        SOUK_SPARE_SCHEMAS="0",
        SOUK_SPARE_SCHEMAS_MAX="0",
        MEDIA_ROOT=media,
        SOUK_PRIVATE_MEDIA_ROOT=private,
    )

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django_tenants.utils import tenant_context
    from rest_framework.test import APIClient

    from catalog.media.processing import media_process
    from catalog.models import MediaItem
    from catalog.services.media import media_delete

    marketplace, user, listing = ensure_owner()
    client = APIClient(HTTP_HOST=DOMAIN)
    client.force_authenticate(user)
    url = f"/api/v1/listings/{listing.pk}/media/"
    data = animated_gif(args.frames, args.side, args.side)
    log(f"GIF: {args.frames} frames of {args.side}×{args.side}, {len(data) / 1e6:.1f} MB")

    request_ms, worker_ms = [], []
    for run in range(args.runs):
        started = time.perf_counter()
        response = client.post(url, {"file": SimpleUploadedFile("a.gif", data)}, format="multipart")
        request_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 202, response.content
        item_id = response.json()["id"]
        with tenant_context(marketplace):
            started = time.perf_counter()
            outcome = media_process(media_id=item_id)
            worker_ms.append((time.perf_counter() - started) * 1000)
            assert outcome == "ready", outcome
            media_delete(item=MediaItem.objects.get(pk=item_id), actor=user)
        log(f"run {run + 1}: request {request_ms[-1]:.0f} ms, worker {worker_ms[-1]:.0f} ms")

    too_big = animated_gif(60, 2000, 1000)
    started = time.perf_counter()
    refused = client.post(url, {"file": SimpleUploadedFile("b.gif", too_big)}, format="multipart")
    refused_ms = (time.perf_counter() - started) * 1000
    assert refused.status_code == 400, refused.content

    async_p50, work_p50 = statistics.median(request_ms), statistics.median(worker_ms)
    sync_p50 = statistics.median(r + w for r, w in zip(request_ms, worker_ms, strict=True))
    print(
        f"refused 60x2000x1000 ({len(too_big) / 1e6:.1f} MB, 120 M pixels) in "
        f"{refused_ms:.0f} ms: {refused.json()['error']}"
    )
    print(machine_line())
    print(
        f"media_upload frames={args.frames} side={args.side} runs={args.runs} "
        f"sync_ms={sync_p50:.0f} async_ms={async_p50:.0f} worker_ms={work_p50:.0f} "
        f"speedup={sync_p50 / async_p50:.1f}"
    )


if __name__ == "__main__":
    main()
