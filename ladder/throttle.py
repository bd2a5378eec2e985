"""Sign-in throttling that slows guessing down without locking the real user out.

One :class:`SigninThrottle` per app (``app.extensions["ladder_throttle"]``), its counts in the store named by
``RATELIMIT_STORAGE_URI``: ``memory://`` (one process) or Redis (every worker and server shares them). Nothing of
this reaches the database or a log, and the store keeps keys only for the window.

Keys. The account is an HMAC of the lower-cased e-mail address; the client is an HMAC (with the app's secret) of
its address. Neither can be turned back into an address without the secret, and both expire with the window.

Per attempt, *before* the password is checked (so counting and checking are one atomic step, no race):

1. ``client``: attempts from this client on any account; above ``LOGIN_CLIENT_LIMIT`` it is refused (429).
   Stops one machine from trying many accounts.
2. ``pair``: attempts from this client on this account; above ``LOGIN_LIMIT`` it is refused (429).
   A successful sign-in clears it.
3. ``account``: failed attempts on this account from all clients together. Once there are ``LOGIN_LIMIT``
   of them, a client that already failed twice on this account in the window must wait: one such attempt
   per delay, the delay doubling with each further failure (1 s, 2 s, 4 s ... up to ``LOGIN_MAX_DELAY``).
   A client that has not failed on the account is never delayed: an attacker elsewhere cannot lock the real
   user out, however many guesses they send. Many machines each get a few guesses per window; the second
   factor (MFA) is what stops a guessed password from being enough.
4. Password hashing (scrypt, ~0.25 s of CPU) runs under a bound: ``LOGIN_HASH_CONCURRENCY`` at once per
   process and, with Redis, ``LOGIN_HASH_CONCURRENCY_SHARED`` at once over all servers. An attempt that finds
   no free place within ``LOGIN_HASH_WAIT`` seconds gets 503 with Retry-After, and its reservations are
   given back: guesses cannot take the CPU that residents' pages need.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string

from .codes import derive_key

# A semaphore in Redis: a sorted set of holders, old ones (a crashed worker's) dropped after ``ttl`` seconds.
_ACQUIRE = """
redis.call('zremrangebyscore', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('zcard', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('zadd', KEYS[1], ARGV[1], ARGV[4])
  redis.call('expire', KEYS[1], ARGV[2])
  return 1
end
return 0
"""


@dataclass
class Verdict:
    """Whether an attempt may be evaluated; if not, why (``client``, ``pair``, ``delay``, ``busy``) and how
    many seconds to wait."""

    allowed: bool
    reason: str = ""
    retry_after: int = 0
    account: str = ""
    client: str = ""


class SigninThrottle:
    def __init__(self, config):
        self.uri = config["RATELIMIT_STORAGE_URI"]
        self.storage = storage_from_string(self.uri)
        self.prefix = config.get("RATELIMIT_KEY_PREFIX") or "ladder"
        self.key = derive_key(config["SECRET_KEY"], "signin-throttle")
        pair = parse(config["LOGIN_LIMIT"])
        self.pair_limit, self.window = pair.amount, int(pair.get_expiry())
        client = parse(config["LOGIN_CLIENT_LIMIT"])
        self.client_limit, self.client_window = client.amount, int(client.get_expiry())
        self.max_delay = int(config["LOGIN_MAX_DELAY"])
        self.hash_wait = float(config["LOGIN_HASH_WAIT"])
        self.local = threading.BoundedSemaphore(int(config["LOGIN_HASH_CONCURRENCY"]))
        self.shared_limit = int(config["LOGIN_HASH_CONCURRENCY_SHARED"])
        self.redis = None
        if self.uri.startswith(("redis://", "rediss://")):
            import redis
            self.redis = redis.Redis.from_url(self.uri)
            self.acquire_script = self.redis.register_script(_ACQUIRE)

    # -- keys ------------------------------------------------------------------------------------------

    def _digest(self, kind: str, value: str) -> str:
        return hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def _k(self, *parts: str) -> str:
        return ":".join((self.prefix, "signin") + parts)

    # -- the steps ---------------------------------------------------------------------------------------

    def check(self, email: str, address: str | None) -> Verdict:
        """Reserve an attempt for ``email`` from ``address``; refused attempts are not evaluated."""
        account = self._digest("account", email.strip().lower())
        client = self._digest("client", address or "unknown")
        verdict = Verdict(True, account=account, client=client)
        if self.storage.incr(self._k("client", client), self.client_window) > self.client_limit:
            return self._refuse(verdict, "client", self._k("client", client))
        pair_key = self._k("pair", account, client)
        tried = self.storage.incr(pair_key, self.window)
        if tried > self.pair_limit:
            self._give_back(verdict, pair=False)
            return self._refuse(verdict, "pair", pair_key)
        failures = self.storage.get(self._k("account", account))
        if failures >= self.pair_limit and tried > 2:
            delay = min(self.max_delay, 2 ** (failures - self.pair_limit))
            gate = self._k("gate", account)
            # One attempt per delay: the first to create the gate goes on, the rest wait for it to expire.
            if self.storage.incr(gate, delay) > 1:
                self._give_back(verdict)
                return self._refuse(verdict, "delay", gate)
        return verdict

    def failed(self, verdict: Verdict) -> None:
        self.storage.incr(self._k("account", verdict.account), self.window)

    def succeeded(self, verdict: Verdict) -> None:
        self.storage.clear(self._k("pair", verdict.account, verdict.client))
        self._give_back(verdict, pair=False)

    def _give_back(self, verdict: Verdict, pair: bool = True) -> None:
        """Return a reservation that was not used for a guess (refused, or the server was busy)."""
        self.storage.incr(self._k("client", verdict.client), self.client_window, amount=-1)
        if pair:
            self.storage.incr(self._k("pair", verdict.account, verdict.client), self.window, amount=-1)

    def _refuse(self, verdict: Verdict, reason: str, key: str) -> Verdict:
        verdict.allowed, verdict.reason = False, reason
        verdict.retry_after = max(1, math.ceil(self.storage.get_expiry(key) - time.time()))
        return verdict

    # -- the bound on password hashing -------------------------------------------------------------------

    @contextmanager
    def hashing(self, verdict: Verdict):
        """Hold a place to check a password; ``yield False`` when none came free in time (the caller says 503)."""
        if not self.local.acquire(timeout=self.hash_wait):
            self._give_back(verdict)
            yield False
            return
        token = None
        try:
            if self.redis is not None:
                token = self._acquire_shared()
                if token is None:
                    self._give_back(verdict)
                    yield False
                    return
            yield True
        finally:
            if token is not None:
                self.redis.zrem(self._k("hashing"), token)
            self.local.release()

    def _acquire_shared(self) -> str | None:
        token, deadline = uuid.uuid4().hex, time.monotonic() + self.hash_wait
        while True:
            if self.acquire_script(keys=[self._k("hashing")], args=[time.time(), 30, self.shared_limit, token]):
                return token
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)

    # -- the second factor's codes -------------------------------------------------------------------------

    def second_factor_allowed(self, user_id: int) -> Verdict:
        """Count a code tried for ``user_id``'s second factor: ``LOGIN_LIMIT`` per window, whoever sends them."""
        key = self._k("mfa", self._digest("user", str(user_id)))
        verdict = Verdict(True)
        if self.storage.incr(key, self.window) > self.pair_limit:
            return self._refuse(verdict, "mfa", key)
        return verdict

    def second_factor_passed(self, user_id: int) -> None:
        self.storage.clear(self._k("mfa", self._digest("user", str(user_id))))


def init_app(app) -> None:
    app.extensions["ladder_throttle"] = SigninThrottle(app.config)


def of(app) -> SigninThrottle:
    return app.extensions["ladder_throttle"]
