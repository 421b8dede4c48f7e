"""/healthz: 200 when the database and the channel layer answer, 503 with the reason otherwise."""

import socket

import pytest
from django.db.utils import OperationalError

from entrepairs import health

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_200_when_database_and_channel_layer_work(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok"},
    }


def test_healthz_answers_503_with_the_reason_when_redis_is_unreachable(client, settings):
    settings.HEALTHCHECK_TIMEOUT = 3
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{closed_port()}/0"]},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["channel_layer"] != "ok"
    assert (
        "Connection" in body["checks"]["channel_layer"]
        or "délai" in body["checks"]["channel_layer"]
    )


def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_database():
        raise OperationalError("connexion refusée")

    monkeypatch.setitem(health.CHECKS, "database", broken_database)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "OperationalError: connexion refusée"


def test_healthz_refuses_other_methods_than_get(client):
    assert client.post("/healthz").status_code == 405
