"""Real daphne processes on 127.0.0.1, and the services they need."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne stopped with code {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise TimeoutError(f"daphne did not answer on {url} within {timeout} s")


IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url_or_skip() -> str:
    """REDIS_URL, or the local Redis; skipped on a laptop without one, a failure in CI."""
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if IN_CI:
            pytest.fail(f"Redis injoignable à {url} : CI doit le démarrer")
        pytest.skip(f"test réservé à une machine avec Redis ({url} injoignable)")
    return url


def server_database_url(folder) -> str:
    """A database for server processes: a fresh PostgreSQL database next to DATABASE_URL's when
    it is PostgreSQL (the test database is not visible to other processes), else SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder / 'db.sqlite3'}"
    base, _, name = url.rpartition("/")
    system_name = f"{name.split('?')[0]}_system"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{system_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{system_name}"')
    return f"{base}/{system_name}"


class DaphneProcess:
    """A daphne process on a free loopback port, stopped by `stop()`."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
        self.process = subprocess.Popen(
            [*command, "community.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_serving(self.url + "/healthz", self.process)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
