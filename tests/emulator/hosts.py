"""Map emulated endpoint names to loopback addresses in hosts files, so no made-up AWS name reaches DNS.

The emulator owns one marked block in each hosts file it is given: the test host's /etc/hosts and
the /etc/hosts of every chroot host registered with it. Files are rewritten in place (never
replaced), so a bind mount or an open handle still sees the new content. Emulators run side by side
(each on its own address block), so every rewrite is one read-modify-write under an exclusive lock:
without it, two writers interleave, leaving NUL bytes or losing a block.
"""

from __future__ import annotations

import fcntl
import ipaddress
import os


def _markers(tag: str) -> tuple[str, str]:
    return (f"# BEGIN funmagic-elasticache emulator {tag} (managed, do not edit)",
            f"# END funmagic-elasticache emulator {tag}")


def render(text: str, mapping: dict[str, str], tag: str = "default") -> str:
    """The hosts file text with the block of emulator `tag` replaced by `mapping` (name -> address)."""
    begin, end = _markers(tag)
    kept, inside = [], False
    for line in text.splitlines():
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif not inside:
            kept.append(line)
    if mapping:
        kept.append(begin)
        kept.extend(f"{address} {name}" for name, address in sorted(mapping.items()))
        kept.append(end)
    return "\n".join(kept) + "\n"


def write(path: str, mapping: dict[str, str], tag: str = "default") -> None:
    if not os.path.exists(path):
        return
    with open(path, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        new = render(handle.read(), mapping, tag)
        handle.seek(0)
        handle.write(new)
        handle.truncate()
        handle.flush()


def read_mapping(path: str = "/etc/hosts") -> dict[str, str]:
    """Every name -> address line of a hosts file, read as text (nothing is resolved)."""
    mapping = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.split("#", 1)[0].split()
            for name in fields[1:]:
                mapping.setdefault(name.lower(), fields[0])
    return mapping


def assert_mapped(name: str, path: str = "/etc/hosts") -> str:
    """Fail unless `name` is mapped to a loopback address in `path`; return the address.

    Call this before anything resolves an emulated name: an unmapped name would go to DNS.
    """
    address = read_mapping(path).get(name.lower())
    if address is None:
        raise AssertionError(f"{name} is not mapped in {path}; resolving it would send a DNS query off the machine")
    if not ipaddress.ip_address(address).is_loopback:
        raise AssertionError(f"{name} is mapped to {address} in {path}, which is not a loopback address")
    return address
