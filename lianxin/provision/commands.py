"""``lianxin provision broker | hub | kiosk | revoke``.

Everything lands in one deployment directory (default ``deploy/``):

    deploy/registry.json          principals and password hashes (0600)
    deploy/id-hash.key            the per-deployment ID-number hash key (0600)
    deploy/ca/ca.pem, ca.key      the local CA
    deploy/broker/                mosquitto.conf, passwords, acl, TLS key and cert
    deploy/phone.key, phone.pub   the hub's key pair for sealing visitors' phone numbers
    deploy/hub/<hub>/             hub.toml, broker.password, ca.pem, phone.key
    deploy/kiosks/<st>-<kiosk>/   kiosk.toml, broker.password, ca.pem, id-hash.key, phone.pub

Copy a kiosk's folder to that kiosk and nothing else: it holds only that
kiosk's own credential.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
from pathlib import Path

from lianxin.provision.broker import write_broker_files
from lianxin.provision.ca import ensure_ca
from lianxin.provision.registry import Registry
from lianxin.provision.secrets import write_secret
from protocol.sealing import write_key_pair

DEFAULT_PORT = 8883


def provision_main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.what == "broker" and not args.hosts:
        args.hosts = ["localhost", "127.0.0.1"]
    deploy = args.dir.resolve()
    deploy.mkdir(parents=True, exist_ok=True)
    registry = Registry(deploy)
    try:
        if args.what == "broker":
            endpoint = {
                "host": args.hosts[0],
                "port": args.port,
                "bind": args.bind,
                "hosts": args.hosts,
            }
            (deploy / "broker").mkdir(parents=True, exist_ok=True)
            (deploy / "broker" / "endpoint.json").write_text(json.dumps(endpoint), "utf-8")
            ensure_ca(deploy / "ca")
            conf = _rewrite_broker(deploy, registry)
            print(f"broker config: {conf}\nrun: mosquitto -c {conf}")
        elif args.what == "kiosk":
            print(f"kiosk config: {_provision_kiosk(deploy, registry, args.station, args.kiosk)}")
        elif args.what == "hub":
            print(f"hub config: {_provision_hub(deploy, registry, args.hub_id)}")
        elif args.what == "revoke":
            if not registry.revoke_kiosk(args.station, args.kiosk):
                print(f"no kiosk {args.station}/{args.kiosk} in {registry.path}", file=sys.stderr)
                return 1
            registry.save()
            _rewrite_broker(deploy, registry)
            shutil.rmtree(deploy / "kiosks" / f"{args.station}-{args.kiosk}", ignore_errors=True)
            _reload(args.broker_pid)
            print(f"revoked {args.station}/{args.kiosk}")
    except (ValueError, FileNotFoundError) as exc:
        print(f"lianxin provision: {exc}", file=sys.stderr)
        return 2
    return 0


def _provision_kiosk(deploy: Path, registry: Registry, station: str, kiosk: str) -> Path:
    principal, password = registry.add_kiosk(station, kiosk)
    registry.save()
    _rewrite_broker(deploy, registry)
    endpoint = _endpoint(deploy)
    folder = deploy / "kiosks" / f"{station}-{kiosk}"
    _credentials(deploy, folder, password)
    shutil.copyfile(_id_hash_key(deploy), folder / "id-hash.key")
    os.chmod(folder / "id-hash.key", 0o600)
    shutil.copyfile(_phone_keys(deploy)[1], folder / "phone.pub")
    config = folder / "kiosk.toml"
    config.write_text(
        f'station = "{station}"\nkiosk = "{kiosk}"\ndata_dir = "kiosk-data"\n'
        'id_hash_key_file = "id-hash.key"\nphone_key_file = "phone.pub"\n\n'
        f'[broker]\nhost = "{endpoint["host"]}"\nport = {endpoint["port"]}\nprotocol = "5"\n'
        f'username = "{principal.username}"\npassword_file = "broker.password"\n'
        'tls_ca_file = "ca.pem"\n\n'
        '[reader]\ndriver = "none"                       # set the reader: idcard, em4100, ...\n'
        'port = ""\n',
        encoding="utf-8",
    )
    return config


def _provision_hub(deploy: Path, registry: Registry, hub_id: str) -> Path:
    principal, password = registry.add_hub(hub_id)
    registry.save()
    _rewrite_broker(deploy, registry)
    endpoint = _endpoint(deploy)
    folder = deploy / "hub" / hub_id
    _credentials(deploy, folder, password)
    shutil.copyfile(_phone_keys(deploy)[0], folder / "phone.key")
    os.chmod(folder / "phone.key", 0o600)
    config = folder / "hub.toml"
    config.write_text(
        f'hub_id = "{hub_id}"\ndatabase_url = "sqlite:///hub.db"\nshared_subscription = true\n'
        'phone_key_file = "phone.key"\n\n'
        f'[broker]\nhost = "{endpoint["host"]}"\nport = {endpoint["port"]}\nprotocol = "5"\n'
        f'username = "{principal.username}"\npassword_file = "broker.password"\n'
        'tls_ca_file = "ca.pem"\n',
        encoding="utf-8",
    )
    return config


def _credentials(deploy: Path, folder: Path, password: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_secret(folder / "broker.password", password + "\n")
    shutil.copyfile(deploy / "ca" / "ca.pem", folder / "ca.pem")


def _id_hash_key(deploy: Path) -> Path:
    path = deploy / "id-hash.key"
    if not path.exists():
        write_secret(path, os.urandom(32).hex() + "\n")
    return path


def _phone_keys(deploy: Path) -> tuple[Path, Path]:
    """The hub's key pair for visitors' phone numbers: (private, public), made once."""
    private, public = deploy / "phone.key", deploy / "phone.pub"
    if not private.exists():
        write_key_pair(private, public)
    return private, public


def _endpoint(deploy: Path) -> dict[str, object]:
    path = deploy / "broker" / "endpoint.json"
    if not path.exists():
        raise FileNotFoundError(f"run `lianxin provision broker` first ({path} is missing)")
    endpoint: dict[str, object] = json.loads(path.read_text("utf-8"))
    return endpoint


def _rewrite_broker(deploy: Path, registry: Registry) -> Path:
    endpoint = _endpoint(deploy)
    hosts = endpoint["hosts"]
    assert isinstance(hosts, list)
    return write_broker_files(
        deploy,
        registry,
        port=int(str(endpoint["port"])),
        bind=str(endpoint["bind"]),
        hosts=[str(h) for h in hosts],
        broker_user=str(endpoint.get("user", "mosquitto")),
    )


def _reload(broker_pid: int | None) -> None:
    """Mosquitto rereads its password file and ACL on SIGHUP."""
    if broker_pid is None:
        print("reload the broker so the change takes effect: kill -HUP <mosquitto pid>")
        return
    os.kill(broker_pid, signal.SIGHUP)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lianxin provision")
    parser.add_argument("--dir", type=Path, default=Path("deploy"), help="deployment directory")
    what = parser.add_subparsers(dest="what", required=True)
    broker = what.add_parser("broker", help="CA, TLS certificate, mosquitto.conf, passwords, ACL")
    broker.add_argument("--port", type=int, default=DEFAULT_PORT)
    broker.add_argument("--bind", default="0.0.0.0")  # noqa: S104 - kiosks connect over the LAN
    broker.add_argument(
        "--host",
        dest="hosts",
        action="append",
        help="name or address kiosks use to reach the broker (repeatable)",
    )
    hub = what.add_parser("hub", help="hub credentials and hub.toml")
    hub.add_argument("--hub-id", default="hub-1")
    kiosk = what.add_parser("kiosk", help="one kiosk's credentials and kiosk.toml")
    kiosk.add_argument("--station", required=True)
    kiosk.add_argument("--kiosk", required=True)
    revoke = what.add_parser("revoke", help="remove a kiosk's access")
    revoke.add_argument("--station", required=True)
    revoke.add_argument("--kiosk", required=True)
    revoke.add_argument("--broker-pid", type=int, help="send the broker SIGHUP to reload")
    return parser
