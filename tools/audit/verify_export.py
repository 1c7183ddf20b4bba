#!/usr/bin/env python3
"""Verify a ticketledger capnp export with nothing but the Python standard library.

Usage: verify_export.py EXPORT [--head HEX] [--from-hash HEX]

EXPORT is the output of `ticketledger export --format capnp`: the stored bytes of every event,
in seq order (docs/log-format.md, sections 3 and 4). The script splits it at Cap'n Proto
message boundaries, checks that the events' seqs are consecutive, chains SHA-256 over the
stored bytes and prints the head hash. With --head it exits 1 unless the head matches; with
--from-hash it starts the chain from that hash (an export that starts after seq 1).
"""
import argparse
import hashlib
import struct
import sys


def messages(data):
    """Yields (offset, bytes) of each framed Cap'n Proto message in `data`."""
    offset = 0
    while offset < len(data):
        if offset + 4 > len(data):
            raise ValueError(f"truncated segment table at byte {offset}")
        (count_minus_one,) = struct.unpack_from("<I", data, offset)
        segments = count_minus_one + 1
        table = (4 + 4 * segments + 7) // 8 * 8
        if segments > 512 or offset + table > len(data):
            raise ValueError(f"implausible segment table at byte {offset}")
        sizes = struct.unpack_from(f"<{segments}I", data, offset + 4)
        length = table + 8 * sum(sizes)
        if offset + length > len(data):
            raise ValueError(f"truncated message at byte {offset}")
        yield offset, data[offset:offset + length]
        offset += length


def event_seq(message):
    """The Event's seq: word 0 of the root struct's data section (canonical layout)."""
    (pointer,) = struct.unpack_from("<Q", message, 8)
    if pointer & 3 != 0:
        raise ValueError("root pointer is not a struct pointer")
    offset_words = (pointer & 0xFFFFFFFF) >> 2
    (seq,) = struct.unpack_from("<Q", message, 16 + 8 * offset_words)
    return seq


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("--head", help="expected head hash (64 hex digits)")
    parser.add_argument("--from-hash", default="0" * 64,
                        help="chain hash of the event before the export's first")
    args = parser.parse_args()
    with open(args.export, "rb") as f:
        data = f.read()
    chain = bytes.fromhex(args.from_hash)
    count = 0
    previous_seq = None
    try:
        for offset, message in messages(data):
            seq = event_seq(message)
            if previous_seq is not None and seq != previous_seq + 1:
                print(f"FAILED at byte {offset}: seq {seq} follows seq {previous_seq}")
                return 1
            previous_seq = seq
            chain = hashlib.sha256(chain + message).digest()
            count += 1
    except ValueError as error:
        print(f"FAILED: {error}")
        return 1
    head = chain.hex()
    print(f"events {count} last_seq {previous_seq} head {head}")
    if args.head and args.head.lower() != head:
        print(f"FAILED: head {head} is not the expected {args.head.lower()}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
