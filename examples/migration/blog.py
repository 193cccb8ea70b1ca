"""The blog of aiohttp_session's tutorial, as the aiohttp service a team starts its migration from.

It runs with Debian's python3-aiohttp and python3-aiohttp-session. Its routechain twin is app.ts: the same routes,
pages, users and session data, so that a load balancer can send any path to either side.

Usage: /usr/bin/python3 blog.py --posts FILE --cookie NAME (--keys K1[,K2...] | --redis-port N) [--port P]

  --posts       the JSON file both sides keep the posts in (a stand-in for the database they would share)
  --cookie      the session cookie's name: the same on both sides
  --keys        EncryptedCookieStorage keys, url-safe base64 of 32 bytes each (Fernet.generate_key()'s form):
                the first encrypts, every one decrypts, for key rotation
  --redis-port  RedisStorage on the redis-server at 127.0.0.1:N (records at <cookie>_<id>)
  --port        0 (the default) picks a free one

Binds 127.0.0.1 and prints the port it bound as one line on stdout once it accepts connections.

  GET  /                      the posts, with who is logged in
  GET  /login, POST /login    the login form; success starts a new session and redirects (303) to /
  POST /logout                invalidates the session
  GET  /posts/{post}          a post and who last edited it
  GET  /posts/{post}/edit     the edit form        } require_login: 303 to /login
  POST /posts/{post}/edit     saves title and body } unless logged in
  GET  /ready                 200, for the load balancer's health check
"""

import argparse
import asyncio
import functools
import hashlib
import hmac
import html
import json
import os
import sys
import tempfile
from typing import Awaitable, Callable, Dict, Optional

from aiohttp import web
import aiohttp_session
from cryptography.fernet import Fernet, MultiFernet

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# the same users as app.ts; passwords kept as scrypt hashes and compared in constant time
SALT = b"routechain-migration-example"
USERS: Dict[str, bytes] = {
    name: hashlib.scrypt(password.encode(), salt=SALT, n=2**14, r=8, p=1)
    for name, password in (("alice", "wonderland"), ("bob", "builder"))
}


def check_password(username: str, password: str) -> Optional[str]:
    known = USERS.get(username)
    attempt = hashlib.scrypt(password.encode(), salt=SALT, n=2**14, r=8, p=1)
    return username if known is not None and hmac.compare_digest(attempt, known) else None


# ---- the posts: one JSON object of slug -> {slug, title, body, editor}, shared with the routechain side


class Posts:
    def __init__(self, path: str) -> None:
        self.path = path

    def all(self) -> Dict[str, dict]:
        with open(self.path, encoding="utf-8") as file:
            return json.load(file)

    def save(self, post: dict) -> None:
        posts = self.all()
        posts[post["slug"]] = post
        # write beside the file and rename over it, so the other side never reads half a file
        fd, temp = tempfile.mkstemp(dir=os.path.dirname(self.path))
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(posts, file)
        os.replace(temp, self.path)


# ---- pages: the same markup as app.ts

STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}"


def page(user: Optional[str], title: str, content: str, status: int = 200) -> web.Response:
    if user is None:
        who = '<a href="/login">Log in</a>'
    else:
        who = (f'<span id="user">Logged in as <strong>{html.escape(user)}</strong></span>'
               '<form method="post" action="/logout"><button type="submit">Log out</button></form>')
    body = (f'<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{STYLE}</style></head>\n<body>\n<header><a href="/">blog</a>{who}</header>\n<main>\n{content}\n'
            '</main>\n</body>\n</html>\n')
    return web.Response(text=body, status=status, content_type="text/html",
                        headers={"Cache-Control": "no-store"})


async def current_user(request: web.Request) -> Optional[str]:
    session = await aiohttp_session.get_session(request)
    user = session.get("user")
    return user if isinstance(user, str) and user in USERS else None


