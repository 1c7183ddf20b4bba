#!/usr/bin/env python3
"""Verify ticketledger transparency-log proofs with nothing but the Python standard library.

Usage:
  tlog_verify.py inclusion PROOF.json (--checkpoint CHECKPOINT | --size N --root B64)
  tlog_verify.py consistency PROOF.json (--old CHECKPOINT | --old-root B64)
                                        (--new CHECKPOINT | --new-root B64)

PROOF.json is a response of the audit API (docs/api.md): GET /api/v1/audit/proof/inclusion
gives {"seq", "size", "entry", "proof"}, GET /api/v1/audit/proof/consistency gives
{"from", "to", "proof"}. A CHECKPOINT is the signed note of GET /api/v1/audit/checkpoint; the
script reads its size and root but does NOT check its Ed25519 signature (the standard library
has no Ed25519): check that first with `openssl pkeyutl -verify -rawin` as docs/audit.md shows.

The Merkle math is RFC 9162 section 2.1: leaf hash SHA-256(0x00 || entry), node hash
SHA-256(0x01 || left || right); the inclusion proof of leaf seq-1 and the consistency proof
are checked with the algorithms of sections 2.1.3.2 and 2.1.4.2. Exit status 0 when the proof
verifies, 1 when it does not, 2 on bad input.
"""
import argparse
import base64
import binascii
import hashlib
import json
import sys


class ProofError(Exception):
    """The proof does not verify."""


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def b64_hash(text):
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32 or base64.b64encode(raw).decode() != text:
        raise ValueError(f"not the base64 of a 32-byte hash: {text!r}")
    return raw


def root_from_inclusion(leaf, index, size, proof):
    """RFC 9162 2.1.3.2: the root that `proof` implies for `leaf` at `index` of `size`."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside the tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the proof has more hashes than the tree has levels")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof has fewer hashes than the tree has levels")
    return r


def verify_consistency(old_size, new_size, old_root, new_root, proof):
    """RFC 9162 2.1.4.2: raises ProofError unless the old tree is a prefix of the new one."""
    if not 1 <= old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to size {new_size}")
    if old_size == new_size:
        if proof or old_root != new_root:
            raise ProofError("equal sizes need an empty proof and equal roots")
        return
    if not proof:
        raise ProofError("the proof is empty")
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        proof = [old_root] + proof
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            raise ProofError("the proof has more hashes than the tree has levels")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof has fewer hashes than the tree has levels")
    if fr != old_root:
        raise ProofError("the proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the proof does not lead to the new root")


def read_checkpoint(path):
    """(size, root) of a signed checkpoint note. The signature is not checked here."""
    with open(path, "rb") as f:
        note = f.read().decode("utf-8")
    split = note.rfind("\n\n")
    if split < 0:
        raise ValueError(f"{path}: not a signed note (no blank line before the signatures)")
    lines = note[:split + 1].split("\n")
    if len(lines) != 4 or lines[3] != "" or not lines[1].isdigit() or (
            lines[1] != "0" and lines[1].startswith("0")):
        raise ValueError(f"{path}: not a checkpoint <origin>\\n<size>\\n<root>\\n")
    return int(lines[1]), b64_hash(lines[2])


def tree_arg(checkpoint, size, root, what):
    if checkpoint:
        return read_checkpoint(checkpoint)
    if root is None:
        raise ValueError(f"give the {what} tree as a checkpoint file or a root")
    return size, b64_hash(root)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    inc = sub.add_parser("inclusion", help="check an inclusion proof response")
    inc.add_argument("proof")
    inc.add_argument("--checkpoint")
    inc.add_argument("--size", type=int)
    inc.add_argument("--root")
    con = sub.add_parser("consistency", help="check a consistency proof response")
    con.add_argument("proof")
    con.add_argument("--old")
    con.add_argument("--old-root")
    con.add_argument("--new")
    con.add_argument("--new-root")
    args = parser.parse_args()
    try:
        with open(args.proof, "rb") as f:
            response = json.load(f)
        proof = [b64_hash(h) for h in response["proof"]]
        if args.command == "inclusion":
            size, root = tree_arg(args.checkpoint, args.size, args.root, "")
            seq = response["seq"]
            if size is None:
                size = response["size"]
            if response["size"] != size:
                raise ValueError(f"the proof is for size {response['size']}, the tree has {size}")
            entry = base64.b64decode(response["entry"], validate=True)
            if root_from_inclusion(leaf_hash(entry), seq - 1, size, proof) != root:
                raise ProofError("the proof does not lead to the root")
            print(f"inclusion: seq {seq} is in the tree of size {size}")
        else:
            old_size, old_root = tree_arg(args.old, response["from"], args.old_root, "old")
            new_size, new_root = tree_arg(args.new, response["to"], args.new_root, "new")
            if (response["from"], response["to"]) != (old_size, new_size):
                raise ValueError(f"the proof is from {response['from']} to {response['to']}, "
                                 f"the trees have sizes {old_size} and {new_size}")
            verify_consistency(old_size, new_size, old_root, new_root, proof)
            print(f"consistency: size {old_size} is a prefix of size {new_size}")
    except ProofError as e:
        print(f"tlog_verify: FAIL: {e}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError, binascii.Error) as e:
        print(f"tlog_verify: bad input: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
