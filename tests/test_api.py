"""The upload API on both databases: keys, scoping, rate limit, idempotency, streaming refusal,
document shapes and the OpenAPI document. Decisions themselves are in test_service_integration."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from models.db import session
from models.declarations import Declaration
from tests.service_helpers import multipart, receipt, service_settings
from webapp import create_app
from webapp.keys import RateLimiter, create_key, revoke_key

PROGRAM = "salon-rewards"


class Recorder:
    """Stands in for the workers: records what the API hands over (the API is under test)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def process(self, declaration_id: int) -> None:
        self.ids.append(declaration_id)

    def close(self) -> None:
        pass


@pytest.fixture
def api(tmp_path, database_url):
    settings = service_settings(tmp_path, database_url)
    recorder = Recorder()
    app = create_app(settings, dispatcher=recorder)
    with TestClient(app) as client:
        client.recorder, client.settings = recorder, settings
        client.key = create_key(settings.db_url, PROGRAM)
        client.other_key = create_key(settings.db_url, "other-club")
        yield client


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def upload(client, key, *, participant="p-1", program=PROGRAM, data=None, headers=None, **fields):
    body, ctype = multipart({"participant": participant, "program": program, **fields}, "r.jpg",
                            receipt() if data is None else data)
    return client.post("/v1/declarations", content=body,
                       headers={**auth(key), "Content-Type": ctype, **(headers or {})})


