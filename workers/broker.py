"""The dramatiq broker, built from settings at worker boot (never at import of a stage).

REDIS_URL set: a RedisBroker. Unset (embedded mode): a StubBroker, so actors can be
declared and called in-process by the CLI and the tests.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from pipeline.settings import Settings


def make_broker(settings: Settings) -> dramatiq.Broker:
    if settings.redis_url:
        broker: dramatiq.Broker = RedisBroker(url=settings.redis_url, heartbeat_timeout=30_000)
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    return broker


def install_broker(settings: Settings) -> dramatiq.Broker:
    broker = make_broker(settings)
    dramatiq.set_broker(broker)
    return broker
