"""LeanClient reads the same messages as paho from the same bytes, or lets paho read them."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import paho.mqtt.client as mqtt
from hypothesis import given, settings
from hypothesis import strategies as st
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from lianxin.broker import BrokerProcess
from protocol.buffered_socket import BufferedSocket
from protocol.lean_paho import LeanClient
from tests.waiting import wait_until

V5 = MQTTProtocolVersion.MQTTv5
V311 = MQTTProtocolVersion.MQTTv311


def test_the_paho_methods_it_replaces_still_exist() -> None:
    replaced = ("_handle_publish", "_handle_pubackcomp", "_update_inflight", "_send_puback")
    used = (
        "_packet_read",
        "_packet_handle",
        "_loop_rc_handle",
        "_mid_generate",
        "_packet_queue",
        "_pack_remaining_length",
    )
    for name in (*replaced, *used):
        assert callable(getattr(mqtt.Client, name, None)), name
    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    for name in (
        "_in_packet",
        "_out_messages",
        "_inflight_messages",
        "_out_message_mutex",
        "_msgtime_mutex",
        "_last_bytes_received",
        "_max_queued_messages",
        "_max_inflight_messages",
    ):
        assert hasattr(client, name), name


def _publish_packet(
    protocol: MQTTProtocolVersion,
    topic: bytes,
    payload: bytes,
    qos: int,
    mid: int,
    correlation: bytes | None,
) -> bytes:
    body = len(topic).to_bytes(2, "big") + topic
    if qos:
        body += mid.to_bytes(2, "big")
    if protocol == V5:
        properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        if correlation is not None:
            properties.CorrelationData = correlation
        body += properties.pack()  # type: ignore[no-untyped-call]
    return body + payload


def _read(
    client_class: type[mqtt.Client], protocol: MQTTProtocolVersion, header: int, packet: bytes
) -> mqtt.MQTTMessage | str:
    client = client_class(CallbackAPIVersion.VERSION2, protocol=protocol, manual_ack=True)
    got: list[mqtt.MQTTMessage] = []
    client.on_message = lambda _c, _u, message: got.append(message)
    client._in_packet = {"command": header, "packet": bytearray(packet)}  # type: ignore[typeddict-item]
    try:
        client._handle_publish()
    except Exception as error:
        return type(error).__name__
    return got[0]


@settings(max_examples=300, deadline=None)
@given(
    protocol=st.sampled_from([V5, V311]),
    topic=st.text(min_size=1, max_size=60).map(str.encode),
    payload=st.binary(max_size=300),
    qos=st.sampled_from([0, 1]),
    mid=st.integers(1, 65535),
    dup=st.booleans(),
    retain=st.booleans(),
    correlation=st.none() | st.binary(min_size=1, max_size=20),
)
def test_a_publish_reads_the_same_as_paho_reads_it(
    protocol: MQTTProtocolVersion,
    topic: bytes,
    payload: bytes,
    qos: int,
    mid: int,
    dup: bool,
    retain: bool,
    correlation: bytes | None,
) -> None:
    header = 0x30 | (0x08 if dup else 0) | (qos << 1) | (0x01 if retain else 0)
    packet = _publish_packet(protocol, topic, payload, qos, mid, correlation)
    lean = _read(LeanClient, protocol, header, packet)
    stock = _read(mqtt.Client, protocol, header, packet)
    assert isinstance(lean, mqtt.MQTTMessage) and isinstance(stock, mqtt.MQTTMessage)
    for field in ("topic", "payload", "qos", "mid", "dup", "retain"):
        assert getattr(lean, field) == getattr(stock, field), field
        assert type(getattr(lean, field)) is type(getattr(stock, field)), field
    assert getattr(lean.properties, "CorrelationData", None) == getattr(
        stock.properties, "CorrelationData", None
    )


@settings(max_examples=300, deadline=None)
@given(
    protocol=st.sampled_from([V5, V311]),
    header=st.integers(0x30, 0x3F),
    packet=st.binary(max_size=40),
)
def test_any_bytes_fail_or_succeed_as_they_do_in_paho(
    protocol: MQTTProtocolVersion, header: int, packet: bytes
) -> None:
    lean = _read(LeanClient, protocol, header, packet)
    stock = _read(mqtt.Client, protocol, header, packet)
    if isinstance(stock, str):
        assert lean == stock
    else:
        assert isinstance(lean, mqtt.MQTTMessage)
        assert lean._topic == stock._topic
        assert (lean.payload, lean.qos, lean.mid) == (stock.payload, stock.qos, stock.mid)


class _Wire:
    """A socket that takes every byte it is given."""

    def __init__(self) -> None:
        self.sent = bytearray()

    def send(self, data: bytes) -> int:
        self.sent += data
        return len(data)

    def close(self) -> None:
        """paho closes its socket when the client is collected."""


def _publish_all(
    client_class: type[mqtt.Client],
    protocol: MQTTProtocolVersion,
    publishes: list[tuple[str, object, int, bool]],
    in_flight: int,
    queued: int,
) -> tuple[bytes, list[object], list[tuple[object, ...]], int]:
    """What a client writes and keeps for ``publishes``: bytes, answers, stored messages."""
    client = client_class(CallbackAPIVersion.VERSION2, protocol=protocol)
    client.max_inflight_messages_set(in_flight)
    client.max_queued_messages_set(queued)
    wire = _Wire()
    client._sock = wire  # type: ignore[assignment]
    answers: list[object] = []
    for topic, payload, qos, retain in publishes:
        try:
            info = client.publish(topic, payload, qos=qos, retain=retain)  # type: ignore[arg-type]
        except ValueError as error:
            answers.append(str(error))
        else:
            answers.append((info.mid, info.rc, info._published))
    stored: list[tuple[object, ...]] = [
        (mid, m.topic, m.payload, m.qos, m.retain, m.dup, m.state, m.properties, m.info.mid)
        for mid, m in client._out_messages.items()
    ]
    return bytes(wire.sent), answers, stored, client._inflight_messages


@settings(max_examples=300, deadline=None)
@given(
    protocol=st.sampled_from([V5, V311]),
    publishes=st.lists(
        st.tuples(
            st.text(max_size=40) | st.sampled_from(["lianxin/v1/st/s1/k/k1/reply", "a/+", "#"]),
            st.binary(max_size=300)
            | st.binary(min_size=16_380, max_size=16_400)
            | st.sampled_from(["text", None, 7]),
            st.sampled_from([0, 1, 1, 1, 2]),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    ),
    in_flight=st.sampled_from([0, 1, 3]),
    queued=st.sampled_from([0, 2, 10]),
)
def test_a_publish_writes_and_keeps_what_paho_does(
    protocol: MQTTProtocolVersion,
    publishes: list[tuple[str, object, int, bool]],
    in_flight: int,
    queued: int,
) -> None:
    """The plain QoS 1 publish built by LeanClient, and every other kind it hands to paho."""
    lean = _publish_all(LeanClient, protocol, publishes, in_flight, queued)
    stock = _publish_all(mqtt.Client, protocol, publishes, in_flight, queued)
    assert lean == stock


def test_a_publish_while_disconnected_is_kept_as_paho_keeps_it() -> None:
    client = LeanClient(CallbackAPIVersion.VERSION2, protocol=V5)
    info = client.publish("offline/1", b"kept", qos=1)
    assert info.rc == mqtt.MQTT_ERR_NO_CONN
    assert client._out_messages[info.mid].state == mqtt.mqtt_ms_publish  # sent on reconnect


@contextlib.contextmanager
def _through_broker(
    broker: BrokerProcess, topic_filter: str, *, in_flight: int | None = None
) -> Iterator[tuple[LeanClient, list[mqtt.MQTTMessage]]]:
    """A publisher, and the messages a subscriber to ``topic_filter`` receives; both ready."""
    received: list[mqtt.MQTTMessage] = []
    subscribed: list[int] = []
    subscriber = LeanClient(CallbackAPIVersion.VERSION2, protocol=V5)
    subscriber.on_message = lambda _c, _u, message: received.append(message)
    subscriber.on_connect = lambda client, *_: client.subscribe(topic_filter, qos=1)
    subscriber.on_subscribe = lambda _c, _u, mid, *_: subscribed.append(mid)
    subscriber.connect(broker.info.host, broker.info.port)
    subscriber.loop_start()
    publisher = LeanClient(CallbackAPIVersion.VERSION2, protocol=V5)
    if in_flight is not None:
        publisher.max_inflight_messages_set(in_flight)
    publisher.connect(broker.info.host, broker.info.port)
    publisher.loop_start()
    try:
        wait_until(
            lambda: subscribed and publisher.is_connected(),
            message="connected, and the broker confirmed the subscription",
        )
        yield publisher, received
    finally:
        publisher.loop_stop()
        subscriber.loop_stop()


def test_through_a_real_broker_every_publish_is_acknowledged_and_received(
    broker: BrokerProcess,
) -> None:
    """More QoS 1 messages than may be in flight: the queued ones go as PUBACKs come back."""
    with _through_broker(broker, "lean/#", in_flight=5) as (publisher, received):
        infos = []
        for n in range(200):
            properties = None
            if n % 2:
                properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
                properties.CorrelationData = f"c{n}".encode()
            infos.append(
                publisher.publish(f"lean/{n}", str(n).encode(), qos=1, properties=properties)
            )
        wait_until(lambda: all(info.is_published() for info in infos), message="all acknowledged")
        wait_until(lambda: len(received) >= 200, message="all received")
        by_topic = {message.topic: message for message in received}
        assert sorted(int(topic.split("/")[1]) for topic in by_topic) == list(range(200))
        for n in range(200):
            message = by_topic[f"lean/{n}"]
            assert message.payload == str(n).encode()
            expected = f"c{n}".encode() if n % 2 else None
            assert getattr(message.properties, "CorrelationData", None) == expected


class _Trickle:
    """A socket that takes at most ``per_send`` bytes a call, and says 'full' every other call."""

    def __init__(self, per_send: int) -> None:
        self.per_send = per_send
        self.received = bytearray()
        self.calls = 0

    def send(self, data: bytes) -> int:
        self.calls += 1
        if self.calls % 2 == 0:
            raise BlockingIOError
        taken = bytes(data[: self.per_send])
        self.received += taken
        return len(taken)

    def close(self) -> None:
        """paho closes its socket when the client is collected."""


def _queue(client: mqtt.Client, command: int, body: bytes, qos: int) -> mqtt.MQTTMessageInfo:
    info = mqtt.MQTTMessageInfo(1)
    packet = bytes([command, len(body)]) + body
    client._out_packet.append(
        {
            "command": command,
            "mid": 1,
            "qos": qos,
            "pos": 0,
            "to_process": len(packet),
            "packet": packet,
            "info": info,
        }
    )
    return info


@given(per_send=st.integers(1, 40))
def test_packets_written_together_arrive_whole_and_in_order_even_in_short_sends(
    per_send: int,
) -> None:
    client = LeanClient(CallbackAPIVersion.VERSION2, protocol=V5)
    sock = _Trickle(per_send)
    client._sock = sock  # type: ignore[assignment]
    expected = bytearray()
    qos0 = None
    for n in range(12):
        if n == 7:  # a QoS 0 PUBLISH: paho's own writer finishes it
            qos0 = _queue(client, 0x30, b"\x00\x01t" + b"zero", 0)
        else:
            _queue(client, 0x40, n.to_bytes(2, "big"), 1)  # a PUBACK
        expected += client._out_packet[-1]["packet"]
    for _ in range(10_000):
        if not client._out_packet:
            break
        client._packet_write()
    assert not client._out_packet
    assert sock.received == expected
    assert qos0 is not None and qos0.is_published()


def test_writes_held_for_a_batch_all_leave_when_it_ends(broker: BrokerProcess) -> None:
    """Replies and acks queued in a held stretch reach the broker once it ends."""
    with _through_broker(broker, "held/#", in_flight=0) as (publisher, received):
        infos = []
        for stretch in range(3):
            with publisher.holding_writes():
                infos += [
                    publisher.publish(f"held/{stretch}", f"{stretch}-{n}".encode(), qos=1)
                    for n in range(300)
                ]
        wait_until(lambda: all(info.is_published() for info in infos), message="all acked")
        wait_until(lambda: len(received) >= 900, message="all received")
        assert sorted(bytes(message.payload) for message in received) == sorted(
            f"{s}-{n}".encode() for s in range(3) for n in range(300)
        )


def test_another_threads_publish_is_not_held_back(broker: BrokerProcess) -> None:
    """While the hub's worker holds its batch, a publish from another thread still goes out."""
    release = threading.Event()
    holding = threading.Event()
    with _through_broker(broker, "hold/#") as (publisher, received):

        def batch() -> None:
            with publisher.holding_writes():
                publisher.publish("hold/batch", b"reply", qos=1)
                holding.set()
                release.wait(30)

        worker = threading.Thread(target=batch)
        worker.start()
        try:
            assert holding.wait(10)
            publisher.publish("hold/other", b"snapshot", qos=1)

            def topics() -> list[str]:
                return [message.topic for message in received]

            wait_until(lambda: "hold/other" in topics(), message="the other thread's publish")
            release.set()
            wait_until(lambda: "hold/batch" in topics(), message="the held one, after the block")
        finally:
            release.set()
            worker.join(10)


