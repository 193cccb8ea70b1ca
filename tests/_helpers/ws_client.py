"""A WebSocket client on aiohttp, for the interop test of routechain's WebSocket routes.

One JSON request on stdin: {"url": "ws://127.0.0.1:PORT/path", "cookie": "NAME=VALUE" or null}. It connects
with aiohttp's ClientSession.ws_connect, carrying the cookie; reads the first message, sends "from python",
reads the answer, closes. One JSON answer on stdout: {"first": ..., "echo": ...}, or {"status": N} when the
handshake is refused.
"""
import asyncio
import json
import sys

import aiohttp


async def main() -> None:
    request = json.load(sys.stdin)
    headers = {} if request["cookie"] is None else {"Cookie": request["cookie"]}
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        try:
            async with session.ws_connect(request["url"], headers=headers) as ws:
                first = await ws.receive_str()
                await ws.send_str("from python")
                echo = await ws.receive_str()
                await ws.close()
                print(json.dumps({"first": first, "echo": echo}))
        except aiohttp.WSServerHandshakeError as refused:
            print(json.dumps({"status": refused.status}))


asyncio.run(main())
