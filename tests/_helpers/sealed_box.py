"""libsodium's crypto_box_seal through PyNaCl's SealedBox, for tests/sealed/libsodium.test.ts.

Reads one JSON request on stdin and writes one JSON answer on stdout; every key and value is standard base64.
Request (each part optional):
  {"generate": N,                                    key pairs made by PrivateKey.generate()
   "public_of": [SECRET, ...],                       PrivateKey(SECRET).public_key for each
   "seal": [{"to": PUBLIC | {"generated": I}, "message": M}, ...],
                                                     SealedBox(PublicKey(...)).encrypt(M)
   "open": [{"secret": SECRET | {"generated": I}, "box": BOX}, ...]}
                                                     SealedBox(PrivateKey(...)).decrypt(BOX)
Answer: {"generated": [{"secret", "public"}], "public_of": [PUBLIC], "sealed": [BOX],
         "opened": [{"message": M} | {"error": "CryptoError: ..."}], "pynacl": VERSION}
"""
import base64
import json
import sys

import nacl
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox


def b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


def unb64(text):
    return base64.b64decode(text, validate=True)


def main():
    request = json.load(sys.stdin)
    generated = [PrivateKey.generate() for _ in range(request.get("generate", 0))]

    def secret_key(ref):
        return generated[ref["generated"]] if isinstance(ref, dict) else PrivateKey(unb64(ref))

    def public_key(ref):
        return generated[ref["generated"]].public_key if isinstance(ref, dict) else PublicKey(unb64(ref))

    opened = []
    for item in request.get("open", []):
        try:
            opened.append({"message": b64(SealedBox(secret_key(item["secret"])).decrypt(unb64(item["box"])))})
        except CryptoError as error:
            opened.append({"error": f"CryptoError: {error}"})

    json.dump({
        "pynacl": nacl.__version__,
        "generated": [{"secret": b64(key), "public": b64(key.public_key)} for key in generated],
        "public_of": [b64(PrivateKey(unb64(secret)).public_key) for secret in request.get("public_of", [])],
        "sealed": [b64(SealedBox(public_key(item["to"])).encrypt(unb64(item["message"]))) for item in request.get("seal", [])],
        "opened": opened,
    }, sys.stdout)


if __name__ == "__main__":
    main()
