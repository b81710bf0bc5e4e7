"""The checksummed marker of a built folder: is it complete, unchanged, built from this source?

In: a folder, the source file it was built from, and a format version. Out: `write_marker`
records the version, the source's sha256 and every file's sha256, size and modification time in
`MARKER` inside the folder; `is_intact` compares. Files whose size and modification time are
still those recorded are taken as checked (hashing the ~470 MB of the default model would add
0.5 s to every start); on any difference everything is hashed and compared, and when the hashes
agree (a copy that did not keep modification times) the quick-check record is refreshed.

    write_marker(folder, source, 2); is_intact(folder, source, 2) -> True
    (folder / "model.safetensors") patched in place -> is_intact(...) -> False
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

MARKER = "e5_offline.json"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MARKER)


def _stats(folder: Path, source: Path) -> dict[str, list[int]]:
    """{"source" | relative path: [size, mtime_ns]}: what the quick check compares."""
    paths = {"source": source, **{p.relative_to(folder).as_posix(): p for p in _files(folder)}}
    return {name: [(st := p.stat()).st_size, st.st_mtime_ns] for name, p in paths.items()}


def _hashes(folder: Path, source: Path, version: int) -> dict:
    return {"format": version, "source_sha256": sha256(source),
            "files": {p.relative_to(folder).as_posix(): sha256(p) for p in _files(folder)}}


def write_marker(folder: Path, source: Path, version: int) -> None:
    """Record the folder as it is now (write it last, once every other file is in place)."""
    folder = Path(folder)
    marker = {**_hashes(folder, Path(source), version), "stats": _stats(folder, Path(source))}
    tmp = folder / f".{MARKER}.{os.getpid()}"
    tmp.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    os.replace(tmp, folder / MARKER)


def is_intact(folder: Path, source: Path, version: int) -> bool:
    """True if the folder holds exactly the files recorded, unchanged, built from `source`
    under this `version` (see module docstring)."""
    folder, source = Path(folder), Path(source)
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        if marker.get("format") != version:
            return False
        if marker.get("stats") == _stats(folder, source):
            return True
        if {k: marker.get(k) for k in ("format", "source_sha256", "files")} != _hashes(folder, source, version):
            return False
    except (OSError, ValueError):
        return False
    try:
        write_marker(folder, source, version)  # same bytes, new times: quick again next time
    except OSError:
        pass  # a read-only cache is only slower
    return True
