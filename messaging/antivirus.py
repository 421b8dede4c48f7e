"""Scanning uploads with ClamAV's daemon (clamd), when one is configured.

clamd's INSTREAM command is a small protocol, written here rather than taken from the
unmaintained `clamd` package: send `zINSTREAM\\0`, then the file in chunks, each prefixed with
its length on four bytes (big-endian), then a zero length; clamd answers one line ending in NUL:
`stream: OK`, `stream: <signature> FOUND`, or `... ERROR`.

Configured by `CLAMD_SOCKET` (a Unix socket path) or `CLAMD_HOST` and `CLAMD_PORT`; with neither,
nothing is scanned.
"""

import socket
import struct
from collections.abc import Iterable

from django.conf import settings

CHUNK_BYTES = 64 * 1024
REPLY_MAX_BYTES = 4096


class ScannerUnavailable(Exception):
    """clamd could not be reached, or did not give a verdict."""


def scanner_address() -> str | tuple[str, int] | None:
    """Where clamd listens, from the settings; None when no scanner is configured."""
    if settings.CLAMD_SOCKET:
        return settings.CLAMD_SOCKET
    if settings.CLAMD_HOST:
        return (settings.CLAMD_HOST, settings.CLAMD_PORT)
    return None


def _connect(address: str | tuple[str, int], timeout: float) -> socket.socket:
    if isinstance(address, str):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        connection.connect(address)
        return connection
    return socket.create_connection(address, timeout=timeout)


def _read_reply(connection: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < REPLY_MAX_BYTES:
        data = connection.recv(REPLY_MAX_BYTES)
        if not data:
            break
        reply += data
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan(chunks: Iterable[bytes], *, address: str | tuple[str, int], timeout: float) -> str | None:
    """Stream the file to clamd; return the name of what it found, or None if it is clean.
    Raise `ScannerUnavailable` when there is no verdict."""
    try:
        with _connect(address, timeout) as connection:
            connection.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), CHUNK_BYTES):
                    piece = chunk[start : start + CHUNK_BYTES]
                    connection.sendall(struct.pack("!L", len(piece)) + piece)
            connection.sendall(struct.pack("!L", 0))
            reply = _read_reply(connection)
    except OSError as error:  # refused, timed out, reset: no verdict
        raise ScannerUnavailable(str(error)) from error
    if reply.endswith("FOUND"):
        return reply.removeprefix("stream:").removesuffix("FOUND").strip() or "?"
    if reply.endswith("OK"):
        return None
    # "INSTREAM size limit exceeded. ERROR" (StreamMaxLength below the upload limit), or nonsense.
    raise ScannerUnavailable(reply or "réponse vide")
