"""A small aiohttp server with the real aiohttp_session, for routechain's interop tests.

Usage: /usr/bin/python3 aiohttp_app.py STORAGE KEY COOKIE_NAME PORT

  STORAGE      'encrypted' (EncryptedCookieStorage), 'nacl' (NaClCookieStorage), 'simple' (SimpleCookieStorage)
               or 'redis' (RedisStorage, with python3-redis standing in for aioredis 2: see redis_storage())
  KEY          for encrypted and nacl: a 32-byte key as url-safe base64 (what routechain's generateKey() and
               Fernet.generate_key() print); for redis: the port of a redis-server on 127.0.0.1; ignored by simple
  COOKIE_NAME  the session cookie's name (the redis storage keys records as <COOKIE_NAME>_<id>)
  PORT         0 picks a free port

Binds 127.0.0.1 only (with redis, checks first that Redis answers) and prints the port it bound as one line on
stdout once it accepts connections.

Routes:
  GET /get                      {"new": bool, "created": int, "identity": str|null, "data": {...}}: the session
                                as aiohttp_session sees it (identity: the redis storage's id; null otherwise)
  GET /set?key=K&value=V        session[K] = V (a string)
  GET /set?key=K&json=J         session[K] = json.loads(J)
  GET /set?data=J               session.update(json.loads(J)), J a JSON object
  GET /del?key=K                del session[K]
  GET /invalidate               session.invalidate()
  GET /raw?payload=J            sets the cookie to the JSON payload J, sealed as the storage seals its own
                                (simple and encrypted only): payloads aiohttp_session itself would not write
Every /set, /del and /invalidate answers like /get, with the session after the change.
"""

import asyncio
import base64
import json
import sys
from typing import Awaitable, Callable, Optional, Tuple

from aiohttp import web
import aiohttp_session

Cleanup = Optional[Callable[[], Awaitable[object]]]


async def make_storage(kind: str, key: str, cookie_name: str) -> Tuple[aiohttp_session.AbstractStorage, Cleanup]:
    """The storage, and what to close when the server ends (None: nothing)."""
    if kind == "encrypted":
        from aiohttp_session.cookie_storage import EncryptedCookieStorage

        # cookie_storage.py hands a str straight to cryptography's Fernet(), which takes exactly this form:
        # the url-safe base64 (with padding) of 32 bytes. Raw bytes would be base64-encoded first, to the same.
        return EncryptedCookieStorage(key, cookie_name=cookie_name), None
    if kind == "nacl":
        from aiohttp_session.nacl_storage import NaClCookieStorage

        # nacl.secret.SecretBox wants the 32 raw key bytes.
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
        if len(raw) != 32:
            raise SystemExit(f"the key decodes to {len(raw)} bytes, not 32")
        return NaClCookieStorage(raw, cookie_name=cookie_name), None
    if kind == "simple":
        return aiohttp_session.SimpleCookieStorage(cookie_name=cookie_name), None
    if kind == "redis":
        return await redis_storage(int(key), cookie_name)
    raise SystemExit(f"unknown storage {kind!r}: use encrypted, nacl, simple or redis")


async def redis_storage(redis_port: int, cookie_name: str) -> Tuple[aiohttp_session.AbstractStorage, Cleanup]:
    # --- the aioredis shim ----------------------------------------------------------------------------------
    # aiohttp_session 2.11's redis_storage does `import aioredis` when it is imported, then in RedisStorage():
    #   StrictVersion(aioredis.__version__).version < (2, 0)  -> RuntimeError("aioredis<2.0 is not supported")
    #   isinstance(redis_pool, aioredis.Redis)                -> TypeError otherwise
    # and later uses only `await redis.get(key)` (bytes or None) and `await redis.set(key, data, ex=max_age)`.
    # Debian ships aioredis 1.3.1 (refused by that check) and no aioredis 2. aioredis 2 was merged into redis-py
    # as `redis.asyncio` (redis-py >= 4.2) with the same API, so Debian's python3-redis (4.3.4) stands in for
    # it: the module registered as `aioredis` before aiohttp_session.redis_storage is imported, with redis-py's
    # version (4.3.4 >= 2.0) so the version check passes, and `aioredis.Redis` is `redis.asyncio.Redis`, the
    # class of the client made below, so the isinstance check passes. Nothing of aiohttp_session itself is
    # changed. Only this storage imports redis: the cookie storages run without python3-redis.
    import redis
    import redis.asyncio as aioredis_shim

    aioredis_shim.__version__ = redis.__version__  # type: ignore[attr-defined]
    sys.modules["aioredis"] = aioredis_shim
    # --------------------------------------------------------------------------------------------------------
    from aiohttp_session.redis_storage import RedisStorage

    client = aioredis_shim.Redis(host="127.0.0.1", port=redis_port)
    await client.ping()  # fail at start-up, not on the first request, when Redis is not there
    return RedisStorage(client, cookie_name=cookie_name), client.close


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


def raw_route(kind: str, storage: aiohttp_session.AbstractStorage) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def raw(request: web.Request) -> web.Response:
        payload = request.query["payload"]
        if kind == "simple":
            value = payload
        elif kind == "encrypted":
            value = storage._fernet.encrypt(payload.encode("utf-8")).decode("utf-8")  # type: ignore[attr-defined]
        else:
            raise web.HTTPBadRequest(text="/raw serves the simple and encrypted storages")
        response = web.Response(text="ok")
        storage.save_cookie(response, value)
        return response

    return raw


async def main() -> None:
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    kind, key, cookie_name, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    storage, cleanup = await make_storage(kind, key, cookie_name)
    app = web.Application()
    aiohttp_session.setup(app, storage)
    app.router.add_get("/get", get)
    app.router.add_get("/set", set_)
    app.router.add_get("/del", delete)
    app.router.add_get("/invalidate", invalidate)
    app.router.add_get("/raw", raw_route(kind, storage))
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
        if cleanup is not None:
            await cleanup()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
