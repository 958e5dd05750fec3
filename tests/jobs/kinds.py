"""Job kinds for the tests only (importable by the worker processes the tests start)."""

from __future__ import annotations

import time

from jobs.runner import JobContext, job


@job(label="Test: hold", conflict_key=lambda params: params.get("key"), on_conflict="wait")
def hold(ctx: JobContext, *, seconds: float, key: str | None = None, steps: int = 20) -> dict:
    """Sleep `seconds` in `steps` progress steps; not safe to retry (the default)."""
    ctx.progress(0, total=steps)
    for _step in range(steps):
        time.sleep(seconds / steps)
        ctx.advance()
    return {"slept": seconds}
