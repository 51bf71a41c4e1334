"""``python -m thidua_crawler.sample_site``: serve the offline copy of the site until stopped."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from pathlib import Path

from thidua_crawler.sample_site import SITE_ROOT, SampleSite


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--root", type=Path, default=SITE_ROOT, help="a copy of the site")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--log", type=Path, help="append each request path to this file")
    args = parser.parse_args(argv)
    site = SampleSite(args.root, args.port, args.delay, args.log).start()
    print(site.url, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    site.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
