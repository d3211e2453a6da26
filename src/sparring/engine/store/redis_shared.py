"""The Redis store's shared values (clock offset, seed, token secrets), and a cache of the two that
every request reads (the clock offset for a token's expiry, the seed) that a write never leaves stale.

A request reads the clock offset before its namespace; from Redis, that is a round trip of its own.
So each process keeps ``clock-offset`` and ``seed`` in memory, and every write to the shared hash
(on any worker) goes:

1. ``HSET`` and ``PUBLISH`` in one ``MULTI``/``EXEC``, on the channel ``{prefix}:shared-changed``;
2. each process's listener (one thread, one connection, subscribed to every prefix's channel) drops
   that prefix's cache and answers on the message's acknowledgement list;
3. the writer waits for as many answers as ``PUBLISH`` counted receivers before it returns.

So once a write (``POST /__sparring/clock``, a reseed) has answered, no worker holds the old value.
A process uses its cache only while its listener is subscribed; a listener that loses its
connection drops every cache first and subscribes again before the cache is used again. A process
that does not answer within ``ACK_WAIT_S`` (stuck, or killed after ``PUBLISH`` counted it) is
logged and the write goes on.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import typing as t
import uuid
import weakref

import redis as redis_client

log = logging.getLogger("sparring.store")

CACHED = frozenset({"clock-offset", "seed"})  # read on every request; written through the control API
CHANNEL_SUFFIX = ":shared-changed"
ACK_WAIT_S = 10.0  # a process that cannot answer for this long is stuck; the write then goes on, with a warning
_MISSING = object()


class Listener:
    """One thread per process and server: receives every prefix's change messages, drops the cache
    they name and acknowledges them."""

    def __init__(self, url: str) -> None:
        # its own connections, without a read timeout: a subscription is quiet most of the time
        self.client = redis_client.Redis.from_url(url, socket_timeout=None, client_name=f"sparring-listener-{os.getpid()}")
        self.caches: "weakref.WeakValueDictionary[str, RedisShared]" = weakref.WeakValueDictionary()
        self.live = False
        thread = threading.Thread(target=self._run, name="sparring-shared-listener", daemon=True)
        thread.start()

    def _run(self) -> None:
        while True:
            pubsub = self.client.pubsub(ignore_subscribe_messages=False)
            try:
                pubsub.psubscribe("*" + CHANNEL_SUFFIX)
                for message in pubsub.listen():
                    if message["type"] == "psubscribe":
                        self.live = True
                    elif message["type"] == "pmessage":
                        self._changed(message["channel"], message["data"])
            except Exception:  # a lost connection: nothing cached is trusted until subscribed again
                log.debug("shared-values listener reconnects", exc_info=True)
            finally:
                self.live = False
                for cache in list(self.caches.values()):
                    cache.forget()
                pubsub.close()
            threading.Event().wait(0.2)

    def _changed(self, channel: bytes, ack: bytes) -> None:
        cache = self.caches.get(channel.decode()[: -len(CHANNEL_SUFFIX)])
        if cache is not None:
            cache.forget()
        pipe = self.client.pipeline(transaction=False)
        pipe.rpush(ack, 1)
        pipe.expire(ack, int(ACK_WAIT_S) + 5)
        pipe.execute()


_listeners: dict[str, Listener] = {}
_listeners_guard = threading.Lock()


def listener_for(url: str) -> Listener:
    with _listeners_guard:
        found = _listeners.get(url)
        if found is None:
            found = _listeners[url] = Listener(url)
        return found


class RedisShared:
    """:class:`sparring.engine.store.Shared` as one Redis hash; ``clock-offset`` and ``seed`` are
    cached in the process and every write waits until each process dropped its copy."""

    def __init__(self, client: redis_client.Redis, prefix: str, url: str | None = None) -> None:
        self.client = client
        self.prefix = prefix
        self.key = f"{prefix}:shared"
        self.channel = prefix + CHANNEL_SUFFIX
        self._values: dict[str, t.Any] = {}
        self._version = 0
        self.listener = listener_for(url) if url is not None else None
        if self.listener is not None:
            self.listener.caches[prefix] = self

    def forget(self) -> None:
        self._version += 1
        self._values.clear()

    def _raw(self, name: str) -> t.Any:
        """The stored JSON (None when unset), from the cache when it can be trusted."""
        listener = self.listener
        if name not in CACHED or listener is None or not listener.live:
            return self.client.hget(self.key, name)
        found = self._values.get(name, _MISSING)
        if found is not _MISSING:
            return found
        version = self._version
        raw = self.client.hget(self.key, name)
        if version == self._version and listener.live:  # no change arrived while it was read
            self._values[name] = raw
        return raw

    def get(self, name: str, default: t.Any = None) -> t.Any:
        raw = self._raw(name)
        return default if raw is None else json.loads(raw)

    def set(self, name: str, value: t.Any) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.key, name, json.dumps(value))
        self._publish(pipe)

    def setdefault(self, name: str, value: t.Any) -> t.Any:
        """The value already set by any worker, else this one (first writer wins)."""
        if self.client.hsetnx(self.key, name, json.dumps(value)):
            self.changed()
        return self.get(name, value)

    def changed(self) -> None:
        """Tell every process the hash changed (after a write made some other way, such as a clear)."""
        self._publish(self.client.pipeline(transaction=True))

    def _publish(self, pipe: t.Any) -> None:
        ack = f"{self.prefix}:ack:{uuid.uuid4().hex}"
        pipe.publish(self.channel, ack)
        receivers = pipe.execute()[-1]
        self.forget()
        waited = 0
        while waited < receivers:
            if self.client.blpop([ack], timeout=ACK_WAIT_S) is None:
                log.warning("%d of %d sparring processes did not confirm a shared-value change within %s s",
                            receivers - waited, receivers, ACK_WAIT_S)
                break
            waited += 1
        self.client.delete(ack)

    def __getitem__(self, name: str) -> t.Any:
        raw = self._raw(name)
        if raw is None:
            raise KeyError(name)
        return json.loads(raw)

    def __setitem__(self, name: str, value: t.Any) -> None:
        self.set(name, value)

    def __iter__(self) -> t.Iterator[str]:
        return iter(sorted(k.decode() for k in self.client.hkeys(self.key)))
