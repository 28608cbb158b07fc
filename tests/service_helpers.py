"""Helpers shared by the service tests: a private copy of the program configs and catalogs,
settings built explicitly, and upload bodies."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from pipeline.settings import Settings
from tests.conftest import SAMPLES


def program_copy(root: Path) -> Path:
    """samples/programs (+ a second program `other-club`) and samples/catalogs under `root`."""
    programs = root / "programs"
    programs.mkdir(parents=True)
    shutil.copy(SAMPLES / "programs" / "salon-rewards.toml", programs / "salon-rewards.toml")
    shutil.copy(SAMPLES / "programs" / "salon-rewards.toml", programs / "other-club.toml")
    shutil.copytree(SAMPLES / "catalogs", root / "catalogs")
    return programs


def service_settings(tmp_path: Path, database_url: str, redis_url: str | None = None, **overrides) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url, redis_url=redis_url,
                    programs_dir=program_copy(tmp_path / f"config-{uuid.uuid4().hex[:6]}"), **overrides)


def multipart(fields: dict[str, str], file_name: str, data: bytes, boundary: str = "b0undaryXyZ") -> tuple[bytes, str]:
    parts = []
    for k, v in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def receipt(name: str = "salon-photo-kerastase.jpg") -> bytes:
    return (SAMPLES / "receipts" / name).read_bytes()


class PostgresCluster:
    """A PostgreSQL server this test can stop and start again on the same data and port."""

    def __init__(self) -> None:
        import glob
        import os
        import subprocess
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="receipts-pg-"))  # pytest's tmp_path is closed to `postgres`

        from tests.services import _as_postgres_user, free_port

        self._user = _as_postgres_user
        self.bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
        self.root, self.port, self.proc = root, free_port(), None
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        subprocess.run(self._user([str(self.bindir / "initdb"), "-D", str(root / "data"), "-U", "postgres",
                                   "-A", "trust", "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        import subprocess
        import time

        from tests.services import wait_port

        self.proc = subprocess.Popen(self._user([
            str(self.bindir / "postgres"), "-D", str(self.root / "data"), "-p", str(self.port), "-h", "127.0.0.1",
            "-k", str(self.root), "-c", "fsync=off", "-c", "synchronous_commit=off"]),
            stdout=subprocess.DEVNULL, stderr=(self.root / "server.log").open("ab"))
        wait_port(self.port)
        time.sleep(0.3)

    def stop(self) -> None:
        import os
        import signal

        if self.proc is not None:
            pid_file = self.root / "data" / "postmaster.pid"
            if pid_file.exists():  # fast shutdown of the server itself (runuser would SIGKILL it)
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGINT)
            else:
                self.proc.terminate()
            self.proc.wait(timeout=30)
            self.proc = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


class RedisProcess:
    """A Redis server without persistence that this test can restart (it comes back empty)."""

    def __init__(self) -> None:
        from tests.services import free_port

        self.port, self.proc = free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import subprocess

        from tests.services import wait_port

        self.proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment a `receipts worker` process boots its settings from."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("RECEIPTS_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update({"DATABASE_URL": settings.db_url, "RECEIPTS_DATA_DIR": str(settings.data_dir),
                "RECEIPTS_PROGRAMS_DIR": str(settings.programs_dir), "OMP_THREAD_LIMIT": "1",
                "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    for name in ("broker_heartbeat_ms", "broker_maintenance_chance", "retry_max", "retry_min_backoff_ms",
                 "retry_max_backoff_ms", "sweep_after_seconds", "sweep_every_seconds", "sweep_max_attempts"):
        env[f"RECEIPTS_{name.upper()}"] = str(getattr(settings, name))
    return env


def start_worker(settings: Settings, log_path: Path, processes: int = 1):
    """`receipts worker` as a subprocess in its own process group (so it can be SIGKILLed whole)."""
    import subprocess

    from cli.service import worker_command

    log = log_path.open("ab")
    return subprocess.Popen(worker_command(settings, processes, 1), env=worker_env(settings),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            cwd=Path(__file__).resolve().parent.parent)


def kill_group(proc, sig=None) -> None:
    import os
    import signal

    try:
        os.killpg(proc.pid, sig or signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
