"""A client-side rate limiter: at most `per_minute` calls in any sliding 60-second window.

    limiter = RateLimiter(per_minute=50)
    limiter.wait()          # blocks just long enough to stay under the limit
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class RateLimiter:
    def __init__(
        self,
        per_minute: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ValueError(f"rate limit must be a positive number of requests per minute, got {per_minute}")
        self.per_minute = per_minute
        self._capacity = max(1, int(per_minute))
        self._window = WINDOW_SECONDS * self._capacity / per_minute
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until one more call is allowed, record it, and return the seconds waited."""
        with self._lock:
            now = self._clock()
            waited = 0.0
            while len(self._calls) >= self._capacity:
                delay = self._calls[0] + self._window - now
                if delay <= 0:
                    self._calls.popleft()
                    continue
                self._sleep(delay)
                waited += delay
                now = self._clock()
            self._calls.append(now)
            return waited
