#!/usr/bin/env python3
# ruff: noqa: PERF401, UP032
"""Benign look-alike of a 2012 remote-desktop pre-auth proof of concept, for forewarn's demo.

THIS PROGRAM IS HARMLESS. It imitates only the *shape* of the packets of a 2012 remote-desktop
proof of concept (a transport header, a connection request, a conference-create request whose
domain parameters ask for too few channels, then a burst of channel-join requests) so that
forewarn can fingerprint and trace it. It exploits nothing: the bytes carry harmless labels, and
it talks only to the loopback address (127.0.0.1, forewarn's local toy listener); any other host
is refused before a socket is opened.
"""

import argparse
import ipaddress
import json
import socket
import struct
import sys

DEFAULT_PORT = 33890
TIMEOUT_SECONDS = 5.0
MAX_RETRIES = 3
TPKT_VERSION = 3
X224_CONNECT = 0xE0
X224_DATA = 0xF0
COOKIE_PREFIX = "Cookie: mstshash="
USER_NAME = "lab-operator"
CHANNEL_NAMES = ["rdpdr", "cliprdr", "rdpsnd"]
JOIN_REPEAT = 6
PADDING_BYTE = b"\x41"
PADDING_LENGTH = 19
TRACKING_LABEL = "LAB-PROBE-0312"

DOMAIN_PARAMS = {
    "max_channel_ids": 1,
    "max_user_ids": 1,
    "max_token_ids": 0,
    "num_priorities": 1,
    "min_throughput": 0,
    "max_height": 1,
    "max_mcs_pdu_size": 65535,
    "protocol_version": 2,
}


def loopback_only(host):
    """Refuse anything but the loopback address: this look-alike never leaves the machine."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise SystemExit("host must be a literal loopback address, not {!r}".format(host)) from None
    if not address.is_loopback:
        raise SystemExit("refusing {}: only 127.0.0.1 is allowed".format(host))
    return str(address)


def tpkt(payload):
    """Wrap a payload in the 4-byte transport header the real protocol uses."""
    length = len(payload) + 4
    return struct.pack(">BBH", TPKT_VERSION, 0, length) + payload


def connection_request(user):
    """Step 1: the connection request with the routing cookie, here only a label."""
    cookie = (COOKIE_PREFIX + user + "\r\n").encode("ascii")
    header = bytes([len(cookie) + 6, X224_CONNECT, 0, 0, 0, 0, 0])
    return tpkt(header + cookie)


def encode_params(params):
    """Domain parameters as the look-alike's flat list of big-endian words."""
    parts = []
    for name in sorted(params.keys()):
        parts.append(struct.pack(">I", params[name]))
    return b"".join(parts)


def conference_create(params, channels):
    """Step 2: the conference-create request whose parameters ask for too few channels."""
    body = bytearray()
    body.extend(b"\x7f\x65")
    body.extend(encode_params(params))
    for name in channels:
        label = name.encode("ascii")
        body.extend(struct.pack(">H", len(label)))
        body.extend(label)
    body.extend(PADDING_BYTE * PADDING_LENGTH)
    body.extend(TRACKING_LABEL.encode("ascii"))
    return tpkt(bytes([2, X224_DATA, 0x80]) + bytes(body))


def channel_joins(count, first_channel):
    """Step 3: the burst of channel-join requests that the real flaw mishandled."""
    packets = []
    for index in range(count):
        channel = first_channel + index
        packets.append(tpkt(bytes([2, X224_DATA, 0x80]) + struct.pack(">BHH", 0x38, 1, channel)))
    return packets


def send_all(conn, packets):
    """Send each packet and collect the first bytes of any answer."""
    answers = []
    for packet in packets:
        conn.sendall(packet)
        try:
            data = conn.recv(256)
        except TimeoutError:
            data = b""
        answers.append(len(data))
    return answers


def connect(host, port, timeout):
    """Open the connection, retrying a few times like the original tool did."""
    attempts = 0
    last_error = None
    while attempts < MAX_RETRIES:
        attempts += 1
        try:
            return socket.create_connection((host, port), timeout=timeout)
        except OSError as error:
            last_error = error
    raise SystemExit("no listener after {} attempts: {}".format(attempts, last_error))


def classify(answers):
    """Name the outcome the way the tool's operators logged it."""
    if len(answers) == 0:
        verdict = "nothing sent"
    elif answers[0] == 0:
        verdict = "no answer to the connection request"
    elif sum(answers) > 0:
        verdict = "listener answered {} of {} packets".format(
            sum(1 for a in answers if a > 0), len(answers)
        )
    else:
        verdict = "silent"
    return verdict


def parse_args(argv):
    """Command line: everything defaults to the local toy listener."""
    parser = argparse.ArgumentParser(
        description="Benign remote-desktop packet look-alike (loopback toy listener only)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="toy listener address (loopback)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="toy listener port")
    parser.add_argument("--user", default=USER_NAME, help="label put in the routing cookie")
    parser.add_argument("--joins", type=int, default=JOIN_REPEAT, help="channel joins to send")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds per answer")
    parser.add_argument("--dry-run", action="store_true", help="print the packet sizes only")
    return parser.parse_args(argv)


def main(argv=None):
    """Build the packets, send them to the loopback listener and print a summary."""
    args = parse_args(argv)
    host = loopback_only(args.host)
    if args.timeout <= 0:
        raise SystemExit("timeout must be positive")
    packets = [connection_request(args.user), conference_create(DOMAIN_PARAMS, CHANNEL_NAMES)]
    packets.extend(channel_joins(args.joins, 1001))
    summary = {"packets": len(packets), "bytes": sum(len(p) for p in packets)}
    if args.dry_run:
        print(json.dumps(summary, indent=2, sort_keys=True))
        return 0
    conn = connect(host, args.port, args.timeout)
    try:
        answers = send_all(conn, packets)
    finally:
        conn.close()
    summary["answers"] = answers
    summary["verdict"] = classify(answers)
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
