"""An MQTT 3.1.1 broker in pure Python (amqtt), for machines without Mosquitto.

Only for the single-machine demo: amqtt speaks MQTT 3.1.1 (no MQTT 5
properties, no shared subscriptions), which the contract tolerates. Run as
``python -m lianxin.embedded_broker --port N``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    from amqtt.broker import Broker  # noqa: PLC0415 - optional [demo] extra

    config = {
        "listeners": {"default": {"type": "tcp", "bind": f"{args.host}:{args.port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }

    async def serve() -> None:
        broker = Broker(config)
        await broker.start()
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
