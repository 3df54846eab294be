"""An independent Bitcoin P2P client built on Debian's python3-bitcoinlib.

Connects to 127.0.0.1:PORT on regtest, completes the version handshake,
pings, asks for headers after the genesis block, and prints one JSON line per
event. Exits non-zero on any failure. Usage: bitcoinlib-client.py PORT
"""
import io
import json
import socket
import struct
import sys

import bitcoin
from bitcoin.core import CBlockHeader, b2lx
from bitcoin.core.serialize import VarIntSerializer
from bitcoin.messages import MsgSerializable, msg_getheaders, msg_ping, msg_verack, msg_version
from bitcoin.net import CAddress

bitcoin.SelectParams('regtest')
port = int(sys.argv[1])
sock = socket.create_connection(('127.0.0.1', port), timeout=10)
stream = sock.makefile('rb')


def emit(event, **fields):
    print(json.dumps({'event': event, **fields}), flush=True)


def send(msg):
    sock.sendall(msg.to_bytes())


def read_frame():
    header = stream.read(24)
    if len(header) < 24:
        raise EOFError('connection closed')
    (length,) = struct.unpack('<I', header[16:20])
    return header, stream.read(length)


def parse_headers(payload):
    # python-bitcoinlib 0.11.2's msg_headers skips the transaction count that
    # follows each header, so read them with its own primitives instead.
    f = io.BytesIO(payload)
    headers = []
    for _ in range(VarIntSerializer.stream_deserialize(f)):
        headers.append(CBlockHeader.stream_deserialize(f))
        VarIntSerializer.stream_deserialize(f)
    return headers


version = msg_version()
version.nStartingHeight = 0
version.addrTo = CAddress()
version.addrTo.ip = '127.0.0.1'
version.addrTo.port = port
send(version)

nonce = 0x0123456789ABCDEF
while True:
    header, payload = read_frame()
    command = header[4:16].rstrip(b'\x00').decode()
    if command == 'headers':
        headers = parse_headers(payload)
        emit('headers', hashes=[b2lx(h.GetHash()) for h in headers])
        break
    msg = MsgSerializable.from_bytes(header + payload)  # checks magic and checksum
    if command == 'version':
        emit('version', version=msg.nVersion, services=msg.nServices, userAgent=msg.strSubVer.decode(), startHeight=msg.nStartingHeight, relay=bool(msg.fRelay))
        send(msg_verack())
    elif command == 'verack':
        emit('verack')
        send(msg_ping(nonce=nonce))
    elif command == 'pong':
        emit('pong', nonce=msg.nonce, matches=msg.nonce == nonce)
        getheaders = msg_getheaders()
        getheaders.locator.vHave = [bitcoin.params.GENESIS_BLOCK.GetHash()]
        send(getheaders)
    else:
        emit('other', command=command)
sock.close()
