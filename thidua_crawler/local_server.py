"""The zero-configuration database: a local SecantusDB server, started on demand.

With ``MONGO_URI`` unset, the crawler and the commands use a SecantusDB
server (``secantusd-py --standalone``) listening on 127.0.0.1, with its data,
log and pid file in one directory:

- ``$THIDUA_DATA_DIR`` when set, else ``$XDG_DATA_HOME/thidua_crawler``,
  else ``~/.local/share/thidua_crawler``;
- ``<dir>/secantus/`` holds the data (WiredTiger), ``<dir>/secantusd.log`` the
  log, ``<dir>/secantusd.pid`` the pid and ``<dir>/secantusd.port`` the port.

A server already running from that directory is reused; it keeps running
after the crawl (``scrapy localdb stop`` stops it).
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT = 60.0


def data_dir(configured: str | None = None) -> Path:
    """Where local data lives (see the module docstring for the order of precedence)."""
    if configured:
        return Path(configured).expanduser()
    if os.environ.get("THIDUA_DATA_DIR"):
        return Path(os.environ["THIDUA_DATA_DIR"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "thidua_crawler"


def server_binary() -> str:
    """``secantusd-py`` beside this Python (a venv), else on PATH."""
    beside = Path(sys.executable).parent / "secantusd-py"
    if beside.exists():
        return str(beside)
    found = shutil.which("secantusd-py")
    if not found:
        raise RuntimeError("secantusd-py not found: install the project "
                           "(pip install -e .) or set MONGO_URI to your own MongoDB")
    return found


def _uri(port: int) -> str:
    return f"mongodb://127.0.0.1:{port}/"


def _answers(port: int, timeout_ms: int = 500) -> bool:
    client = MongoClient(_uri(port), serverSelectionTimeoutMS=timeout_ms)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def _running_pid(directory: Path) -> int | None:
    pid_file = directory / "secantusd.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def status(directory: Path) -> str | None:
    """The URI of the local server when it is up, else None."""
    port_file = directory / "secantusd.port"
    if _running_pid(directory) and port_file.exists():
        port = int(port_file.read_text().strip())
        if _answers(port):
            return _uri(port)
    return None


def ensure_server(directory: Path, port: int) -> str:
    """Start the local server unless it already runs; returns its URI.

    Commands started at once (a crawl, a query, a cron job) take turns on
    ``<dir>/secantusd.lock``: the first starts the server, the others find it running.
    """
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "secantusd.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        uri = status(directory)
        if uri:
            logger.info("Using the local SecantusDB at %s (data in %s)", uri,
                        directory / "secantus")
            return uri
        if _answers(port):
            raise RuntimeError(f"port {port} already has a database that is not this "
                               f"project's local server; set MONGO_URI to use it, or "
                               f"LOCAL_DB_PORT to move")
        process = start_process(directory / "secantus", port, directory / "secantusd.log",
                                detach=True)  # outlives the crawl, like a database should
        try:
            uri = wait_until_up(process, port, directory / "secantusd.log")
        except RuntimeError:
            process.kill()
            raise
        (directory / "secantusd.pid").write_text(str(process.pid))  # only once it answers
        (directory / "secantusd.port").write_text(str(port))
    logger.info("Started the local SecantusDB at %s (data in %s, log in %s)",
                uri, directory / "secantus", directory / "secantusd.log")
    return uri


def start_process(storage_path: Path, port: int, log_path: Path,
                  detach: bool = False) -> subprocess.Popen:
    """Launch ``secantusd-py --standalone`` on 127.0.0.1 (the local server, the tests' and the
    benchmark's); ``detach`` lets it outlive this process."""
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [server_binary(), "--standalone", "--storage-path", str(storage_path),
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "WARNING"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=detach)


def wait_until_up(process: subprocess.Popen, port: int, log_path: Path,
                  timeout: float = STARTUP_TIMEOUT) -> str:
    """The server's URI once it answers; an error naming the log if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"secantusd-py exited with {process.returncode}; see {log_path}")
        if _answers(port):
            return _uri(port)
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"secantusd-py did not answer within {timeout:.0f} s; see {log_path}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_server(directory: Path) -> bool:
    """Stop the local server started from ``directory``; False when none was running."""
    pid = _running_pid(directory)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    (directory / "secantusd.pid").unlink(missing_ok=True)
    return True


_resolved: dict[tuple[Path, int], str] = {}


def resolve_uri(mongo_uri: str | None, configured_dir: str | None, port: int) -> str:
    """``MONGO_URI`` when set; else the local server, started if need be (once a process)."""
    if mongo_uri:
        return mongo_uri
    key = (data_dir(configured_dir), port)
    if key not in _resolved:
        _resolved[key] = ensure_server(*key)
    return _resolved[key]
