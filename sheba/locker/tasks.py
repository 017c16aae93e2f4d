"""Background work for the locker (Django tasks API; ``manage.py db_worker``). Thin: ids in, service out."""

from __future__ import annotations

from django_tasks import task


@task()
def scan_version(version_id: int) -> str:
    """Scan a version left "pending scan" because the scanner was down at upload time."""
    from sheba.locker.services import version_scan

    return version_scan(version_id=version_id)