def require_login(handler: Handler) -> Handler:
    """The tutorial's decorator: a handler that runs only for a logged-in user, others go to the login form."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        if await current_user(request) is None:
            raise web.HTTPSeeOther("/login")
        return await handler(request)

    return wrapped


def login_form(user: Optional[str], username: str = "", error: str = "", status: int = 200) -> web.Response:
    message = f'<p class="error" role="alert">{html.escape(error)}</p>\n' if error else ""
    return page(user, "Log in", f'<h1>Log in</h1>\n{message}<form method="post" action="/login">\n'
                f'<label>Username <input name="username" required value="{html.escape(username)}"></label>\n'
                '<label>Password <input name="password" type="password" required></label>\n'
                '<button type="submit">Log in</button>\n</form>', status)


def routes(posts: Posts) -> web.RouteTableDef:
    table = web.RouteTableDef()

    @table.get("/")
    async def list_posts(request: web.Request) -> web.Response:
        items = "\n".join(
            f'<li><a href="/posts/{post["slug"]}">{html.escape(post["title"])}</a></li>' for post in posts.all().values())
        return page(await current_user(request), "Posts", f"<h1>Posts</h1>\n<ul>\n{items}\n</ul>")

    @table.get("/login")
    async def show_login(request: web.Request) -> web.Response:
        return login_form(await current_user(request))

    @table.post("/login")
    async def log_in(request: web.Request) -> web.Response:
        form = await request.post()
        username = str(form.get("username", "")).strip()
        user = check_password(username, str(form.get("password", "")))
        if user is None:
            return login_form(await current_user(request), username, "Wrong username or password.", 401)
        session = await aiohttp_session.new_session(request)  # a new identity at login
        session["user"] = user
        raise web.HTTPSeeOther("/")

    @table.post("/logout")
    async def log_out(request: web.Request) -> web.Response:
        session = await aiohttp_session.get_session(request)
        session.invalidate()
        raise web.HTTPSeeOther("/")

    @table.get("/posts/{post}")
    async def show_post(request: web.Request) -> web.Response:
        user = await current_user(request)
        post = posts.all().get(request.match_info["post"])
        if post is None:
            return page(user, "Not found", "<h1>Not found</h1>", 404)
        editor = f'edited by <span id="editor">{html.escape(post["editor"])}</span>' if post.get("editor") else "never edited"
        return page(user, post["title"], f'<article>\n<h1 id="title">{html.escape(post["title"])}</h1>\n'
                    f'<p class="meta">{editor} · <a href="/posts/{post["slug"]}/edit">Edit</a></p>\n'
                    f'<p id="body">{html.escape(post["body"])}</p>\n</article>')

    def find_post(request: web.Request) -> dict:
        post = posts.all().get(request.match_info["post"])
        if post is None:
            raise web.HTTPNotFound()
        return post

    @table.get("/posts/{post}/edit")
    @require_login
    async def edit_form(request: web.Request) -> web.Response:
        return edit_page(await current_user(request), find_post(request))

    @table.post("/posts/{post}/edit")
    @require_login
    async def save_post(request: web.Request) -> web.Response:
        post = find_post(request)
        form = await request.post()
        title = str(form.get("title", "")).strip()
        if not title:
            return edit_page(await current_user(request), post, "A post needs a title.", 422)
        posts.save({**post, "title": title, "body": str(form.get("body", "")), "editor": await current_user(request)})
        raise web.HTTPSeeOther(f'/posts/{post["slug"]}')

    @table.get("/ready")
    async def ready(request: web.Request) -> web.Response:
        return web.Response(text="ready")

    return table


def edit_page(user: Optional[str], post: dict, error: str = "", status: int = 200) -> web.Response:
    message = f'<p class="error" role="alert">{html.escape(error)}</p>\n' if error else ""
    return page(user, f'Edit {post["title"]}', f'<h1>Edit “{html.escape(post["title"])}”</h1>\n{message}'
                f'<form method="post" action="/posts/{post["slug"]}/edit">\n'
                f'<label>Title <input name="title" required value="{html.escape(post["title"])}"></label>\n'
                f'<label>Body <textarea name="body" rows="8">{html.escape(post["body"])}</textarea></label>\n'
                '<button type="submit">Save</button>\n</form>', status)


# ---- sessions


def encrypted_storage(keys: str, cookie: str) -> aiohttp_session.AbstractStorage:
    from aiohttp_session.cookie_storage import EncryptedCookieStorage

    listed = keys.split(",")
    storage = EncryptedCookieStorage(listed[0], cookie_name=cookie, httponly=True, samesite="Lax")
    # aiohttp_session takes one key; MultiFernet has the same encrypt/decrypt, with the first key encrypting and
    # every key decrypting, which is how a key is rotated without logging anyone out
    storage._fernet = MultiFernet([Fernet(key) for key in listed])  # type: ignore[attr-defined]
    return storage


async def redis_storage(port: int, cookie: str) -> aiohttp_session.AbstractStorage:
    # aiohttp_session's RedisStorage imports aioredis 2, which Debian does not ship; aioredis 2 lives on in
    # redis-py as redis.asyncio with the same API, so python3-redis stands in for it under that name
    import redis
    import redis.asyncio as aioredis

    aioredis.__version__ = redis.__version__  # type: ignore[attr-defined]
    sys.modules["aioredis"] = aioredis
    from aiohttp_session.redis_storage import RedisStorage

    client = aioredis.Redis(host="127.0.0.1", port=port)
    await client.ping()  # fail at start-up, not on the first request
    return RedisStorage(client, cookie_name=cookie, httponly=True, samesite="Lax")


async def main() -> None:
    parser = argparse.ArgumentParser(description="The aiohttp blog of the migration example.")
    parser.add_argument("--posts", required=True)
    parser.add_argument("--cookie", required=True)
    store = parser.add_mutually_exclusive_group(required=True)
    store.add_argument("--keys")
    store.add_argument("--redis-port", type=int)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    if args.keys is not None:
        storage = encrypted_storage(args.keys, args.cookie)
    else:
        storage = await redis_storage(args.redis_port, args.cookie)
    app = web.Application()
    aiohttp_session.setup(app, storage)
    app.add_routes(routes(Posts(args.posts)))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", args.port)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)  # type: ignore[union-attr]
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
