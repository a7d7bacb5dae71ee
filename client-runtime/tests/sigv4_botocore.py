"""Signs requests with botocore's SigV4Auth, the reference for the SigV4 signer of
oapi-gen-client-runtime (run by tests/sigv4_botocore.rs; botocore's version is pinned
in scripts/test).

    python sigv4_botocore.py CASES.json RESULTS.json

CASES.json is a list of requests as the Rust client sends them: method, url, headers
(a list of [name, value] pairs, without the headers the signer adds), body (hex, or
null), whether the body is a stream, credentials, service, region and signing time.
RESULTS.json gets botocore's version and, for each case, the headers botocore adds:
authorization, x-amz-date, x-amz-content-sha256 and x-amz-security-token (null when
absent).

Like the Rust signer, the request carries `X-Amz-Content-SHA256` (the SHA-256 of the
body, or UNSIGNED-PAYLOAD for a stream), which botocore then signs as a header and
uses as the payload hash.

The query is given to botocore as its decoded pairs (`params`), which botocore
percent-encodes and sorts: the way it signs its own requests, and the way API Gateway
canonicalizes the query it receives. Given a whole URL instead, botocore signs the
query as it is written, which differs when the client leaves characters unencoded (the
`,` of form-style arrays, `allowReserved` values) and is then rejected by API Gateway;
`raw_url_agrees` tells, for each case, whether that would have given the same
signature.
"""

import datetime
import json
import sys
from hashlib import sha256
from urllib.parse import unquote_plus, urlsplit

import botocore
import botocore.auth
from botocore.auth import UNSIGNED_PAYLOAD, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ADDED = ("Authorization", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token")


def sign(case, decode_query):
    body = bytes.fromhex(case["body"]) if case["body"] is not None else None
    request = AWSRequest(method=case["method"], url=case["url"], data=body)
    for name, value in case["headers"]:
        # HTTPHeaders appends: repeated names keep all their values, in order.
        request.headers[name] = value
    if case["stream"]:
        request.headers["X-Amz-Content-SHA256"] = UNSIGNED_PAYLOAD
    else:
        request.headers["X-Amz-Content-SHA256"] = sha256(body or b"").hexdigest()
    query = urlsplit(case["url"]).query
    if decode_query and query:
        pairs = (pair.partition("=") for pair in query.split("&") if pair)
        request.params = [(unquote_plus(k), unquote_plus(v)) for k, _, v in pairs]
    when = datetime.datetime.strptime(case["timestamp"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda *args, **kwargs: when
    credentials = Credentials(case["access_key"], case["secret_key"], case["token"])
    SigV4Auth(credentials, case["service"], case["region"]).add_auth(request)
    return {name.lower(): request.headers.get(name) for name in ADDED}


def result(case):
    signed = sign(case, decode_query=True)
    raw_url = sign(case, decode_query=False)
    signed["raw_url_agrees"] = raw_url["authorization"] == signed["authorization"]
    return signed


def main():
    cases_path, results_path = sys.argv[1:3]
    with open(cases_path, encoding="utf-8") as cases_file:
        cases = json.load(cases_file)
    results = {
        "botocore": botocore.__version__,
        "results": [result(case) for case in cases],
    }
    with open(results_path, "w", encoding="utf-8") as results_file:
        json.dump(results, results_file)


if __name__ == "__main__":
    main()
