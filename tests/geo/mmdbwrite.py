#!/usr/bin/env python3
"""mmdbwrite.py — writes small MaxMind DB files for footfall's geography tests.

footfall ships no database, so its tests make their own, written from the
MaxMind DB format specification (v2.0): a binary search tree over the IPv6
address space (IPv4 networks sit at ::/96), 24-bit records, a 16-byte zero
separator, the data section, and the metadata map after the marker
"\\xAB\\xCD\\xEFMaxMind.com".  Records have the GeoLite2 shape:
country.iso_code, country.names.en and, for a city database, city.names.en.

usage: mmdbwrite.py [--city] [--ipv4-only] [--type NAME] LIST OUT.mmdb
LIST holds one network a line, fields separated by tabs:
    CIDR <TAB> CC <TAB> Country name [<TAB> City name]
A CC of "!" gives a record without a country (an empty map).  Blank lines
and lines starting with # are skipped.  Smaller networks inside larger
ones win, whatever their order in the list.
"""
import ipaddress
import struct
import sys

RECORD_BITS = 24
MARKER = b"\xab\xcd\xefMaxMind.com"


# ---- the data section's encoding ----

def control(type_no, size):
    """A field's control bytes: 3 bits of type (extended types through the
    byte after), 5 bits of size (29-31 announce 1-3 size bytes)."""
    extended = type_no > 7
    first = (0 if extended else type_no) << 5
    if size < 29:
        head, tail = bytes([first | size]), b""
    elif size < 29 + 256:
        head, tail = bytes([first | 29]), bytes([size - 29])
    elif size < 285 + 65536:
        head, tail = bytes([first | 30]), struct.pack(">H", size - 285)
    else:
        head, tail = bytes([first | 31]), struct.pack(">I", size - 65821)[1:]
    if extended:
        head += bytes([type_no - 7])
    return head + tail


class Uint:
    """An unsigned integer of a given type: readers check the metadata's
    types (node_count is a uint32, build_epoch a uint64...)."""

    TYPES = {16: 5, 32: 6, 64: 9}

    def __init__(self, bits, value):
        self.type_no, self.value = self.TYPES[bits], value


def encode(value):
    if isinstance(value, Uint):
        raw = value.value.to_bytes(8, "big").lstrip(b"\0")
        return control(value.type_no, len(raw)) + raw
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return control(2, len(raw)) + raw
    if isinstance(value, bool):
        return control(14, 1 if value else 0)
    if isinstance(value, dict):
        out = control(7, len(value))
        for k, v in value.items():
            out += encode(k) + encode(v)
        return out
    if isinstance(value, list):
        out = control(11, len(value))
        for v in value:
            out += encode(v)
        return out
    raise TypeError("cannot encode %r" % (value,))


# ---- the search tree ----

class Tree:
    """A binary trie; a record is None (nothing), ("node", i) or
    ("data", offset in the data section)."""

    def __init__(self):
        self.nodes = [[None, None]]

    def insert(self, bits, prefix, data):
        node = 0
        for depth in range(prefix):
            bit = (bits >> (127 - depth)) & 1
            if depth == prefix - 1:
                self.nodes[node][bit] = data
                return
            rec = self.nodes[node][bit]
            if rec is None or rec[0] == "data":
                # a larger network's data is copied down both sides, so
                # the smaller network inside it can take its part
                self.nodes.append([rec, rec])
                rec = ("node", len(self.nodes) - 1)
                self.nodes[node][bit] = rec
            node = rec[1]

    def encode(self, node_count):
        def value(rec):
            if rec is None:
                return node_count
            if rec[0] == "node":
                return rec[1]
            return node_count + 16 + rec[1]
        out = bytearray()
        for left, right in self.nodes:
            out += value(left).to_bytes(3, "big") + value(right).to_bytes(3, "big")
        return bytes(out)


def parse_list(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) < 2:
                sys.exit("%s:%d: want CIDR<TAB>CC<TAB>name[<TAB>city]" % (path, number))
            entries.append(parts)
    return entries


def main(argv):
    city = ipv4_only = False
    db_type = None
    args = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--city":
            city = True
        elif a == "--ipv4-only":
            ipv4_only = True
        elif a == "--type":
            i += 1
            db_type = argv[i]
        else:
            args.append(a)
        i += 1
    if len(args) != 2:
        sys.exit(__doc__)
    src, out_path = args
    if db_type is None:
        db_type = "Test-City" if city else "Test-Country"

    data = bytearray()
    offsets = {}
    networks = []
    for parts in parse_list(src):
        net = ipaddress.ip_network(parts[0], strict=False)
        if parts[1] == "!":
            record = {}
        else:
            record = {"country": {"iso_code": parts[1],
                                  "names": {"en": parts[2] if len(parts) > 2 else parts[1]}}}
            if city and len(parts) > 3 and parts[3]:
                record["city"] = {"names": {"en": parts[3]}}
        blob = encode(record)
        if blob not in offsets:    # identical records are stored once
            offsets[blob] = len(data)
            data += blob
        if net.version == 4:
            if ipv4_only:
                bits, prefix = int(net.network_address) << 96, net.prefixlen
            else:
                bits, prefix = int(net.network_address), 96 + net.prefixlen
        else:
            if ipv4_only:
                sys.exit("%s: an IPv6 network in an IPv4 database" % net)
            bits, prefix = int(net.network_address), net.prefixlen
        networks.append((prefix, bits, offsets[blob]))

    tree = Tree()
    # larger networks first: the smaller ones inside them then override
    for prefix, bits, offset in sorted(networks, key=lambda n: n[0]):
        tree.insert(bits, prefix, ("data", offset))
    node_count = len(tree.nodes)
    if node_count + 16 + len(data) >= 1 << RECORD_BITS:
        sys.exit("too large for 24-bit records")

    metadata = {
        "node_count": Uint(32, node_count),
        "record_size": Uint(16, RECORD_BITS),
        "ip_version": Uint(16, 4 if ipv4_only else 6),
        "database_type": db_type,
        "languages": ["en"],
        "binary_format_major_version": Uint(16, 2),
        "binary_format_minor_version": Uint(16, 0),
        # 2026-01-01, fixed: outputs stay stable
        "build_epoch": Uint(64, 1767225600),
        "description": {"en": "footfall test database"},
    }
    with open(out_path, "wb") as f:
        f.write(tree.encode(node_count))
        f.write(b"\0" * 16)
        f.write(bytes(data))
        f.write(MARKER)
        f.write(encode(metadata))


if __name__ == "__main__":
    main(sys.argv)
