"""A loopback static feed server in its own process, so serving never competes with the
measured code for the GIL. Conditional GET (ETag / Last-Modified → 304) comes from
aiohttp's FileResponse, as from any well-behaved web server."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def content_type(head: bytes) -> str:
    """Feeds are often stored without an extension: type them from their first bytes."""
    return "application/json" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "application/xml"


def _serve(folder: str, conn) -> None:  # runs in the child process
    from aiohttp import web

    root = Path(folder)
    types = {p.name: content_type(p.read_bytes()[:64]) for p in root.iterdir() if p.is_file()}

    async def handler(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in types:
            raise web.HTTPNotFound()
        return web.FileResponse(root / name, headers={"Content-Type": types[name]})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{name}", handler)
        # the same files under /<copy>/<name>: many distinct feed URLs from one folder
        app.router.add_get("/{copy}/{name}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=512)
        await site.start()
        conn.send(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve the files of ``folder`` at http://127.0.0.1:PORT/<file name>; yields the base URL."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(str(folder), child), daemon=True)
    process.start()
    try:
        if not parent.poll(60):
            raise RuntimeError("the loopback feed server did not start")
        yield f"http://127.0.0.1:{parent.recv()}"
    finally:
        process.terminate()
        process.join(10)
