"""The ingest test's harness: the shipped platform/nginx-rtmp.conf rendered into a folder of its
own and run by Debian's nginx with its RTMP module, and ffmpeg publishing a test pattern.

nginx and ffmpeg come from `make media-tools`; without them the tests skip, except under CI,
where they fail.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.contract import free_port
from tests.support.production import ROOT
from tests.support.requirements import missing

TEMPLATE = ROOT / "platform" / "nginx-rtmp.conf"
RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
START_SECONDS = 15
PLACEHOLDER = re.compile(r"@[A-Z_]+@")
PUBLISH_SECONDS = 4


def media_tools() -> None:
    """Skip (fail under CI) without nginx, its RTMP module or ffmpeg."""
    absent = [
        name
        for name, there in (
            ("nginx", shutil.which("nginx")),
            ("libnginx-mod-rtmp", RTMP_MODULE.exists()),
            ("ffmpeg", shutil.which("ffmpeg")),
        )
        if not there
    ]
    if absent:
        missing(f"{', '.join(absent)} missing: `make media-tools` installs them")


@dataclass(frozen=True)
class Ingest:
    rtmp_port: int
    hls_port: int
    hls_path: Path
    error_log: Path

    def publish_url(self, key: str) -> str:
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/{key}"

    @property
    def hls_base_url(self) -> str:
        return f"http://127.0.0.1:{self.hls_port}/hls"


def render(template: str, values: dict[str, str]) -> str:
    """The template with each ``@NAME@`` replaced; every placeholder must have a value."""
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    left = PLACEHOLDER.findall(template)
    assert not left, f"no values for {left}"
    return template


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {log.read_text() if log.exists() else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {port} in {START_SECONDS} s")


@contextlib.contextmanager
def ingest_server(*, souk_port: int, marketplace_domain: str, secret: str) -> Iterator[Ingest]:
    """nginx with the shipped configuration: RTMP, the callbacks to Souk at ``souk_port`` on
    ``marketplace_domain``'s host, HLS over HTTP. Its folder is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="souk-ingest-"))
    try:
        # Run as root, nginx's workers are `nobody`: they must reach and write the HLS folder.
        folder.chmod(0o755)
        hls_path, run_dir = folder / "hls", folder / "run"
        for made in (hls_path, run_dir):
            made.mkdir()
            made.chmod(0o777)
        ports = {"RTMP_PORT": free_port(), "HLS_LISTEN": free_port(), "CALLBACK_PORT": free_port()}
        values = {name: str(port) for name, port in ports.items()}
        values.update(
            HLS_PATH=str(hls_path), RUN_DIR=str(run_dir), LOG_DIR=str(folder),
            SOUK_WEB=f"127.0.0.1:{souk_port}", MARKETPLACE_DOMAIN=marketplace_domain,
            INGEST_SECRET=secret,
        )  # fmt: skip
        config = folder / "nginx.conf"
        config.write_text(render(TEMPLATE.read_text(), values))
        error_log = folder / "error.log"
        command = ["nginx", "-p", str(folder), "-c", str(config), "-e", str(error_log),
                   "-g", "daemon off;"]  # fmt: skip
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(ports["RTMP_PORT"], process, error_log)
            yield Ingest(ports["RTMP_PORT"], ports["HLS_LISTEN"], hls_path, error_log)
        finally:
            process.terminate()
            process.wait(timeout=15)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish(url: str, *, seconds: int = PUBLISH_SECONDS) -> subprocess.Popen:
    """ffmpeg publishing ``seconds`` of a test pattern with a tone (a key frame a second, so
    HLS cuts fragments)."""
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
         "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
         "-f", "lavfi", "-i", "sine", "-t", str(seconds),
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "15", "-c:a", "aac",
         "-f", "flv", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def poll(check, *, seconds: float, what: str):
    """``check()``'s first truthy answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answer := check():
            return answer
        time.sleep(0.1)
    raise AssertionError(f"Not within {seconds} s: {what}")


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, b""
