"""save_artifact / load_artifact: a materializer call plus the content hash that guards it.

The content hash of an artifact covers every file below its directory:
``"crc32:<hex>"``, the CRC-32 of a manifest that lists each file's relative
name, size and CRC-32. CRC-32 (zlib) runs at several GB/s and is computed
while the materializer streams the data, so for most materializers the
check costs no extra read; it detects deleted, truncated and altered files,
which is its purpose (it is not a defence against deliberate tampering).

A file this process has already hashed (written, or verified on an earlier
load) is not read again while the store reports the same
:meth:`~zenml.artifact_stores.base.ArtifactStore.version_tag` for it (for
local files: same inode, size, mtime and ctime, which the kernel updates on
every change); so the output of one step is hashed once, while it is
written, and verified for free when the next step loads it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zenml.artifact_stores.current import using_store
from zenml.artifacts.errors import (
    ArtifactCorruptedError,
    ArtifactExistsError,
    ArtifactMissingError,
    MaterializerVersionError,
)
from zenml.artifacts.tracking import HASH_ALGORITHM, FileDigest, TrackingStore, digest_file, recall, remember

if TYPE_CHECKING:
    from zenml.artifact_stores.base import ArtifactStore
    from zenml.materializers.base import BaseMaterializer


@dataclass(frozen=True)
class ArtifactInfo:
    """What :func:`save_artifact` reports: total ``size`` in bytes, ``content_hash``, the files written, and
    (when asked for) the materializer's ``metadata`` (with ``storage_size``) and ``visualizations``."""

    size: int
    content_hash: str
    files: tuple[str, ...] = field(default=())
    metadata: dict[str, Any] = field(default_factory=dict)
    visualizations: list[dict[str, str]] = field(default_factory=list)


def _relative(uri: str, name: str) -> str:
    return name[len(uri) + 1 :] if uri else name


def _manifest_hash(uri: str, digests: dict[str, FileDigest]) -> str:
    manifest = "".join(
        f"{_relative(uri, name)}\0{digest.size}\0{digest.crc:08x}\n" for name, digest in sorted(digests.items())
    )
    return f"{HASH_ALGORITHM}:{zlib.crc32(manifest.encode('utf-8')):08x}"


def _digests(store: TrackingStore, uri: str) -> dict[str, FileDigest]:
    digests = {name: store.digest(name) for name in store.walk_files(uri)}
    for name, digest in digests.items():
        remember(store.inner, name, digest)
    return digests


def _recalled_hash(store: ArtifactStore, uri: str) -> str | None:
    """The content hash from digests this process noted, if every file is still at the noted version."""
    digests = {}
    for name in store.walk_files(uri):
        digest = recall(store, name)
        if digest is None:
            return None
        digests[name] = digest
    return _manifest_hash(uri, digests) if digests else None


def compute_content_hash(store: ArtifactStore, uri: str) -> str:
    """The content hash of the artifact directory ``uri`` as it is now (reads every file)."""
    return _manifest_hash(uri, {name: digest_file(store, name) for name in store.walk_files(uri)})


def save_artifact(
    data: Any,
    *,
    store: ArtifactStore,
    uri: str,
    materializer_cls: type[BaseMaterializer],
    extract_metadata: bool = False,
    visualizations: bool = False,
) -> ArtifactInfo:
    """Save ``data`` below directory ``uri`` of ``store`` with ``materializer_cls``.

    ``uri`` must be new (or empty): :class:`ArtifactExistsError` otherwise, so
    that two artifacts are never mixed. Returns the size and content hash to
    record with the artifact. When the materializer raises, whatever it wrote
    below ``uri`` is removed (best effort) and the error propagates. With
    ``visualizations``, the materializer's ``save_visualizations`` writes its
    files below ``uri`` too (covered by the hash); with ``extract_metadata``,
    its ``extract_metadata`` adds to ``storage_size``. Either failing is logged
    and skipped, as in ZenML.
    """
    if store.exists(uri) and store.listdir(uri):
        raise ArtifactExistsError(
            f"artifact directory {uri!r} already holds files ({', '.join(store.listdir(uri)[:3])}); "
            "every artifact needs a new directory"
        )
    existed = store.exists(uri)
    tracking = TrackingStore(store)
    saved: list[dict[str, str]] = []
    metadata: dict[str, Any] = {}
    with using_store(store):
        materializer = materializer_cls(store.uri(uri), tracking)
        try:
            materializer.save(data)
        except Exception:
            _discard_partial(store, uri, keep_directory=existed)
            raise
        if visualizations:
            saved = _visualizations(materializer, data, store)
        if extract_metadata:
            metadata = _extracted(materializer, data)
    digests = _digests(tracking, uri)
    size = sum(digest.size for digest in digests.values())
    if extract_metadata:
        from zenml.metadata.metadata_types import StorageSize

        metadata = {"storage_size": StorageSize(size), **metadata}
    return ArtifactInfo(
        size=size,
        content_hash=_manifest_hash(uri, digests),
        files=tuple(_relative(uri, name) for name in sorted(digests)),
        metadata=metadata,
        visualizations=saved,
    )


