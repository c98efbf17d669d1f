"""Where a batch keeps its files (``_work`` and the outputs): a local directory or any
fsspec location (``s3://bucket/run`` with the user's credentials, ``memory://…``).

Each task of the batch (a staging chunk, a partition, a group of policies) reads what
it needs and writes what it makes through a :class:`Store`, so the workers of a
cluster need no shared disk. The batch's code works on local paths: a local store
hands out its own directories (no copy); any other store copies the files a task
reads into a temporary directory and uploads what the task wrote there.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def location(path: str | os.PathLike[str]) -> str:
    """A location other processes (another working directory, another machine) understand:
    a URL as it is, a local path made absolute."""
    text = os.fspath(path)
    if "://" in text:
        return text
    return str(Path(text).resolve())


class Store:
    """Files under one root (a local directory or an fsspec URL)."""

    def __init__(self, url: str | os.PathLike[str]) -> None:
        import fsspec
        from fsspec.implementations.local import LocalFileSystem

        self.url = location(url)
        self.fs, self.root = fsspec.core.url_to_fs(self.url)
        self.root = self.root.rstrip("/")
        self.is_local = isinstance(self.fs, LocalFileSystem)

    def __reduce__(self) -> tuple[Any, ...]:  # sent to workers as its URL
        return (Store, (self.url,))

    def path(self, rel: str = "") -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def local(self, rel: str = "") -> Path:
        """The local path of ``rel`` (local stores only)."""
        assert self.is_local, self.url
        return Path(self.path(rel))

    def exists(self, rel: str) -> bool:
        return bool(self.fs.exists(self.path(rel)))

    def read_text(self, rel: str) -> str:
        with self.fs.open(self.path(rel), "rb") as f:
            return bytes(f.read()).decode("utf-8")

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def read_bytes(self, rel: str) -> bytes:
        with self.fs.open(self.path(rel), "rb") as f:
            return bytes(f.read())

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Written whole or not at all (a temporary name, then renamed) on a local disk."""
        if self.is_local:
            target = self.local(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
            tmp.write_bytes(data)
            tmp.replace(target)
        else:
            with self.fs.open(self.path(rel), "wb") as f:
                f.write(data)

    def remove(self, rel: str) -> None:
        if self.fs.exists(self.path(rel)):
            self.fs.rm(self.path(rel), recursive=True)

    def files(self, rel: str, pattern: str = "**") -> list[str]:
        """The files under ``rel`` matching ``pattern`` (relative to the root), sorted."""
        base = self.path(rel)
        if not self.fs.exists(base):
            return []
        found = self.fs.glob(f"{base}/{pattern}")
        prefix = len(self.root) + 1
        return sorted(p[prefix:] for p in found if self.fs.isfile(p))

    @contextmanager
    def reading(self, *rels: str) -> Iterator[Path]:
        """A local directory standing for the root, holding at least ``rels`` (files or folders)."""
        if self.is_local:
            yield self.local()
            return
        with tempfile.TemporaryDirectory(prefix="renshe-store-") as tmp:
            for rel in rels:
                if self.fs.isdir(self.path(rel)):
                    for f in self.files(rel):
                        self._get(f, Path(tmp))
                elif self.fs.exists(self.path(rel)):
                    self._get(rel, Path(tmp))
            yield Path(tmp)

    def _get(self, rel: str, into: Path) -> None:
        target = into / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        self.fs.get(self.path(rel), str(target))

    @contextmanager
    def writing(self, base: Path | None = None) -> Iterator[Path]:
        """A local directory standing for the root: what is written there is in the store
        afterwards (``base``: a directory from :meth:`reading` to write into as well)."""
        if self.is_local:
            self.local().mkdir(parents=True, exist_ok=True)
            yield self.local()
            return
        with tempfile.TemporaryDirectory(prefix="renshe-store-") as tmp:
            root = Path(tmp)
            yield root
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    self.fs.makedirs(self.path(str(p.parent.relative_to(root))), exist_ok=True)
                    self.fs.put_file(str(p), self.path(str(p.relative_to(root))))