def test_a_block_inside_a_block_holds_until_the_outer_one_ends(broker: BrokerProcess) -> None:
    """The hub turns its connection (a held block of its own) while a batch holds its replies."""
    with _through_broker(broker, "nested/#") as (publisher, _received):
        with publisher.holding_writes():
            publisher.publish("nested/first", b"1", qos=1)
            with publisher.holding_writes():
                publisher.publish("nested/second", b"2", qos=1)
            assert len(publisher._out_packet) == 2  # the inner end sent nothing
        wait_until(
            lambda: not publisher._out_packet, message="both sent once the outer block ended"
        )


def test_one_read_takes_every_packet_waiting_and_keeps_a_partial_one() -> None:
    """paho's loop_read takes one packet when nothing is in flight; the lean one takes all."""
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    client = LeanClient(CallbackAPIVersion.VERSION2, protocol=V5)
    got: list[mqtt.MQTTMessage] = []
    client.on_message = lambda _c, _u, message: got.append(message)
    client._sock = BufferedSocket(ours)
    packets = [_publish_packet(V5, b"burst", str(n).encode(), 0, 0, None) for n in range(50)]
    framed = b"".join(bytes([0x30, len(packet)]) + packet for packet in packets)
    try:
        theirs.sendall(framed + framed[:5])  # 50 packets and the start of another
        assert client.loop_read(100) == mqtt.MQTT_ERR_SUCCESS
        assert [bytes(message.payload) for message in got] == [str(n).encode() for n in range(50)]
        theirs.sendall(framed[5 : 2 + len(packets[0])])  # the rest of the 51st
        assert client.loop_read(100) == mqtt.MQTT_ERR_SUCCESS
        assert len(got) == 51
    finally:
        ours.close()
        theirs.close()


