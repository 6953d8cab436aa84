"""Listening sockets that stop taking connections without resetting the ones they hold (Linux).

Closing a listening socket resets every connection queued on it that no
process has accepted yet: a proxy that already sent its request there sees
the connection reset and cannot retry a POST. Instead, a one-instruction
socket filter makes the socket drop every packet that arrives for it: new
handshakes never complete (the client retries, or its proxy moves to another
server, having sent nothing), while the connections already queued are
separate sockets, untouched, and are accepted and served as usual. The
kernel's count of queued connections tells when the queue is empty.
"""

import ctypes
import socket
import struct
import sys

SO_ATTACH_FILTER = 26
# struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}: BPF_RET|BPF_K with k=0,
# "keep 0 bytes of this packet", i.e. drop it.
_DROP_EVERY_PACKET = ctypes.create_string_buffer(struct.pack("HBBI", 0x06, 0, 0, 0))
# struct tcp_info: eight u8 fields, then u32 rto, ato, snd_mss, rcv_mss,
# unacked (on a listening socket: the connections queued for accept).
_TCP_INFO = struct.Struct("8x5I")


def _is_tcp(sock: socket.socket) -> bool:
    return sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM


def refuse_new_connections(sock: socket.socket) -> bool:
    """Make `sock` drop new handshakes; answer whether it could (TCP on Linux)."""
    if not (sys.platform.startswith("linux") and _is_tcp(sock)):
        return False
    # struct sock_fprog {u16 len; struct sock_filter *filter}, native alignment.
    program = struct.pack("HP", 1, ctypes.addressof(_DROP_EVERY_PACKET))
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, program)
    except OSError:
        return False
    return True


def queued_connections(sock: socket.socket) -> int:
    """Connections the kernel completed on listening `sock` that no process has accepted yet."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    _rto, _ato, _snd_mss, _rcv_mss, unacked = _TCP_INFO.unpack_from(info)
    return unacked
