"""Posts a form with aiohttp's FormData, as a Python service uploading files would.

Reads one JSON request on stdin:
  {"url": "...", "fields": [[name, value], ...],
   "files": [{"name": ..., "filename": ..., "type": ..., "content_b64": ...}, ...]}
and prints {"status": <int>, "body": <text>} on stdout.
"""
import asyncio
import base64
import json
import sys

import aiohttp


async def main():
    request = json.load(sys.stdin)
    form = aiohttp.FormData()
    for name, value in request["fields"]:
        form.add_field(name, value)
    for upload in request["files"]:
        form.add_field(upload["name"], base64.b64decode(upload["content_b64"]),
                       filename=upload["filename"], content_type=upload["type"])
    async with aiohttp.ClientSession() as session:
        async with session.post(request["url"], data=form) as response:
            print(json.dumps({"status": response.status, "body": await response.text()}))


asyncio.run(main())
