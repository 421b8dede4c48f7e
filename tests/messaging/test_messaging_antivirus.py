"""Uploads scanned by ClamAV's daemon (clamd) when one is configured: a fake clamd on loopback
speaks the INSTREAM protocol for the clean, infected and unreachable cases; a real clamd, when
one answers, gets the EICAR test file."""

import os
import socket
import socketserver
import struct
import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community.action_errors import ActionError
from messaging import antivirus
from messaging.attachments import check_uploads
from messaging.models import Attachment, Thread

# The antivirus industry's harmless test file: every scanner reports it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"


class FakeClamd(socketserver.StreamRequestHandler):
    """Answers like clamd: FOUND when the stream holds the EICAR string, OK otherwise."""

    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self.rfile.read(1)
        self.server.commands.append(command)
        received, sizes = b"", []
        while True:
            (size,) = struct.unpack("!L", self.rfile.read(4))
            if size == 0:
                break
            sizes.append(size)
            received += self.rfile.read(size)
        self.server.received.append(received)
        self.server.sizes.append(sizes)
        verdict = f"{SIGNATURE} FOUND" if EICAR in received else "OK"
        self.wfile.write(f"stream: {verdict}\0".encode())


@pytest.fixture(autouse=True)
def no_scanner_from_the_environment(settings):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_FAIL_OPEN = "", "", False


def serve(server):
    server.commands, server.received, server.sizes = [], [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def clamd_tcp(settings):
    server = serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd))
    settings.CLAMD_HOST, settings.CLAMD_PORT = server.server_address
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def clamd_unix(settings, tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = serve(socketserver.ThreadingUnixStreamServer(path, FakeClamd))
    settings.CLAMD_SOCKET = path
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def clamd_down(settings):
    """A loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", port
    settings.CLAMD_TIMEOUT = 2


def text_file(content: bytes, name: str = "note.txt"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_without_a_configured_scanner_nothing_is_scanned():
    assert antivirus.scanner_address() is None
    [checked] = check_uploads([text_file(EICAR)])
    assert checked.name == "note.txt"


def test_a_clean_file_is_streamed_in_chunks_and_accepted(clamd_tcp):
    content = b"ligne de compte rendu\n" * 10_000  # 220 Ko: several chunks
    [checked] = check_uploads([text_file(content)])
    assert checked.upload.read() == content  # rewound after the scan
    assert clamd_tcp.commands == [b"zINSTREAM\0"]
    assert clamd_tcp.received == [content]
    assert max(clamd_tcp.sizes[0]) <= antivirus.CHUNK_BYTES and len(clamd_tcp.sizes[0]) > 1


def test_an_infected_file_is_refused_with_a_clear_french_message(clamd_tcp):
    with pytest.raises(ActionError) as caught:
        check_uploads([text_file(b"propre\n", "a.txt"), text_file(EICAR, "facture.txt")])
    assert caught.value.code == "infected"
    assert "antivirus a trouvé un contenu dangereux" in str(caught.value)
    assert "« facture.txt »" in str(caught.value) and SIGNATURE in str(caught.value)


def test_the_unix_socket_of_clamd_works_too(clamd_unix):
    with pytest.raises(ActionError) as caught:
        check_uploads([text_file(EICAR)])
    assert caught.value.code == "infected"
    assert clamd_unix.commands == [b"zINSTREAM\0"]


def test_an_unreachable_scanner_refuses_the_upload_and_asks_to_retry_later(clamd_down):
    with pytest.raises(ActionError) as caught:
        check_uploads([text_file(b"propre\n")])
    assert caught.value.code == "scanner_unavailable"
    assert "réessayez plus tard" in str(caught.value)


def test_an_unreachable_scanner_lets_files_through_when_configured_to_fail_open(
    settings, clamd_down
):
    settings.CLAMD_FAIL_OPEN = True
    [checked] = check_uploads([text_file(b"propre\n")])
    assert checked.name == "note.txt"


def test_a_scanner_error_reply_counts_as_unreachable(settings):
    class Refusing(FakeClamd):
        def handle(self):
            self.rfile.read(10)
            self.wfile.write(b"INSTREAM size limit exceeded. ERROR\0")

    server = serve(socketserver.ThreadingTCPServer(("127.0.0.1", 0), Refusing))
    settings.CLAMD_HOST, settings.CLAMD_PORT = server.server_address
    try:
        with pytest.raises(ActionError) as caught:
            check_uploads([text_file(b"x")])
    finally:
        server.shutdown()
        server.server_close()
    assert caught.value.code == "scanner_unavailable"


def test_an_infected_attachment_saves_nothing(clamd_tcp, make_thread, club, member):
    with pytest.raises(ActionError):
        make_thread(club, member, uploads=[text_file(EICAR)])
    assert not Thread.objects.exists()
    assert not Attachment.objects.exists()


# --- A real clamd -------------------------------------------------------------------------------

CLAMD_SOCKETS = ("/run/clamav/clamd.ctl", "/var/run/clamav/clamd.ctl")


def real_clamd_address():
    """The clamd named by the environment, or Debian's default socket, if it answers PING."""
    candidates = []
    if os.environ.get("CLAMD_SOCKET"):
        candidates.append(os.environ["CLAMD_SOCKET"])
    if os.environ.get("CLAMD_HOST"):
        candidates.append((os.environ["CLAMD_HOST"], int(os.environ.get("CLAMD_PORT", "3310"))))
    candidates += [path for path in CLAMD_SOCKETS if Path(path).exists()]
    for address in candidates:
        try:
            with antivirus._connect(address, 2) as connection:
                connection.sendall(b"zPING\0")
                if antivirus._read_reply(connection) == "PONG":
                    return address
        except OSError:
            continue
    return None


def test_a_real_clamd_finds_the_eicar_test_file(settings):
    address = real_clamd_address()
    if address is None:
        pytest.skip(
            "no clamd answers (CLAMD_SOCKET, CLAMD_HOST or /run/clamav/clamd.ctl): ClamAV and its "
            "signatures are not installed on this machine"
        )
    assert antivirus.scan([EICAR], address=address, timeout=30) is not None
    assert antivirus.scan([b"rien de dangereux\n"], address=address, timeout=30) is None
