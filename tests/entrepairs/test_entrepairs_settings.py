"""The two configurations: the embedded default, and production chosen by variables."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "EMAIL_HOST",
    "TASKS_BACKEND",
    "CHANNEL_LAYER",
    "SITE_URL",
    "PORT",
)


def run_python(code: str, **variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(variables)
    env["DJANGO_SETTINGS_MODULE"] = "entrepairs.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_without_any_variable_the_site_runs_embedded():
    describe = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
        "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.TASKS['default']['BACKEND'], s.DEBUG]))"
    )
    result = run_python(describe)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend",
        "django_tasks.backends.immediate.ImmediateBackend",
        True,
    ]


def test_production_variables_choose_postgresql_redis_smtp_and_the_task_worker():
    describe = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
        "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.TASKS['default']['BACKEND'],"
        "s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE]))"
    )
    result = run_python(
        describe,
        DEBUG="0",
        SECRET_KEY="x" * 10 + "une-cle-de-test-assez-longue-pour-la-production-0123456789",
        DATABASE_URL="postgres://entrepairs@db.example.org:5432/entrepairs",
        REDIS_URL="redis://cache.example.org:6379/0",
        ALLOWED_HOSTS="entrepairs.example.org",
        EMAIL_HOST="smtp.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.db.backends.postgresql",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "community.cache.FailSoftRedisCache",  # Django's RedisCache, failing soft
        "django.core.mail.backends.smtp.EmailBackend",
        "django_tasks_db.DatabaseBackend",
        ["entrepairs.example.org"],
        True,
    ]


def test_channel_layer_core_chooses_the_redis_core_layer_with_its_capacity():
    describe = "from django.conf import settings as s; print(s.CHANNEL_LAYERS['default'])"
    result = run_python(describe, REDIS_URL="redis://127.0.0.1:6379/0", CHANNEL_LAYER="core")
    assert result.returncode == 0, result.stderr
    assert "'BACKEND': 'channels_redis.core.RedisChannelLayer'" in result.stdout
    assert "'capacity': 10000" in result.stdout


def test_an_unknown_channel_layer_refuses_to_start_with_a_clear_message():
    result = run_python("import django; django.setup()", CHANNEL_LAYER="kafka")
    assert result.returncode != 0
    assert "CHANNEL_LAYER='kafka'" in result.stderr


def test_production_without_secret_key_refuses_to_start_with_a_clear_message():
    result = run_python("import django; django.setup()", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY est obligatoire quand DEBUG=0" in result.stderr


def test_deployment_check_is_clean_in_the_production_configuration():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k7#Qm2$vX9pL!a4Rz8wN0cT5yH3bJ6eF1gU-sD_iO+lP=qW&rE*tY(uI)oA^",
        "ALLOWED_HOSTS": "entrepairs.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_HOST": "127.0.0.1",
    }
    code = (
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = run_python(code, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_email_links_follow_the_port_the_site_is_served_on():
    link = "from community.emails import absolute_url; print(absolute_url('/invitations/abc/'))"
    assert (
        run_python(link, PORT="18100").stdout.strip() == "http://127.0.0.1:18100/invitations/abc/"
    )
    explicit = run_python(link, PORT="18100", SITE_URL="https://entrepairs.example/")
    assert explicit.stdout.strip() == "https://entrepairs.example/invitations/abc/"


def test_make_run_hands_its_port_to_the_server():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=18100"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    server_line = next(line for line in dry_run.stdout.splitlines() if "daphne" in line)
    assert "PORT=18100 " in server_line and "-p 18100" in server_line