class _Arriving:
    """A non-blocking socket's reading end: bytes become readable as the test delivers them."""

    def __init__(self) -> None:
        self.readable = bytearray()

    def recv(self, size: int) -> bytes:
        if not self.readable:
            raise BlockingIOError
        taken = bytes(self.readable[:size])
        del self.readable[:size]
        return taken

    def send(self, data: bytes) -> int:
        return len(data)

    def close(self) -> None:
        """paho closes its socket when the client is collected."""


class _PahosReader(LeanClient):
    """LeanClient reading every packet with paho's own reader, a piece at a time."""

    _packet_read = mqtt.Client._packet_read


def _remaining_length(size: int) -> bytes:
    encoded = bytearray()
    while True:
        size, byte = divmod(size, 128)
        encoded.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(encoded)


def _frame(header: int, body: bytes) -> bytes:
    return bytes([header]) + _remaining_length(len(body)) + body


_PACKETS = st.one_of(
    st.builds(  # a PUBLISH, its length from one to three bytes
        lambda qos, mid, size, correlation: _frame(
            0x30 | qos << 1,
            _publish_packet(V5, b"req/k1", bytes([size % 251]) * size, qos, mid, correlation),
        ),
        st.sampled_from([0, 1]),
        st.integers(1, 65535),
        st.sampled_from([0, 1, 100, 200, 5_000, 20_000]),
        st.none() | st.just(b"corr"),
    ),
    st.just(_frame(0xD0, b"")),  # PINGRESP
    st.just(_frame(0x30, b"\x00\x09short")),  # a topic longer than the packet
    st.just(b"\x30\xff\xff\xff\xff\x01"),  # a remaining length of five bytes
)