def test_upload_is_stored_then_queued_and_answers_202(api):
    r = upload(api, api.key, declared_date="2026-05-01", declared_retailer="L'ESPACE K")
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "queued" and isinstance(body["id"], int)
    assert api.recorder.ids == [body["id"]]
    with session(api.settings.db_url) as s:
        d = s.get(Declaration, body["id"])
    assert d.status == "queued" and d.program == PROGRAM
    assert str(d.declared_purchase_date) == "2026-05-01" and d.declared_retailer == "L'ESPACE K"
    from models.store import original_path
    assert original_path(api.settings.data_dir, d.file_sha256).read_bytes() == receipt()


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer rk_abc_def", "Basic Zm9vOmJhcg=="])
def test_missing_or_bad_keys_get_401(api, header):
    body, ctype = multipart({"participant": "p", "program": PROGRAM}, "r.jpg", b"x")
    headers = {"Content-Type": ctype} | ({"Authorization": header} if header else {})
    r = api.post("/v1/declarations", content=body, headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert api.recorder.ids == []


def test_a_revoked_key_stops_working(api):
    assert upload(api, api.key).status_code == 202
    key_id = api.key.split("_")[1]
    assert revoke_key(api.settings.db_url, key_id)
    assert upload(api, api.key).status_code == 401
    assert not revoke_key(api.settings.db_url, key_id)  # already revoked


def test_a_key_sees_nothing_of_another_program(api):
    created = upload(api, api.key, participant="shared-id").json()["id"]
    # the other program's key: the declaration, the balance and declaring into it are all 404
    assert api.get(f"/v1/declarations/{created}", headers=auth(api.other_key)).status_code == 404
    assert api.get("/v1/participants/shared-id/balance", params={"program": PROGRAM},
                   headers=auth(api.other_key)).status_code == 404
    assert upload(api, api.other_key, program=PROGRAM).status_code == 404
    # a made-up id looks exactly the same
    missing = api.get("/v1/declarations/999999", headers=auth(api.other_key))
    other = api.get(f"/v1/declarations/{created}", headers=auth(api.other_key))
    assert missing.json() == other.json()
    assert api.get(f"/v1/declarations/{created}", headers=auth(api.key)).status_code == 200


def test_idempotency_key_makes_a_retry_one_declaration(api):
    first = upload(api, api.key, headers={"Idempotency-Key": "upload-42"})
    again = upload(api, api.key, headers={"Idempotency-Key": "upload-42"})
    other = upload(api, api.key, headers={"Idempotency-Key": "upload-43"})
    assert first.status_code == again.status_code == other.status_code == 202
    assert first.json()["id"] == again.json()["id"] != other.json()["id"]
    assert api.recorder.ids == [first.json()["id"], other.json()["id"]]  # queued once
    with session(api.settings.db_url) as s:
        assert len(s.exec(select(Declaration)).all()) == 2


def test_the_same_idempotency_key_in_another_program_is_another_declaration(api):
    a = upload(api, api.key, headers={"Idempotency-Key": "k"}).json()["id"]
    b = upload(api, api.other_key, program="other-club", headers={"Idempotency-Key": "k"}).json()["id"]
    assert a != b


def test_rate_limit_per_key(tmp_path, database_url):
    settings = service_settings(tmp_path, database_url, rate_limit_per_minute=3)
    with TestClient(create_app(settings, dispatcher=Recorder())) as client:
        key = create_key(settings.db_url, PROGRAM)
        other = create_key(settings.db_url, PROGRAM)
        window = int(time.time() // 60)
        codes = [client.get("/v1/declarations/1", headers=auth(key)).status_code for _ in range(5)]
        limited = client.get("/v1/declarations/1", headers=auth(key))
        if int(time.time() // 60) != window:  # the window turned mid-test: the count restarted
            pytest.skip("minute boundary")
        assert codes == [404, 404, 404, 429, 429]
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert client.get("/v1/declarations/1", headers=auth(other)).status_code == 404  # per key


def test_rate_limit_is_shared_through_redis(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    key_id = f"shared-{time.time_ns()}"
    one, two = RateLimiter(client), RateLimiter(client)  # two API processes
    window = int(time.time() // 60)
    hits = [one.hit(key_id, 3), two.hit(key_id, 3), one.hit(key_id, 3), two.hit(key_id, 3)]
    if int(time.time() // 60) != window:
        pytest.skip("minute boundary")
    assert hits[:3] == [None, None, None] and hits[3] is not None


class Stream:
    """An ASGI body of `total` bytes made on demand; counts what the app pulled."""

    def __init__(self, head: bytes, total: int, chunk: int = 64 * 1024) -> None:
        self.head, self.total, self.chunk, self.sent = head, total, chunk, 0

    async def receive(self):
        if self.sent == 0:
            self.sent = len(self.head)
            return {"type": "http.request", "body": self.head, "more_body": True}
        size = min(self.chunk, self.total - self.sent)
        self.sent += size
        return {"type": "http.request", "body": b"\0" * size, "more_body": self.sent < self.total}


def call(app, key: str, stream: Stream, ctype: str, content_length: int | None = None):
    headers = [(b"authorization", f"Bearer {key}".encode()), (b"content-type", ctype.encode())]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/v1/declarations", "raw_path": b"/v1/declarations", "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent = []

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, stream.receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


def test_a_2_gb_upload_is_refused_while_streaming(api, tmp_path):
    import json

    limit = 5 * 1024 * 1024
    boundary = "bnd"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="participant"\r\n\r\np-9\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="program"\r\n\r\n{PROGRAM}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.jpg"\r\n\r\n').encode()
    stream = Stream(head, 2 * 1024 ** 3)  # no Content-Length: chunked, only the stream tells
    status, body = call(api.app, api.key, stream, f"multipart/form-data; boundary={boundary}")
    assert status == 413
    assert stream.sent <= limit + len(head) + 2 * stream.chunk  # stopped right past the limit
    doc = json.loads(body)
    assert doc["error"]["code"] == "file_too_large" and doc["status"] == "rejected"
    with session(api.settings.db_url) as s:
        d = s.get(Declaration, doc["id"])
    assert d.status == "rejected" and d.reasons == ["file_too_large"]
    assert api.recorder.ids == []
    originals = api.settings.data_dir / "originals"
    assert not originals.exists() or all(p.stat().st_size < limit for p in originals.rglob("*") if p.is_file())


def test_a_declared_content_length_over_the_limit_is_refused_before_reading(api):
    stream = Stream(b"--x\r\n", 2 * 1024 ** 3)
    status, _ = call(api.app, api.key, stream, "multipart/form-data; boundary=x", content_length=2 * 1024 ** 3)
    assert status == 413 and stream.sent == 0


def test_a_file_just_under_the_limit_is_accepted(api):
    data = receipt() + b"\0" * (5 * 1024 * 1024 - len(receipt()))
    assert upload(api, api.key, data=data).status_code == 202


@pytest.mark.parametrize("fields, code", [({"participant": ""}, 422), ({"declared_date": "01/05/2026"}, 422)])
def test_bad_form_fields(api, fields, code):
    assert upload(api, api.key, **fields).status_code == code


def test_a_body_without_a_file_is_400(api):
    body, ctype = multipart({"participant": "p"}, "r.jpg", b"")
    body = body.replace(b'name="file"', b'name="other"')
    r = api.post("/v1/declarations", content=body, headers={**auth(api.key), "Content-Type": ctype})
    assert r.status_code == 400


def test_declaration_and_balance_documents(api):
    created = upload(api, api.key, participant="p-7").json()["id"]
    doc = api.get(f"/v1/declarations/{created}", headers=auth(api.key)).json()
    assert doc == {"id": created, "status": "queued", "reasons": [], "points": 0, "extracted": None}
    balance = api.get("/v1/participants/p-7/balance", params={"program": PROGRAM}, headers=auth(api.key))
    assert balance.status_code == 200, balance.text
    b = balance.json()
    assert b["participant"] == "p-7" and b["program"] == PROGRAM and isinstance(b.get("lots"), list)
    assert api.get("/v1/participants/nobody/balance", params={"program": PROGRAM},
                   headers=auth(api.key)).status_code == 404


def test_health_and_metrics(api):
    upload(api, api.key)
    h = api.get("/health")
    assert h.status_code == 200 and h.json()["checks"] == {"database": "ok"}
    m = api.get("/metrics").json()
    assert m["outcomes"] == {"queued": 1} and m["waiting"] == 1 and m["processed_last_minute"] == 0
    assert m["processing_seconds"]["samples"] == 0


def test_openapi_documents_the_contract(api):
    doc = api.get("/openapi.json").json()
    post = doc["paths"]["/v1/declarations"]["post"]
    schema = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"file", "participant", "program"} <= set(schema["required"])
    assert "202" in post["responses"]
    assert "/v1/participants/{participant}/balance" in doc["paths"]
    assert any(s.get("scheme") == "bearer" for s in doc["components"]["securitySchemes"].values())


def test_apikey_commands_print_the_key_once_and_revoke_it(api, capsys):
    from cli.main import build_parser
    from cli.service import run_apikey

    def run(*argv):
        code = run_apikey(build_parser().parse_args(["apikey", *argv, "--db", api.settings.db_url]), api.settings)
        return code, capsys.readouterr().out.strip()

    code, key = run("create", "--program", PROGRAM, "--label", "site back end")
    assert code == 0 and key.startswith("rk_")
    assert upload(api, key).status_code == 202
    code, listed = run("list")
    assert key.split("_")[1] in listed and key not in listed  # the secret is never shown again
    assert run("revoke", key.split("_")[1])[0] == 0
    assert upload(api, key).status_code == 401
    with pytest.raises(ValueError):
        run("create", "--program", "no-such-program")


def test_a_real_server_answers_413_long_before_a_2_gb_chunked_upload_ends(api):
    import select
    import socket
    import threading

    import uvicorn

    from tests.services import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(api.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        sock = socket.create_connection(("127.0.0.1", port))
        head = ('--b\r\nContent-Disposition: form-data; name="participant"\r\n\r\np\r\n'
                '--b\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\n\r\n').encode()
        sock.sendall((f"POST /v1/declarations HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {api.key}\r\n"
                      "Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n").encode())
        block = b"\0" * 65536
        framed = f"{len(block):x}\r\n".encode() + block + b"\r\n"
        sock.sendall(f"{len(head):x}\r\n".encode() + head + b"\r\n")
        sent, answer = 0, b""
        try:
            while sent < 2 * 1024 ** 3 and not answer:
                if select.select([sock], [], [], 0)[0]:
                    answer = sock.recv(65536)
                    break
                sock.sendall(framed)
                sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = answer or sock.recv(65536)
        sock.close()
        assert answer.startswith(b"HTTP/1.1 413")
        assert sent < 100 * 1024 * 1024  # the limit (5 MB) plus what the sockets buffer
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_receipts_serve_runs_the_api_from_the_environment(tmp_path, database_url):
    import os
    import subprocess
    import sys

    import httpx

    from tests.conftest import ROOT
    from tests.services import free_port, wait_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECEIPTS_") and k not in ("REDIS_URL",)}
    env.update(DATABASE_URL=database_url, RECEIPTS_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port, 60)
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10)
        assert health.status_code == 200 and health.json()["checks"] == {"database": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/v1/declarations/1", timeout=10).status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=30)
