"""The production shape of deploy/, run on this machine: nginx (TLS) in front of two daphne
processes, the task worker, PostgreSQL and Redis.

Everything comes from the files of deploy/, with only what ties them to a real server replaced:
paths (/srv/entrepairs, /etc/ssl/entrepairs), ports (a free loopback port for each), the public
address (https://127.0.0.1:<port>), the secrets and the services' addresses (a database and a
Redis prefix of the check's own, an SMTP server on loopback).
"""

import base64
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis
import requests
from system_servers import free_port, nginx_conf, stop_process, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVER_FOLDER = "/srv/entrepairs"
POSTGRES = os.environ.get("DEPLOY_CHECK_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("DEPLOY_CHECK_REDIS", "redis://127.0.0.1:6379/5")
MODERATOR = "moderatrice@demo.test"  # of the demo's club of town-hall secretaries


def replaced(pattern: str, replacement: str, text: str, *, where: str) -> str:
    """`text` with the pattern replaced; an error naming the file if it is no longer there (the
    check must run the file as it is, not a guess at it)."""
    result, count = re.subn(pattern, replacement, text, flags=re.MULTILINE)
    if not count:
        raise ValueError(f"{where} a changé : « {pattern} » n'y est plus")
    return result


# --- The systemd units ---------------------------------------------------------------------------


def unit_command(unit: str, instance: int | None = None) -> list[str]:
    """A unit's ExecStart, for this checkout: the server's virtualenv is this one, `%i` the
    instance (daphne's port)."""
    text = (DEPLOY / unit).read_text()
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    command = line.removeprefix("ExecStart=").replace("%i", str(instance)).split()
    program = command[0].replace(f"{SERVER_FOLDER}/.venv/bin/", f"{Path(sys.executable).parent}/")
    return [program, *command[1:]]


# --- The environment file ------------------------------------------------------------------------


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def production_env(prefix: Path, *, public_url: str, database: str, smtp_port: int) -> dict:
    """deploy/entrepairs.env with this machine's paths, addresses and fresh secrets."""
    values = read_env_file(DEPLOY / "entrepairs.env")
    host = public_url.split("://")[1].split(":")[0]
    values.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=host,
        CSRF_TRUSTED_ORIGINS=public_url,
        SITE_URL=public_url,
        DATABASE_URL=database,
        REDIS_URL=REDIS,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_HOST_USER="",  # the loopback SMTP server asks for no login
        EMAIL_HOST_PASSWORD="",
        STATIC_ROOT=str(prefix / "staticfiles"),
        MEDIA_ROOT=str(prefix / "media"),
    )
    assert values["DEBUG"] == "0", "deploy/entrepairs.env must run with DEBUG=0"
    base = {k: v for k, v in os.environ.items() if not k.startswith(tuple(values))}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return {
        **base,
        **values,
        # Keys of their own in a Redis the machine may share (not a production setting to set).
        "REDIS_PREFIX": f"entrepairs-deploy-check-{prefix.name}",
        "PYTHONUNBUFFERED": "1",
    }


# --- nginx ---------------------------------------------------------------------------------------


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the check's clients trust it by name)."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def nginx_site(
    text: str, *, port: int, redirect_port: int, upstreams: list[int], prefix: Path
) -> str:
    """deploy/nginx.conf with loopback ports, this prefix's certificate and static files."""
    where = "deploy/nginx.conf"
    text = replaced(r"listen 443 ", f"listen 127.0.0.1:{port} ", text, where=where)
    text = replaced(r"listen 80;", f"listen 127.0.0.1:{redirect_port};", text, where=where)
    text = replaced("/etc/ssl/entrepairs/", f"{prefix}/ssl/", text, where=where)
    text = replaced(f"{SERVER_FOLDER}/staticfiles/", f"{prefix}/staticfiles/", text, where=where)
    for production_port, port in zip((8001, 8002), upstreams, strict=True):
        text = replaced(
            rf"server 127\.0\.0\.1:{production_port}\b", f"server 127.0.0.1:{port}", text,
            where=where,
        )  # fmt: skip
    return text


def nginx_main_conf(site: str, folder: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf puts around a site: workers as www-data, the MIME
    types."""
    http = "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;"
    return nginx_conf(site, folder, main="user www-data;", http=http)


def nginx_program() -> str:
    """Debian's nginx, installed if missing (the check runs as root on a fresh machine)."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(found, os.X_OK):
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True)
    return found


# --- Processes -----------------------------------------------------------------------------------


