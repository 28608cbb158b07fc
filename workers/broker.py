"""The dramatiq broker, built from settings at boot (never at import of a stage).

REDIS_URL set: a RedisBroker whose retries, heartbeat and maintenance come from the
settings. Unset (embedded mode): a StubBroker, so actors can be declared and
called in-process by the CLI and the tests.

Retries: only transient failures (database or Redis unavailable, OCR engine
timeout) are retried, with exponential backoff, up to `retry_max`; anything else
that escapes an actor is a bug and is dead-lettered at once. Dead letters stay in
Redis's `<namespace>:<queue>.XQ` set, where `dead_letters` and `replay` find them.
"""

from __future__ import annotations

import logging
from functools import partial

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.message import Message
from dramatiq.middleware import Retries, default_middleware

from pipeline.errors import TransientError
from pipeline.settings import Settings

log = logging.getLogger(__name__)

NAMESPACE = "dramatiq"
PROCESS_QUEUE = "declarations"
REPROCESS_QUEUE = "reprocess"
LEDGER_QUEUE = "ledger"
READING_QUEUE = "reading"
QUEUES = (PROCESS_QUEUE, REPROCESS_QUEUE, LEDGER_QUEUE, READING_QUEUE)


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: the infrastructure failed, not the file or the code."""
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(exc, TransientError | OperationalError | RedisConnectionError | RedisTimeoutError
                  | ConnectionError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def retry_transient(max_retries: int, retries: int, exc: BaseException) -> bool:
    return retries < max_retries and is_transient(exc)


def make_broker(settings: Settings) -> dramatiq.Broker:
    if not settings.redis_url:
        broker: dramatiq.Broker = StubBroker()
        broker.emit_after("process_boot")
        return broker
    from workers.middleware import DeadLetterStatus, PeriodicSweep

    middleware = [m() for m in default_middleware if m is not Retries]
    middleware.append(Retries(max_retries=settings.retry_max, min_backoff=settings.retry_min_backoff_ms,
                              max_backoff=settings.retry_max_backoff_ms,
                              retry_when=partial(retry_transient, settings.retry_max)))
    middleware += [DeadLetterStatus(settings), PeriodicSweep(settings)]
    return RedisBroker(url=settings.redis_url, middleware=middleware, namespace=NAMESPACE,
                       heartbeat_timeout=settings.broker_heartbeat_ms,
                       maintenance_chance=settings.broker_maintenance_chance)


def install_broker(settings: Settings) -> dramatiq.Broker:
    broker = make_broker(settings)
    dramatiq.set_broker(broker)
    return broker


def message_for(actor_name: str, queue_name: str, *args, **options) -> Message:
    """A message for an actor known by name (the API sends without importing the actors)."""
    return Message(queue_name=queue_name, actor_name=actor_name, args=args, kwargs={}, options=options)


def enqueue(broker: dramatiq.Broker, actor_name: str, queue_name: str, *args) -> Message:
    if queue_name not in broker.get_declared_queues():
        broker.declare_queue(queue_name)
    return broker.enqueue(message_for(actor_name, queue_name, *args))


def queue_depths(client, namespace: str = NAMESPACE) -> dict[str, dict[str, int]]:
    """Ready, delayed (retries waiting) and dead messages per queue, straight from Redis."""
    out = {}
    for q in QUEUES:
        out[q] = {"ready": int(client.llen(f"{namespace}:{q}")),
                  "delayed": int(client.llen(f"{namespace}:{q}.DQ")),
                  "dead": int(client.zcard(f"{namespace}:{q}.XQ"))}
    return out


def dead_letters(client, namespace: str = NAMESPACE) -> list[tuple[str, str, Message]]:
    """Every dead-lettered message, oldest first, as (queue, dead-letter id, message)."""
    found = []
    for q in QUEUES:
        for mid in client.zrange(f"{namespace}:{q}.XQ", 0, -1):
            raw = client.hget(f"{namespace}:{q}.XQ.msgs", mid)
            if raw is not None:
                found.append((q, mid.decode() if isinstance(mid, bytes) else mid, Message.decode(raw)))
    return found


def replay(broker: RedisBroker, queue: str, message_id: str) -> Message | None:
    """Put a dead letter back on its queue with fresh retries; None when it is not there."""
    client, namespace = broker.client, broker.namespace
    raw = client.hget(f"{namespace}:{queue}.XQ.msgs", message_id)
    if raw is None:
        return None
    old = Message.decode(raw)
    options = {k: v for k, v in old.options.items()
               if k not in ("retries", "traceback", "redis_message_id", "eta", "requeue_timestamp")}
    message = Message(queue_name=queue, actor_name=old.actor_name, args=old.args, kwargs=old.kwargs,
                      options=dict(options, replayed_from=old.message_id))
    if queue not in broker.get_declared_queues():
        broker.declare_queue(queue)
    broker.enqueue(message)
    client.zrem(f"{namespace}:{queue}.XQ", message_id)
    client.hdel(f"{namespace}:{queue}.XQ.msgs", message_id)
    return message
