#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the three fuzz targets into fuzz/corpus/<target>/.

Usage: python3 fuzz/make_seeds.py

The envelope seeds are every JSON example of the API reference pages (tests/fixtures/:
api-overview.json, tasks-api.json), as responses with their status and with or without
rate-limit headers, plus non-envelope
bodies (an HTML 502, an empty body, truncated JSON, JSON that is not an object). The SSE
seeds are the API overview's event stream and the cases of src/core/sse/tests.rs; the webhook
seeds start from the Standard Webhooks published vector. Each file is named after the hash
of its content, as libFuzzer names corpus entries, so running this again adds nothing twice.
The input layouts are described at the top of each fuzz_targets/*.rs.
"""

import hashlib
import json
import pathlib
import struct

FUZZ = pathlib.Path(__file__).resolve().parent
FIXTURES = FUZZ.parent / "tests" / "fixtures"


def write(target, data):
    out = FUZZ / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    (out / hashlib.sha1(data).hexdigest()).write_bytes(data)


# --- envelope: [status u16 BE] body [0xFF limit [0xFF remaining [0xFF reset]]] -------------
STATUS = {"invalid_request": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404,
          "conflict": 409, "validation_error": 422, "rate_limit_exceeded": 429, "internal_error": 500}


def envelope(status, body, headers=None):
    data = struct.pack(">H", status) + body.encode()
    for h in headers or []:
        data += b"\xff" + h.encode()
    write("envelope", data)


pages = [json.loads((FIXTURES / name).read_text(encoding="utf-8")) for name in ("api-overview.json", "tasks-api.json")]
examples = [json.dumps(example["json"], indent=2, ensure_ascii=False) for page in pages for example in page["examples"]]
for n, body in enumerate(dict.fromkeys(examples)):
    value = json.loads(body)
    status = 200
    if isinstance(value, dict) and value.get("success") is False:
        status = STATUS.get(value.get("error", {}).get("code"), 400)
    envelope(status, body, [["60", "42", "1716700000"], [], ["60", "0"]][n % 3])
    envelope(status, json.dumps(value, separators=(",", ":")))
for status, body in [
    (502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
    (200, ""), (204, "   "), (200, "null"), (200, "[1,2,3]"), (200, '"text"'), (200, "12.5e3"),
    (200, '{"success":true,"data":{"id":"tsk_1","title":"trunc'),
    (500, '{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1}}'),
    (200, '{"success":true,"data":null,"meta":{"credits_used":0,"credits_remaining":-1.5e308,"cursor":null,"has_more":false}}'),
    (200, '{"success":true,"data":{},"meta":{"credits_used":1,"credits_remaining":1,"cursor":5,"has_more":"no"}}'),
    (418, '{"success":false,"error":{"code":"teapot","message":"short and stout","docs":null}}'),
    (400, '{"success":false,"error":{"code":1,"message":"m","docs":7}}'),
    (200, '{"success":"yes","data":{},"\\u0000":"\\ud83d\\ude00"}'),
    (503, "é" * 100),
]:
    envelope(status, body, ["60", " 0 ", "1716700000"])
envelope(429, "", ["18446744073709551615", "18446744073709551616", "-1"])

# --- sse: [limit] [seed hi] [seed lo] [reconnect] stream ------------------------------------
DEFAULT = 0xFF
page_stream = "".join(page.get("sse_example", "") for page in pages).encode()
SAMPLE = (b"\xEF\xBB\xBFretry: 1500\r\nid: 1\nevent: activity\ndata: {\"type\":\"agent.heartbeat\",\"agent_id\":\"ag_xyz\"}\n\n: keepalive\r\r"
          b"id: 2\revent: activity\rdata: {\"type\":\"task.completed\",\r\ndata: \"task_id\":\"tsk_456\"}\r\n\r\n"
          b"data: multi\ndata: line \xE2\x9C\x93\n\nid\ndata: no id\n\ndata: tail")
streams = [
    page_stream, SAMPLE,
    b"event: activity\ndata: {\"type\":\"agent.heartbeat\",\"agent_id\":\"ag_xyz\",\"timestamp\":\"2026-05-25T10:00:00Z\"}\n\n",
    b"data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\rdata_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n",
    b"data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\ndata:test\n\n",
    b"retry:1000\ndata:test1\n\nid:test\ndata:test2",
    b"retry: 100\nretry: 1e3\nretry: -5\nretry: 5 \nretry:\nretry: 99999999999999999999999\n",
    b"id: 7\ndata: a\n\nid: 8\x009\ndata: b\n\nid\ndata: c\n\n",
    b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\n",
    "data: héllo → 世界 🎉\n\ndata: a\xff".encode() + b"\xffb\n\n",
    b"data: a\r\r\n\n\r\rdata: b\r",
]
for n, s in enumerate(streams):
    write("sse", bytes([DEFAULT, n, 7 * n, 0]) + s)
    write("sse", bytes([DEFAULT, n, 0, 128]) + s)
    write("sse", bytes([16 + n, n, 3, 0]) + s)
write("sse", bytes([16, 1, 2, 0]) + b"data: 0123456789\ndata: 0123456789\n\n")
write("sse", bytes([8, 1, 2, 0]) + b"event: much-too-long\ndata: x\n\n")
write("sse", bytes([0, 0, 0, 0]) + b"data\n\n")

# --- webhook: [flags] [now i64 BE] [tolerance u64 BE] secret FF id FF timestamp FF sigs FF payload
SECRET, ID, TS = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330
BODY, SIG = b'{"test": 2432232314}', "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def webhook(secret=SECRET, msg_id=ID, ts=str(TS), sigs=SIG, payload=BODY, now=TS, tolerance=300, flags=0):
    head = bytes([flags]) + struct.pack(">qQ", now, tolerance)
    write("webhook", head + b"\xff".join(x.encode() for x in (secret, msg_id, ts, sigs)) + b"\xff" + payload)


webhook()
webhook(secret=SECRET[len("whsec_"):])
webhook(sigs=f"v1,Zm9vYmFy v1a,{SIG[3:]} {SIG}")
webhook(now=TS + 301)
webhook(now=TS - 301)
webhook(now=-(2**63), tolerance=2**64 - 1)
webhook(ts=" 1614265330 ")
webhook(ts="+1614265330")
webhook(ts="soon", sigs="v1,not*base64")
webhook(flags=1)
webhook(flags=2)
webhook(flags=4)
webhook(secret="whsec_***")
webhook(secret="whsec_")
webhook(payload=b'{"type":"task.completed","data":{"task_id":"tsk_456"}}', msg_id="msg_2", sigs="")
