"""`make deploy-check`: the production shape of deploy/ started once for the module's checks
(tests/deploy/shape.py). Not part of `make test`: tests/conftest.py leaves this folder out unless
DEPLOY_CHECK=1."""

import sys
import tempfile
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS / "system"), str(TESTS / "e2e")]

from shape import Shape  # noqa: E402  (after the path above)
from system_servers import Mailbox, free_port  # noqa: E402


@pytest.fixture(scope="session")
def mailbox():
    """The installation's SMTP server: aiosmtpd on loopback."""
    inbox = Mailbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="session")
def shape(mailbox):
    """The installation, in a prefix nginx's workers can read (they run as www-data, as on
    Debian, when the check runs as root)."""
    _inbox, smtp_port = mailbox
    with tempfile.TemporaryDirectory(prefix="entrepairs-deploy-check-") as folder:
        prefix = Path(folder)
        prefix.chmod(0o755)
        installation = Shape(prefix, smtp_port=smtp_port)
        try:
            installation.start()
        except Exception:
            installation.stop()
            raise
        yield installation
        installation.stop()