def _read_stream(
    client_class: type[LeanClient], packets: list[bytes], cuts: list[int]
) -> tuple[list[tuple[object, ...]], list[int]]:
    """Deliver the packets' bytes in pieces; (each message read, each loop_read's result)."""
    client = client_class(CallbackAPIVersion.VERSION2, protocol=V5, manual_ack=True)
    read: list[tuple[object, ...]] = []
    client.on_message = lambda _c, _u, m: read.append(
        (m.topic, bytes(m.payload), m.qos, m.mid, getattr(m.properties, "CorrelationData", None))
    )
    arriving = _Arriving()
    client._sock = BufferedSocket(arriving)
    stream = b"".join(packets)
    results = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        arriving.readable += stream[start:end]
        if client._sock is None:
            break  # a malformed packet ended the connection
        results.append(int(client.loop_read(1000)))
    return read, results


@settings(max_examples=200, deadline=None)
@given(packets=st.lists(_PACKETS, min_size=1, max_size=12), data=st.data())
def test_a_stream_in_any_pieces_reads_as_pahos_reader_reads_it(
    packets: list[bytes], data: st.DataObject
) -> None:
    """Whole packets come straight from the buffer; the rest, and every error, as paho has it."""
    size = len(b"".join(packets))
    cuts = sorted(set(data.draw(st.lists(st.integers(1, max(1, size - 1)), max_size=6))))
    lean = _read_stream(LeanClient, packets, [cut for cut in cuts if cut < size])
    stock = _read_stream(_PahosReader, packets, [cut for cut in cuts if cut < size])
    assert lean == stock