def _visualizations(materializer: BaseMaterializer, data: Any, store: ArtifactStore) -> list[dict[str, str]]:
    """What ``save_visualizations`` wrote, as ``[{"uri": name in the store, "type": ...}]``; failures logged."""
    import logging

    try:
        found = materializer.save_visualizations(data) or {}
        return [{"uri": store.relative(str(uri)), "type": str(kind)} for uri, kind in found.items()]
    except Exception as error:
        logging.getLogger(__name__).warning("%s.save_visualizations failed (skipped): %s",
                                            type(materializer).__name__, error)  # fmt: skip
        return []


def _extracted(materializer: BaseMaterializer, data: Any) -> dict[str, Any]:
    """What ``extract_metadata`` returned, checked; failures logged."""
    import logging

    from zenml.metadata.metadata_types import validate_metadata

    try:
        return dict(validate_metadata(materializer.extract_metadata(data) or {}))
    except Exception as error:
        logging.getLogger(__name__).warning("%s.extract_metadata failed (skipped): %s",
                                            type(materializer).__name__, error)  # fmt: skip
        return {}


def _discard_partial(store: ArtifactStore, uri: str, *, keep_directory: bool) -> None:
    """Remove what a failed save wrote below ``uri`` (which held nothing before); never raises."""
    try:
        if not keep_directory:
            if store.exists(uri):
                store.remove(uri, recursive=True)
            return
        for child in store.listdir(uri):
            name = f"{uri}/{child}" if uri else child
            store.remove(name, recursive=store.isdir(name))
    except Exception:  # the save's own error matters more than a failed clean-up
        pass


def load_artifact(
    *,
    store: ArtifactStore,
    uri: str,
    materializer_cls: type[BaseMaterializer],
    data_type: type[Any],
    materializer_version: int,
    content_hash: str | None = None,
) -> Any:
    """Load the artifact at ``uri`` as ``data_type``.

    ``materializer_version`` is the ``VERSION`` of the materializer that saved
    it: anything but the installed ``materializer_cls.VERSION`` (another
    version, or no valid one) raises :class:`MaterializerVersionError` before
    anything is read. With ``content_hash`` (as returned by
    :func:`save_artifact`), the files are verified: :class:`ArtifactMissingError`
    if the artifact or a file of it was deleted, :class:`ArtifactCorruptedError`
    if they changed.
    """
    if type(materializer_version) is not int or materializer_version != materializer_cls.VERSION:
        raise MaterializerVersionError(
            uri, materializer_cls.reference(), materializer_version, materializer_cls.VERSION
        )
    if not store.exists(uri):
        raise ArtifactMissingError(uri, f"nothing at {store.uri(uri)}")
    if content_hash is not None and not content_hash.startswith(f"{HASH_ALGORITHM}:"):
        raise ValueError(
            f"content hash {content_hash!r} of artifact {uri!r} uses an unknown algorithm; "
            f"expected '{HASH_ALGORITHM}:<hex>'"
        )
    if content_hash is not None and _recalled_hash(store, uri) == content_hash:
        content_hash = None  # this process hashed these very file versions: no second read
    if content_hash is None:
        try:
            with using_store(store):
                return materializer_cls(store.uri(uri), store).load(data_type)
        except FileNotFoundError as error:
            raise ArtifactMissingError(uri, str(error)) from error

    tracking = TrackingStore(store)
    try:
        with using_store(store):
            value = materializer_cls(store.uri(uri), tracking).load(data_type)
    except FileNotFoundError as error:
        raise ArtifactMissingError(uri, str(error)) from error
    except Exception as error:
        # A corrupted file often makes the materializer fail first: report the corruption instead.
        actual = _manifest_hash(uri, _digests(tracking, uri))
        if actual != content_hash:
            raise ArtifactCorruptedError(uri, content_hash, actual) from error
        raise
    actual = _manifest_hash(uri, _digests(tracking, uri))
    if actual != content_hash:
        raise ArtifactCorruptedError(uri, content_hash, actual)
    return value
