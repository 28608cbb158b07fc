"""The upload API: declare a receipt, read its decision, read a balance.

    POST /v1/declarations                      202 {"id", "status": "queued"}
    GET  /v1/declarations/{id}                 {"id", "status", "reasons", "points", "extracted"}
    GET  /v1/participants/{id}/balance?program {"program", "participant", totals..., "lots": [...]}
    GET  /health                               database and Redis reachable (200, else 503)
    GET  /metrics                              JSON: queue depth, throughput, outcomes, latency

Every /v1 call needs `Authorization: Bearer <key>`; a key belongs to one program and
sees nothing of another (404, never 403, so ids of other programs leak nothing).
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from datetime import date

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from pipeline.settings import Settings
from webapp.dispatch import Dispatcher, dispatcher_for
from webapp.keys import Client, RateLimiter, verify_key
from webapp.upload import UploadError, UploadTooLargeError, read_upload

log = logging.getLogger(__name__)

FORM_OVERHEAD = 64 * 1024  # boundaries, part headers and short fields around the file
UPLOAD_SCHEMA = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "required": ["file", "participant", "program"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "the receipt: JPEG, PNG or PDF"},
            "participant": {"type": "string", "description": "the participant's id on the loyalty site"},
            "program": {"type": "string", "description": "the program this API key belongs to"},
            "declared_date": {"type": "string", "format": "date", "description": "purchase date declared"},
            "declared_retailer": {"type": "string", "description": "salon or shop declared"},
        }}}},
}


class ApiError(Exception):
    def __init__(self, http_status: int, code: str, message: str, headers: dict | None = None,
                 extra: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = http_status, code, message, headers
        self.extra = extra or {}


def create_app(settings: Settings, *, dispatcher: Dispatcher | None = None) -> FastAPI:
    """The API for these settings (database migrated, dispatcher and limiter built once)."""
    from declarations.runtime import runtime

    rt = runtime(settings)
    dispatch = dispatcher or dispatcher_for(settings)
    redis_client = None
    if settings.redis_url:
        import redis

        redis_client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    limiter = RateLimiter(redis_client)
    bearer = HTTPBearer(auto_error=False, description="an API key from `receipts apikey create`")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        dispatch.close()

    app = FastAPI(title="Receipt declarations", version="1", lifespan=lifespan,
                  description="Upload till receipts for a loyalty program and read the decisions.")
    app.state.settings, app.state.runtime, app.state.dispatcher = settings, rt, dispatch
    app.state.redis = redis_client

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse({"error": {"code": exc.code, "message": exc.message}, **exc.extra},
                            status_code=exc.status, headers=exc.headers)

    async def client(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Client:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, "unauthorized", "Send `Authorization: Bearer <API key>`.",
                           headers={"WWW-Authenticate": "Bearer"})
        found = await run_in_threadpool(verify_key, rt.url, credentials.credentials)
        if found is None:
            raise ApiError(401, "unauthorized", "This API key is unknown or revoked.",
                           headers={"WWW-Authenticate": "Bearer"})
        limit = found.rate_limit_per_minute or settings.rate_limit_per_minute
        wait = await run_in_threadpool(limiter.hit, found.key_id, limit)
        if wait is not None:
            raise ApiError(429, "rate_limited", f"At most {limit} requests a minute for this key.",
                           headers={"Retry-After": str(wait)})
        return found

    def same_program(c: Client, program: str | None) -> None:
        if program != c.program:  # another program's name is as unknown as a made-up one
            raise ApiError(404, "not_found", "No such program for this API key.")

    @app.post("/v1/declarations", status_code=202, openapi_extra={"requestBody": UPLOAD_SCHEMA},
              responses={202: {"description": "declared; decided later"}, 413: {"description": "file too large"}})
    async def post_declaration(request: Request, c: Client = Depends(client),
                               idempotency_key: str | None = Header(default=None, max_length=128)):
        """Declare one receipt. The file is stored before the answer; the decision comes later."""
        limit = rt.program(c.program).extract.intake.max_bytes
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit + FORM_OVERHEAD:
            raise ApiError(413, "file_too_large", too_large_sentence(limit))  # refused before reading
        try:
            upload = await read_upload(request.headers.get("content-type"), request.stream(), limit)
        except UploadTooLargeError as e:
            extra = {}
            if e.fields.get("participant") and e.fields.get("program") == c.program:
                d = await run_in_threadpool(refuse, c, e.fields["participant"], limit, idempotency_key)
                extra = {"id": d.id, "status": d.status}
            raise ApiError(413, "file_too_large", too_large_sentence(limit), extra=extra) from e
        except UploadError as e:
            raise ApiError(400, "bad_request", str(e)) from e
        fields = upload.fields
        same_program(c, fields.get("program"))
        participant = fields.get("participant", "")
        if not participant or len(participant) > 128:
            raise ApiError(422, "invalid_participant", "Send the participant's id (1 to 128 characters).")
        declared_date = None
        if fields.get("declared_date"):
            try:
                declared_date = date.fromisoformat(fields["declared_date"])
            except ValueError as e:
                raise ApiError(422, "invalid_date", "declared_date must be YYYY-MM-DD.") from e
        d, created = await run_in_threadpool(
            declare_one, c, participant, upload.file_name or "upload", upload.data, declared_date,
            fields.get("declared_retailer") or None, idempotency_key)
        if created:
            try:
                dispatch.process(d.id)
            except Exception:  # Redis away: the row is committed, the sweeper sends it later
                log.warning("declaration %s stored but not queued; the sweeper will resend it", d.id,
                            exc_info=True)
        return JSONResponse({"id": d.id, "status": d.status if not created else "queued"}, status_code=202)

    def declare_one(c: Client, participant: str, name: str, data: bytes, declared_date, retailer, key):
        from declarations.process import declare

        return declare(rt, program=c.program, participant=participant, name=name, data=data,
                       declared_purchase_date=declared_date, declared_retailer=retailer, idempotency_key=key)

    def refuse(c: Client, participant: str, limit: int, key: str | None):
        from declarations.process import declare_refused
        from pipeline.errors import FileTooLargeError

        return declare_refused(rt, program=c.program, participant=participant, name="upload",
                               error=FileTooLargeError(too_large_sentence(limit)), idempotency_key=key)

    @app.get("/v1/declarations/{declaration_id}")
    async def get_declaration(declaration_id: int, c: Client = Depends(client)):
        """A declaration's status, reasons, points and extracted fields."""
        found = await run_in_threadpool(declaration_view, rt.url, c.program, declaration_id)
        if found is None:
            raise ApiError(404, "not_found", "No such declaration for this API key.")
        return found

    @app.get("/v1/participants/{participant}/balance")
    async def get_balance(participant: str, program: str = Query(...), c: Client = Depends(client)):
        """The participant's points: totals by state and every lot."""
        same_program(c, program)
        found = await run_in_threadpool(balance_view, rt, program, participant)
        if found is None:
            raise ApiError(404, "not_found", "No such participant in this program.")
        return found

    @app.get("/health")
    async def health():
        """Database and (in service mode) Redis reachable."""
        from webapp.metrics import health_checks

        checks = await run_in_threadpool(health_checks, rt.url, redis_client)
        ok = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ok" if ok else "unavailable", "checks": checks},
                            status_code=200 if ok else 503)

    @app.get("/metrics")
    async def metrics():
        """Queue depth, declarations decided in the last minute, outcome counts, p50/p95 seconds."""
        from webapp.metrics import collect

        return await run_in_threadpool(collect, rt.url, redis_client, dispatch)

    return app


def too_large_sentence(limit: int) -> str:
    return f"The file is larger than the program accepts ({limit / 1_048_576:.0f} MB at most)."


def declaration_view(url: str, program: str, declaration_id: int) -> dict | None:
    from declarations.process import declaration_to_dict
    from models.db import session
    from models.declarations import Declaration

    with session(url) as s:
        d = s.get(Declaration, declaration_id)
        if d is None or d.program != program:
            return None
        full = declaration_to_dict(s, d)
    out = {"id": d.id, "status": full["status"], "reasons": full["reasons"], "points": full["points"],
           "extracted": full["extracted"]}
    if d.status == "failed":
        out["error"] = d.error
    return out


def balance_view(rt, program: str, participant: str) -> dict | None:
    from sqlmodel import select

    from ledger.balances import balances, balances_to_dict

    from models.base import now
    from models.db import session
    from models.declarations import Participant

    with session(rt.url) as s:
        person = s.exec(select(Participant).where(Participant.program == program,
                                                  Participant.external_id == participant)).first()
        if person is None:
            return None
        b = balances(s, program=program, participant_id=person.id, today=now().date(),
                     policy=rt.program(program).ledger)
        return {"program": program, "participant": participant, **balances_to_dict(b)}
