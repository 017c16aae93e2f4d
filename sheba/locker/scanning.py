"""The virus-scanner hook. It fails closed: a scanner that errors leaves a file "pending scan".

Chosen by ``settings.SHEBA_VIRUS_SCANNER``:

- ``"eicar"`` (the demo default): a built-in check for the EICAR test signature, so the
  refusal path can be tried without a real scanner;
- ``"clamd"``: ClamAV's daemon through its ``INSTREAM`` command, on the Unix socket
  ``SHEBA_CLAMD_SOCKET`` or on ``SHEBA_CLAMD_HOST``:``SHEBA_CLAMD_PORT`` (timeout
  ``SHEBA_CLAMD_TIMEOUT_SECONDS``, default 10 s);
- a dotted path to a class with ``scan(data: bytes) -> ScanVerdict``.

A scanner returns a verdict for what it could read and raises :class:`ScannerError` for anything
else; callers must never turn an error into "clean".
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class ScannerError(Exception):
    """The scanner could not give a verdict (down, timed out, answered nonsense)."""


@dataclass(frozen=True)
class ScanVerdict:
    infected: bool
    signature: str = ""


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanVerdict: ...


# Put together from two halves so this source file is not itself flagged by a virus scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class EicarScanner:
    """Finds only the EICAR test signature, anywhere in the file (a demo stand-in for ClamAV)."""

    def scan(self, data: bytes) -> ScanVerdict:
        if EICAR in data:
            return ScanVerdict(infected=True, signature="Eicar-Test-Signature")
        return ScanVerdict(infected=False)


class ClamdScanner:
    """ClamAV's clamd over its socket: ``zINSTREAM``, length-prefixed chunks, a zero-length end."""

    chunk_size = 64 * 1024

    def __init__(self, *, unix_socket: str = "", host: str = "", port: int = 3310, timeout: float = 10.0):
        if not unix_socket and not host:
            raise ScannerError("clamd is selected but neither SHEBA_CLAMD_SOCKET nor SHEBA_CLAMD_HOST is set")
        self.unix_socket, self.host, self.port, self.timeout = unix_socket, host, port, timeout

    def _connect(self) -> socket.socket:
        if self.unix_socket:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(self.timeout)
            conn.connect(self.unix_socket)
            return conn
        return socket.create_connection((self.host, self.port), timeout=self.timeout)

    def scan(self, data: bytes) -> ScanVerdict:
        try:
            with self._connect() as conn:
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.chunk_size):
                    chunk = data[start:start + self.chunk_size]
                    conn.sendall(struct.pack("!L", len(chunk)) + chunk)
                conn.sendall(struct.pack("!L", 0))
                reply = b""
                while not reply.endswith(b"\0") and len(reply) < 4096:
                    part = conn.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as error:
            raise ScannerError(f"clamd unreachable: {error.__class__.__name__}") from error
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        # "stream: OK" | "stream: Eicar-Signature FOUND" | "... ERROR" | "INSTREAM size limit exceeded. ERROR"
        if text.endswith(" FOUND"):
            signature = text.removeprefix("stream:").removesuffix(" FOUND").strip()
            return ScanVerdict(infected=True, signature=signature[:150])
        if text == "stream: OK":
            return ScanVerdict(infected=False)
        raise ScannerError(f"clamd answered: {text[:150]!r}")


def get_scanner() -> Scanner:
    """The configured scanner. A setting that names nothing usable is itself a scanner error."""
    choice = getattr(settings, "SHEBA_VIRUS_SCANNER", "eicar")
    if choice == "eicar":
        return EicarScanner()
    if choice == "clamd":
        return ClamdScanner(
            unix_socket=getattr(settings, "SHEBA_CLAMD_SOCKET", ""),
            host=getattr(settings, "SHEBA_CLAMD_HOST", ""),
            port=int(getattr(settings, "SHEBA_CLAMD_PORT", 3310)),
            timeout=float(getattr(settings, "SHEBA_CLAMD_TIMEOUT_SECONDS", 10.0)),
        )
    try:
        return import_string(choice)()
    except (ImportError, TypeError, ValueError) as error:
        raise ScannerError(f"unknown scanner {choice!r}") from error


def scan(data: bytes) -> ScanVerdict:
    """Scan with the configured scanner; any failure (including a bug in it) is a ScannerError."""
    try:
        verdict = get_scanner().scan(data)
    except ScannerError:
        raise
    except Exception as error:  # fail closed whatever goes wrong inside a scanner
        raise ScannerError(f"scanner failed: {error.__class__.__name__}") from error
    if not isinstance(verdict, ScanVerdict):
        raise ScannerError("scanner gave no verdict")
    return verdict