class Process:
    """A program of the shape, its output in a log file of the prefix."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path, cwd: Path = ROOT):
        self.name, self.command, self.env, self.log, self.cwd = name, command, env, log, cwd
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.running():
            assert self.process is not None
            stop_process(self.process)

    def log_tail(self, characters: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""


class Shape:
    """The whole installation; `start()` prepares and starts it, `stop()` ends it and drops its
    database."""

    def __init__(self, prefix: Path, *, smtp_port: int):
        self.prefix = prefix
        self.port, self.redirect_port = free_port(), free_port()
        self.daphne_ports = [free_port(), free_port()]
        self.url = f"https://127.0.0.1:{self.port}"
        self.database_name = f"entrepairs_deploy_check_{os.getpid()}"
        self.database = f"{POSTGRES}/{self.database_name}"
        self.env = production_env(
            prefix, public_url=self.url, database=self.database, smtp_port=smtp_port
        )
        self.cert, _key = certificate(prefix / "ssl")
        self.daphnes = [
            Process(
                f"daphne {port}",
                unit_command("entrepairs-daphne@.service", port),
                self.env,
                prefix / f"daphne-{port}.log",
            )
            for port in self.daphne_ports
        ]
        self.worker = Process(
            "worker", unit_command("entrepairs-worker.service"), self.env, prefix / "worker.log"
        )
        self.nginx: Process | None = None
        self.totp_secret = base64.b32encode(secrets.token_bytes(20)).decode()

    # --- Preparing, as docs/deployment.md's steps ------------------------------------------------

    def manage(self, *arguments: str, env: dict | None = None, timeout: float = 300):
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT, env=env or self.env, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip

    def prepare(self) -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.database_name}"')
        # Production asks a second factor of whoever has powers: the demo's moderator gets one.
        second_factor = (
            "from allauth.mfa.totp.internal.auth import TOTP; from community.models import User; "
            f"TOTP.activate(User.objects.get(email={MODERATOR!r}), {self.totp_secret!r})"
        )
        for command in (
            ["migrate", "--noinput"], ["collectstatic", "--noinput"], ["seed_demo"],
            ["shell", "-c", second_factor],
        ):  # fmt: skip
            done = self.manage(*command)
            assert done.returncode == 0, f"manage.py {' '.join(command)}: {done.stderr[-3000:]}"

    # --- Running ---------------------------------------------------------------------------------

    def start(self) -> None:
        self.prepare()
        for daphne in self.daphnes:
            self.start_daphne(daphne)
        self.worker.start()
        self.start_nginx()

    def start_daphne(self, daphne: Process) -> None:
        daphne.start()
        port = int(daphne.name.split()[1])
        assert daphne.process is not None
        wait_until_serving(f"http://127.0.0.1:{port}/healthz", daphne.process)

    def start_nginx(self) -> None:
        site = (DEPLOY / "nginx.conf").read_text()
        self.nginx = self.nginx_process(site, "nginx", self.port, self.redirect_port)

    def nginx_process(self, site_text: str, name: str, port: int, redirect_port: int) -> Process:
        """An nginx of this installation, configured by `site_text` (deploy/nginx.conf's text,
        or a broken copy of it) on `port` (HTTPS) and `redirect_port` (HTTP), its files in the
        folder `name`; started."""
        folder = self.prefix / name
        folder.mkdir(exist_ok=True)
        site = nginx_site(
            site_text, port=port, redirect_port=redirect_port, upstreams=self.daphne_ports,
            prefix=self.prefix,
        )  # fmt: skip
        conf = folder / "nginx.conf"
        conf.write_text(nginx_main_conf(site, folder))
        command = [nginx_program(), "-p", str(folder), "-e", str(folder / "error.log"),
                   "-c", str(conf)]  # fmt: skip
        nginx = Process(name, command, self.env, folder / "output.log")
        nginx.start()
        self.wait_for_nginx(nginx, f"https://127.0.0.1:{port}")
        return nginx

    def wait_for_nginx(self, nginx: Process, url: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert nginx.running(), nginx.log_tail()
            try:
                requests.get(url + "/healthz", verify=str(self.cert), timeout=2)
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"nginx silent: {self.nginx_errors()}") from None
                time.sleep(0.1)

    def nginx_errors(self) -> str:
        log = self.prefix / "nginx" / "error.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def forget_cache(self) -> None:
        """Empty the installation's cache (the rate limits' counts among it), as a minute's
        wait would for the login limits."""
        client = redis.Redis.from_url(REDIS)
        for key in client.scan_iter(f"{self.env['REDIS_PREFIX']}-cache*", count=1000):
            client.delete(key)
        client.close()

    def stop(self) -> None:
        for process in (self.nginx, self.worker, *self.daphnes):
            if process is not None:
                process.stop()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')

    def logs(self) -> str:
        """The end of every log, for a failure's message."""
        parts = [f"--- {p.name}\n{p.log_tail()}" for p in (*self.daphnes, self.worker)]
        return "\n".join([*parts, f"--- nginx\n{self.nginx_errors()}"])
