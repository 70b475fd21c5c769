"""What central counts on ``GET /metrics`` (served with config.metrics.Metrics)."""

from __future__ import annotations

BAD_REQUESTS = "lianxin_central_bad_requests_total"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
