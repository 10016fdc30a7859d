"""Counting failed attempts per address, to slow down guessing (ballot codes, tracking codes).

Counts live in Django's cache: per process with the default local-memory cache, shared by all
workers once DANCHU_CACHE_URL points at Redis. The limit is a brake on guessing, not a quota.
"""

from __future__ import annotations

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60


def _key(scope: str, address: str | None) -> str:
    return f"throttle:{scope}:{address or 'unknown'}"


def blocked(scope: str, address: str | None, limit: int) -> bool:
    return (cache.get(_key(scope, address)) or 0) >= limit


def count_failure(scope: str, address: str | None) -> None:
    key = _key(scope, address)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
