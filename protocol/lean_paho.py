"""paho with lean handlers for the packets a busy hub or kiosk receives most.

Under load the hub receives a PUBLISH (a request) and a PUBACK (for its
reply) per check-in, and the kiosk the reverse. paho 2 handles each with
general code: a struct format string built per packet, an MQTT 5
``Properties`` object even when the packet carries none, a topic-filter
match for callbacks we never register, debug-log arguments worked out with
no logger, and, for every PUBACK, a walk over every message in flight.
Profiled on the hub, that was about a fifth of its time per check-in.

``LeanClient`` handles the common shapes itself and hands anything else to
paho unchanged: QoS 2, a packet with MQTT 5 properties, a PUBACK with a
reason code, a client with ``on_publish`` or per-topic callbacks, and any
packet it cannot parse (paho then raises its own error for it). The
messages it builds are paho's ``MQTTMessage``; a packet without properties
gets ``properties = None``.

Reads: paho reads a packet a piece at a time (its first byte, each length
byte, then the body, each a ``recv``); a packet already whole in the read
buffer (protocol.buffered_socket) is handled straight from it, ~2 µs less
per packet (a request, or the PUBACK of a reply). A packet split across
reads goes through paho's reader.

Writes: paho sends every packet with a ``send`` of its own, and a packet
queued from another thread first wakes paho's network thread through a
socket pair: each of those system calls lets the GIL go to the other
thread. ``holding_writes()`` lets one thread queue a stretch of packets (a
batch's replies and acknowledgements) without waking anyone, and wakes the
writer once at the end; the writer sends queued packets together, up to
256 in one ``send`` (a QoS 0 PUBLISH or a DISCONNECT goes through paho's
writer, which has work to do after sending them).

Publishes: paho's ``publish`` checks and converts its arguments for any
caller, builds the packet a byte at a time and works out debug-log
arguments with no logger. A QoS 1 publish of bytes, not retained, without
properties, on a connected client (every reply of the hub's and every
request of a kiosk's) is built here, with the same state paho keeps (the
message stored for a resend, counted in flight): 4.0 µs to a reply
queued, against paho's 4.85; most of what is left is that stored message
(its lock and condition). Any other publish is paho's.

The methods it overrides are paho 2.2's private ones;
``tests/unit/test_lean_paho.py`` checks they still exist and that both
paths read the same message from the same bytes, so an upgrade that moves
them fails loudly.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any, Literal

import paho.mqtt.client as mqtt
from paho.mqtt.enums import MQTTErrorCode, MQTTProtocolVersion
from paho.mqtt.exception import MalformedPacket
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from protocol.buffered_socket import BufferedReadClient, BufferedSocket

_SUCCESS = MQTTErrorCode.MQTT_ERR_SUCCESS
_PUBLISH = PacketTypes.PUBLISH << 4
_PUBLISH_QOS1 = _PUBLISH | 0x02
# MQTT's largest remaining length (four length bytes).
_MAX_REMAINING = 268_435_455
_DISCONNECT = PacketTypes.DISCONNECT << 4
# Packets joined into one send at most.
_WRITE_RUN = 256


class LeanClient(BufferedReadClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._topic_callbacks = False
        self._holding: int | None = None  # the thread holding its writes back

    @contextlib.contextmanager
    def holding_writes(self) -> Iterator[None]:
        """This thread's packets wait until the block ends, then wake the writer once.

        Packets other threads queue meanwhile wake it as usual. For one thread
        at a time (the one producing a batch); a block inside a block of the
        same thread (the hub turning its connection while a batch waits for
        room in its reply window) changes nothing: the outer block's end wakes.
        """
        me = threading.get_ident()
        if self._holding == me:
            yield
            return
        self._holding = me
        try:
            yield
        finally:
            self._holding = None
            if self._out_packet:
                self._wake_writer()

    def publish(
        self,
        topic: str,
        payload: mqtt.PayloadType = None,
        qos: int = 0,
        retain: bool = False,
        properties: Properties | None = None,
    ) -> mqtt.MQTTMessageInfo:
        """paho's ``publish``; a plain QoS 1 publish of bytes is built here (see the module)."""
        if qos != 1 or retain or properties is not None or type(payload) is not bytes:
            return super().publish(topic, payload, qos, retain, properties)
        topic_bytes = topic.encode("utf-8")
        size = 4 + len(topic_bytes) + len(payload) + (self._protocol == MQTTProtocolVersion.MQTTv5)
        if (
            self._sock is None  # paho keeps it for the connection
            or not topic_bytes
            or b"+" in topic_bytes
            or b"#" in topic_bytes
            or len(topic_bytes) > 0xFFFF
            or size > _MAX_REMAINING
        ):
            return super().publish(topic, payload, qos, retain, properties)  # or raises
        mid = self._mid_generate()
        message = mqtt.MQTTMessage(mid, topic_bytes)
        message.timestamp = time.monotonic()
        message.payload = payload
        message.qos = 1
        message.retain = False
        message.dup = False
        message.properties = None
        info = message.info
        with self._out_message_mutex:
            if (
                0 < self._max_queued_messages <= len(self._out_messages)
                or mid in self._out_messages
            ):
                info.rc = MQTTErrorCode.MQTT_ERR_QUEUE_SIZE
                return info
            self._out_messages[mid] = message
            if 0 < self._max_inflight_messages <= self._inflight_messages:
                message.state = mqtt.mqtt_ms_queued  # paho sends it when one in flight is acked
                return info
            self._inflight_messages += 1
            message.state = mqtt.mqtt_ms_wait_for_puback
            packet = bytearray((_PUBLISH_QOS1,))
            self._pack_remaining_length(packet, size)
            packet += len(topic_bytes).to_bytes(2, "big")
            packet += topic_bytes
            packet += mid.to_bytes(2, "big")
            if self._protocol == MQTTProtocolVersion.MQTTv5:
                packet.append(0)  # no properties
            packet += payload
            info.rc = self._packet_queue(_PUBLISH_QOS1, packet, mid, 1, info)
            return info

    def _wake_writer(self) -> None:
        if self._thread is None:  # no network thread: whoever drives the loop writes now
            if self._in_callback_mutex.acquire(False):
                self._in_callback_mutex.release()
                self.loop_write()
            return
        if self._sockpairW is not None:
            with contextlib.suppress(BlockingIOError):  # already awake: a byte is waiting
                self._sockpairW.send(b"0")
        self._call_socket_register_write()

    def _packet_queue(
        self,
        command: int,
        packet: bytes | bytearray,
        mid: int,
        qos: int,
        info: mqtt.MQTTMessageInfo | None = None,
    ) -> MQTTErrorCode:
        if self._holding != threading.get_ident():
            return super()._packet_queue(command, packet, mid, qos, info)
        self._out_packet.append(
            {
                "command": command,
                "mid": mid,
                "qos": qos,
                "pos": 0,
                "to_process": len(packet),
                "packet": packet,
                "info": info,
            }
        )
        return _SUCCESS

    def loop_read(self, max_packets: int = 1) -> MQTTErrorCode:
        """Read packets until none is waiting: up to ``max_packets``, or one per message in flight.

        paho's own ignores ``max_packets`` and reads as many packets as it has
        messages in flight (one when it has none): an owner driving the loop
        (protocol/connection.py) then pays a ``select`` and a turn per request
        read. The packets come from the buffered socket (protocol.buffered_socket)
        until the kernel has nothing more, so asking for many costs nothing
        when few are there.
        """
        count = max(max_packets, len(self._out_messages) + len(self._in_messages), 1)
        for _ in range(count):
            if self._sock is None:
                return MQTTErrorCode.MQTT_ERR_NO_CONN
            rc = self._packet_read()
            if rc > 0:
                return self._loop_rc_handle(rc)
            if rc == MQTTErrorCode.MQTT_ERR_AGAIN:
                break
        return _SUCCESS

    def _packet_read(self) -> MQTTErrorCode:
        """Handle the next packet: straight from the read buffer when it holds it whole.

        paho's reader takes a packet in three or more ``recv`` calls (the
        first byte, each length byte, the body) and grows it a piece at a
        time; a packet already whole in the buffer needs none of that. A
        packet split across reads, and any read of the socket itself, is
        paho's, with its error handling.
        """
        sock = self._sock
        if self._in_packet["command"] == 0 and isinstance(sock, BufferedSocket):
            whole = sock.take_packet()
            if whole is not None:
                return self._handle_whole(*whole)
        return super()._packet_read()

    def _handle_whole(self, command: int, body: bytes) -> MQTTErrorCode:
        """What paho does once a packet is read: handle it, then start the next."""
        self._in_packet = {
            "command": command,
            "have_remaining": 1,
            "remaining_count": [],
            "remaining_mult": 1,
            "remaining_length": len(body),
            "packet": body,  # type: ignore[typeddict-item]  # paho's handlers only read it
            "to_process": 0,
            "pos": 0,
        }
        try:
            rc = self._packet_handle()
        except MalformedPacket:
            rc = MQTTErrorCode.MQTT_ERR_PROTOCOL  # as paho's reader answers one
        self._in_packet = {
            "command": 0,
            "have_remaining": 0,
            "remaining_count": [],
            "remaining_mult": 1,
            "remaining_length": 0,
            "packet": bytearray(),
            "to_process": 0,
            "pos": 0,
        }
        with self._msgtime_mutex:
            self._last_bytes_received = time.monotonic()
        return rc

    def message_callback_add(self, sub: str, callback: Any) -> None:
        self._topic_callbacks = True  # paho's own path matches them
        super().message_callback_add(sub, callback)

    def _handle_publish(self) -> MQTTErrorCode:
        message = self._lean_publish()
        if message is None:
            return super()._handle_publish()
        on_message = self.on_message
        if on_message is not None:
            with self._in_callback_mutex:
                on_message(self, self._userdata, message)
        if message.qos == 1 and not self._manual_ack:
            return self._send_puback(message.mid)
        return _SUCCESS

    def _lean_publish(self) -> mqtt.MQTTMessage | None:
        """The message in ``_in_packet`` when it has the common shape; None otherwise."""
        header: int = self._in_packet["command"]
        packet = bytes(self._in_packet["packet"])  # paho's is a bytearray; messages hold bytes
        qos = (header & 0x06) >> 1
        if qos == 2 or self._topic_callbacks:
            return None
        if len(packet) < 2:
            return None
        end = 2 + ((packet[0] << 8) | packet[1])
        if end > len(packet) or end == 2:
            return None  # paho says what is wrong (no topic, too short)
        mid = 0
        if qos:
            if end + 2 > len(packet):
                return None
            mid = (packet[end] << 8) | packet[end + 1]
            end += 2
        if self._protocol == MQTTProtocolVersion.MQTTv5:
            if end >= len(packet) or packet[end] != 0:
                return None  # properties present (or missing): paho parses them
            end += 1
        message = mqtt.MQTTMessage(mid=mid, topic=packet[2 : 2 + ((packet[0] << 8) | packet[1])])
        message.dup = bool(header & 0x08)
        message.qos = qos
        message.retain = bool(header & 0x01)
        message.properties = None
        message.payload = packet[end:]
        message.timestamp = time.monotonic()
        return message

    def _handle_pubackcomp(self, cmd: Literal["PUBACK", "PUBCOMP"]) -> MQTTErrorCode:
        packet = self._in_packet["packet"]
        if cmd != "PUBACK" or len(packet) != 2 or self.on_publish is not None:
            # A reason code or properties, QoS 2, or a callback to tell: paho's path.
            return super()._handle_pubackcomp(cmd)
        mid = (packet[0] << 8) | packet[1]
        with self._out_message_mutex:
            message = self._out_messages.pop(mid, None)
            if message is None:
                return _SUCCESS
            message.info._set_as_published()
            if message.qos > 0:
                self._inflight_messages -= 1
                if self._max_inflight_messages > 0:
                    return self._update_inflight()
        return _SUCCESS

    def _update_inflight(self) -> MQTTErrorCode:
        # paho walks every message in flight to find a queued one; when none
        # is queued (every stored message is in flight) there is nothing to do.
        if len(self._out_messages) <= self._inflight_messages:
            return _SUCCESS
        return super()._update_inflight()

    def _packet_write(self) -> MQTTErrorCode:
        queue = self._out_packet
        run: list[Any] = []
        while queue and len(run) < _WRITE_RUN:
            packet = queue[0]
            command = packet["command"] & 0xF0
            if (command == _PUBLISH and packet["qos"] == 0) or command == _DISCONNECT:
                break
            run.append(queue.popleft())
        if len(run) < 2:
            queue.extendleft(reversed(run))
            return super()._packet_write()
        data = b"".join(packet["packet"][packet["pos"] :] for packet in run)
        try:
            sent = self._sock_send(data)
        except (AttributeError, ValueError):
            queue.extendleft(reversed(run))
            return _SUCCESS
        except BlockingIOError:
            queue.extendleft(reversed(run))
            return MQTTErrorCode.MQTT_ERR_AGAIN
        except OSError:
            queue.extendleft(reversed(run))
            return MQTTErrorCode.MQTT_ERR_CONN_LOST
        for index, packet in enumerate(run):
            taken = min(sent, packet["to_process"])
            packet["pos"] += taken
            packet["to_process"] -= taken
            sent -= taken
            if packet["to_process"]:  # a short send: the rest goes next time
                queue.extendleft(reversed(run[index:]))
                return _SUCCESS
        return self._packet_write() if queue else _SUCCESS
