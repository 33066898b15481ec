"""Fixtures of the workflow tests.

Delivery: extra recipient organisations with clerks (the demo has 22 recipients), and real
Celery workers on Redis for the ``services`` tests.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from orgchart.models import Membership, Organization, OrganizationKind, Position, RoleCode

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------------------------
# Recipients in bulk


def make_recipient_orgs(
    count: int, *, prefix: str = "nhan", clerks: int = 1, email: str = ""
) -> list[Organization]:
    """``count`` ward-level organisations, each with ``clerks`` clerk users, in a few queries."""
    run = uuid.uuid4().hex[:6]
    orgs = Organization.objects.bulk_create(
        Organization(
            code=f"{prefix}-{run}-{i}",
            name=f"Ban Thường trực Ủy ban MTTQ {prefix} {i}",
            kind=OrganizationKind.WARD,
            symbol=f"MTTQ-{i}",
            email=email,
        )
        for i in range(count)
    )
    orgs = list(Organization.objects.filter(code__startswith=f"{prefix}-{run}-").order_by("pk"))
    if clerks:
        clerk = Position.objects.filter(roles__code=RoleCode.CLERK).order_by("pk").first()
        User = get_user_model()
        User.objects.bulk_create(
            User(username=f"vt.{org.code}.{n}", first_name="Văn thư", last_name=org.name)
            for org in orgs
            for n in range(clerks)
        )
        users = {
            u.username: u for u in User.objects.filter(username__startswith=f"vt.{prefix}-{run}-")
        }
        Membership.objects.bulk_create(
            Membership(user=users[f"vt.{org.code}.{n}"], organization=org, position=clerk)
            for org in orgs
            for n in range(clerks)
        )
    return orgs


@pytest.fixture
def recipient_orgs():
    return make_recipient_orgs


# ---------------------------------------------------------------------------------------------
# Real workers on Redis (make test-services)

REDIS_HOST = "127.0.0.1"
REDIS_PORT = int(os.environ.get("CELERY_TEST_REDIS_PORT", "6379"))
#: A database index of the shared Redis for these tests. Each test also puts its keys under
#: a prefix of its own (CELERY_KEY_PREFIX), so runs at the same time never see each other's
#: messages, and removes them at the end.
REDIS_DB = int(os.environ.get("CELERY_TEST_REDIS_DB", "13"))


def redis_ping(port: int, host: str = REDIS_HOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind((REDIS_HOST, 0))
        return s.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


class RedisServer:
    """A redis-server of our own, on its own port, that a test may stop and start without
    touching the shared one."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.dir = tmp
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                REDIS_HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_ping(self.port):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                pytest.fail(f"could not start redis-server on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def url(self, db: int = 0) -> str:
        return f"redis://{REDIS_HOST}:{self.port}/{db}"


class Worker:
    """One ``celery -A config worker`` process (its own process group) on the test database."""

    def __init__(
        self,
        broker_url: str,
        log_dir: Path,
        *,
        key_prefix: str = "",
        concurrency: int = 1,
        beat=False,
        env=None,
    ):
        self.name = f"test-{uuid.uuid4().hex[:8]}@%h"
        self.log_path = log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "-n",
            self.name,
        ]
        if beat:
            command += ["--beat", f"--schedule={log_dir / ('beat-' + uuid.uuid4().hex[:8])}"]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": broker_url,
            "CELERY_KEY_PREFIX": key_prefix,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.log = open(self.log_path, "wb")  # noqa: SIM115  (closed in stop)
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole worker (parent and pool children), as a machine would die."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        if not self.log.closed:
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


class Broker:
    """Switch the in-process Celery app from eager to a broker for one test, and back."""

    def __init__(self, key_prefix: str = ""):
        from config.celery import app

        self.app = app
        self.key_prefix = key_prefix
        self.saved = (
            app.conf.task_always_eager,
            app.conf.broker_url,
            app.conf.broker_transport_options,
        )

    def _reset_pools(self) -> None:
        # Celery and kombu cache connection and producer pools per broker URL; drop them all
        # so the next message goes to the URL set now.
        from kombu import pools

        app = self.app
        if app._pool is not None:
            app._pool.force_close_all()
            app._pool = None
        app.amqp._producer_pool = None
        pools.reset()

    def use(self, url: str) -> None:
        self._reset_pools()
        self.app.conf.task_always_eager = False
        self.app.conf.broker_url = url
        self.app.conf.broker_transport_options = {
            **self.saved[2],
            "global_keyprefix": self.key_prefix,
        }

    def restore(self) -> None:
        self._reset_pools()
        (
            self.app.conf.task_always_eager,
            self.app.conf.broker_url,
            self.app.conf.broker_transport_options,
        ) = self.saved

    @classmethod
    @contextlib.contextmanager
    def unreachable(cls):
        """Messages sent meanwhile go nowhere (nothing listens on the port), as when the
        broker is down: a dispatch leaves its receipts pending."""
        switch = cls()
        switch.use(f"redis://{REDIS_HOST}:{free_port()}/0")
        try:
            yield
        finally:
            switch.restore()


def delete_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def key_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture
def shared_redis_url(key_prefix):
    """The shared Redis, under this test's key prefix. Redis down fails the test: the
    services run must never skip."""
    if not redis_ping(REDIS_PORT):
        pytest.fail(f"Redis is not answering on {REDIS_HOST}:{REDIS_PORT} (make services)")
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    yield url
    delete_keys(url, key_prefix)


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(key_prefix):
    switch = Broker(key_prefix)
    yield switch
    switch.restore()


@pytest.fixture
def workers(tmp_path, live_world, key_prefix):
    """Start real workers: ``workers.start(broker_url, concurrency=1, beat=False, env={})``.
    They are stopped before the test database is flushed."""
    if connection.vendor != "postgresql":
        pytest.fail("real workers need the PostgreSQL test database (make test-services)")
    started: list[Worker] = []

    class Workers:
        def start(self, broker_url: str, **kwargs) -> Worker:
            worker = Worker(broker_url, tmp_path, key_prefix=key_prefix, **kwargs)
            started.append(worker)
            return worker

    yield Workers()
    for worker in started:
        worker.stop()


def wait_until(predicate, *, timeout: float, interval: float = 0.2, what: str = "", workers=()):
    """Poll ``predicate`` until true; fail with the workers' logs when ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return
        if time.monotonic() > deadline:
            logs = "\n".join(w.output()[-3000:] for w in workers)
            pytest.fail(f"timed out after {timeout}s waiting for {what}\n{logs}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# Steps as a request takes them


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a step and its after-commit work (signals, eager delivery), as a request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
