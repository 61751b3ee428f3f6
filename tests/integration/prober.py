"""A client that behaves like restarted workers: a new connection every `interval` seconds, with whatever URL the
worker's env file holds at that moment, counting each answer as pong, auth (refused credentials) or other."""

from __future__ import annotations

import threading
import time

import redis

from tests.emulator import hosts


class EnvFileClient(threading.Thread):
    def __init__(self, bed, worker="web", variable="REDIS_URL", interval=0.1, host="app1"):
        super().__init__(daemon=True)
        self.bed, self.worker, self.variable, self.interval, self.host = bed, worker, variable, interval, host
        self.stop, self.counts, self.errors = threading.Event(), {"pong": 0, "auth": 0, "other": 0}, []

    def run(self):
        while not self.stop.is_set():
            url = self.bed.env_file(self.worker, host=self.host)[self.variable]
            hosts.assert_mapped(url.rsplit("@", 1)[-1].split("://")[-1].split(":")[0])
            try:
                client = redis.Redis.from_url(url, ssl_ca_certs=self.bed.ca_file, socket_timeout=3)
                kind = "pong" if client.ping() else "other"
                client.close()
            except redis.AuthenticationError as e:
                kind = "auth"
                self.errors.append(str(e))
            except redis.RedisError as e:
                kind = "other"
                self.errors.append(str(e))
            self.counts[kind] += 1
            time.sleep(self.interval)

    def finish(self):
        """Stop, and the counts."""
        self.stop.set()
        self.join(10)
        return self.counts
