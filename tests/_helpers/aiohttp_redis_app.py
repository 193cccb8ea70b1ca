"""A small aiohttp server with the real aiohttp_session RedisStorage, for routechain's Redis interop test.

Usage: /usr/bin/python3 aiohttp_redis_app.py REDIS_PORT COOKIE_NAME PORT

  REDIS_PORT   the port of a redis-server on 127.0.0.1
  COOKIE_NAME  the session cookie's name (aiohttp_session keys records as <COOKIE_NAME>_<id>)
  PORT         0 picks a free port

Binds 127.0.0.1 only, checks that Redis answers, and prints the port it bound as one line on stdout once it
accepts connections.

Routes (the same as aiohttp_app.py's):
  GET /get                      {"new": bool, "created": int, "identity": str|null, "data": {...}}
  GET /set?key=K&value=V        session[K] = V (a string)
  GET /set?key=K&json=J         session[K] = json.loads(J)
  GET /set?data=J               session.update(json.loads(J)), J a JSON object
  GET /del?key=K                del session[K]
  GET /invalidate               session.invalidate()
Every /set, /del and /invalidate answers like /get, with the session after the change.
"""

import asyncio
import json
import sys

# --- the aioredis shim --------------------------------------------------------------------------------------
# aiohttp_session 2.11's redis_storage does `import aioredis` when it is imported, then in RedisStorage():
#   StrictVersion(aioredis.__version__).version < (2, 0)  -> RuntimeError("aioredis<2.0 is not supported")
#   isinstance(redis_pool, aioredis.Redis)                -> TypeError otherwise
# and later uses only `await redis.get(key)` (bytes or None) and `await redis.set(key, data, ex=max_age)`.
# Debian ships aioredis 1.3.1 (refused by that check) and no aioredis 2. aioredis 2 was merged into redis-py
# as `redis.asyncio` (redis-py >= 4.2) with the same API, so Debian's python3-redis (4.3.4) stands in for it:
# the module registered as `aioredis` before aiohttp_session.redis_storage is imported, with redis-py's version
# (4.3.4 >= 2.0) so the version check passes, and `aioredis.Redis` is `redis.asyncio.Redis`, the class of the
# client made below, so the isinstance check passes. Nothing of aiohttp_session itself is changed.
import redis
import redis.asyncio as aioredis_shim

aioredis_shim.__version__ = redis.__version__  # type: ignore[attr-defined]
sys.modules["aioredis"] = aioredis_shim
# ------------------------------------------------------------------------------------------------------------

from aiohttp import web  # noqa: E402
import aiohttp_session  # noqa: E402
from aiohttp_session.redis_storage import RedisStorage  # noqa: E402


def describe(session: aiohttp_session.Session) -> web.Response:
    return web.json_response(
        {"new": session.new, "created": session.created, "identity": session.identity, "data": dict(session)}
    )


async def get(request: web.Request) -> web.Response:
    return describe(await aiohttp_session.get_session(request))


async def set_(request: web.Request) -> web.Response:
    session = await aiohttp_session.get_session(request)
    query = request.query
    if "data" in query:
        data = json.loads(query["data"])
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="data must be a JSON object")
        session.update(data)
    elif "key" in query and "json" in query:
        session[query["key"]] = json.loads(query["json"])
    elif "key" in query and "value" in query:
        session[query["key"]] = query["value"]
    else:
        raise web.HTTPBadRequest(text="give key and value, key and json, or data")
    return describe(session)


async def delete(request: web.Request) -> web.Response:
    session = await aiohttp_session.get_session(request)
    session.pop(request.query["key"], None)
    return describe(session)


async def invalidate(request: web.Request) -> web.Response:
    session = await aiohttp_session.get_session(request)
    session.invalidate()
    return describe(session)


async def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    redis_port, cookie_name, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    client = aioredis_shim.Redis(host="127.0.0.1", port=redis_port)
    await client.ping()  # fail at start-up, not on the first request, when Redis is not there
    app = web.Application()
    aiohttp_session.setup(app, RedisStorage(client, cookie_name=cookie_name))
    app.router.add_get("/get", get)
    app.router.add_get("/set", set_)
    app.router.add_get("/del", delete)
    app.router.add_get("/invalidate", invalidate)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    server = site._server  # the asyncio server; aiohttp 3.8 has no public accessor for the bound port
    bound = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(bound, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
        await client.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