def _recvs_to_read(client_class: type[LeanClient], packets: list[bytes]) -> int:
    """How many ``recv`` calls the client's reader makes on the buffer to read ``packets``."""
    client = client_class(CallbackAPIVersion.VERSION2, protocol=V5, manual_ack=True)
    got: list[int] = []
    client.on_message = lambda _c, _u, m: got.append(m.mid)
    arriving = _Arriving()
    arriving.readable += b"".join(packets)
    buffered = BufferedSocket(arriving)
    calls = 0
    read = buffered.recv

    def counted(size: int) -> bytes:
        nonlocal calls
        calls += 1
        return read(size)

    buffered.recv = counted  # type: ignore[method-assign]
    client._sock = buffered  # type: ignore[assignment]
    assert client.loop_read(100) == mqtt.MQTT_ERR_SUCCESS
    assert got == list(range(1, len(packets) + 1))
    return calls


def test_packets_whole_in_the_buffer_are_taken_without_a_recv_for_each_piece() -> None:
    packets = [
        _frame(0x32, _publish_packet(V5, b"t", b"x" * 300, 1, n, None)) for n in range(1, 51)
    ]
    # The first packet fills the buffer through paho's reader (four pieces);
    # the last call finds nothing more to read.
    assert _recvs_to_read(LeanClient, packets) == 5
    assert _recvs_to_read(_PahosReader, packets) == 4 * 50 + 1  # the control
