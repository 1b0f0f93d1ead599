"""Download a file once, verify it, keep it in the cache: ``get_file`` and the dataset registry.

Files land in ``$THOLOS_HOME/datasets`` (``~/.tholos/datasets``). A download is written to a
temporary file next to its destination and renamed into place only after its size and hash were
checked, so the cache never holds half a file, whatever interrupts the transfer.

The built-in loaders name their files through :data:`REMOTE_FILES` (origin URL and published
hash). ``THOLOS_DATASETS_BASE_URL`` points every built-in loader at a mirror: the file name is
appended to it (``$THOLOS_DATASETS_BASE_URL/mnist.npz``); hashes are still checked.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from tholos.errors import DownloadError, HashMismatchError, TholosError

BASE_URL_ENV = "THOLOS_DATASETS_BASE_URL"
KERAS_DATASETS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CIFAR_HOME = "https://www.cs.toronto.edu/~kriz/"
TIMEOUT_S = 30.0
_CHUNK = 1 << 16


@dataclass(frozen=True)
class RemoteFile:
    """A file a built-in loader downloads: where from, and its published hash.

    ``file_hash`` is SHA-256 except where only an MD5 was ever published (``hash_note``).
    """

    origin: str
    file_hash: str
    hash_note: str = ""


# Published hashes. Sources: the keras-team/keras dataset loaders (SHA-256 for the .npz files,
# MD5 for the two word-index files, the only hash Keras publishes for them), and
# tensorflow/datasets' url_checksums for the CIFAR binary tarballs and the Fashion-MNIST files
# (Keras 3 uses the same four SHA-256s for its own copies of Fashion-MNIST).
REMOTE_FILES: dict[str, RemoteFile] = {
    "mnist.npz": RemoteFile(
        KERAS_DATASETS + "mnist.npz",
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    ),
    "train-labels-idx1-ubyte.gz": RemoteFile(
        KERAS_DATASETS + "train-labels-idx1-ubyte.gz",
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    ),
    "train-images-idx3-ubyte.gz": RemoteFile(
        KERAS_DATASETS + "train-images-idx3-ubyte.gz",
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    ),
    "t10k-labels-idx1-ubyte.gz": RemoteFile(
        KERAS_DATASETS + "t10k-labels-idx1-ubyte.gz",
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    ),
    "t10k-images-idx3-ubyte.gz": RemoteFile(
        KERAS_DATASETS + "t10k-images-idx3-ubyte.gz",
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    ),
    # The "binary version" tarballs: plain bytes, no pickle (the python-version tarballs Keras
    # downloads hold pickles, which tholos never loads).
    "cifar-10-binary.tar.gz": RemoteFile(
        CIFAR_HOME + "cifar-10-binary.tar.gz",
        "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
    ),
    "cifar-100-binary.tar.gz": RemoteFile(
        CIFAR_HOME + "cifar-100-binary.tar.gz",
        "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec",
    ),
    "imdb.npz": RemoteFile(
        KERAS_DATASETS + "imdb.npz",
        "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    ),
    "imdb_word_index.json": RemoteFile(
        KERAS_DATASETS + "imdb_word_index.json",
        "bfafd718b763782e994055a2d397834f",
        hash_note="MD5: no SHA-256 is published for this file",
    ),
    "reuters.npz": RemoteFile(
        KERAS_DATASETS + "reuters.npz",
        "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
    ),
    "reuters_word_index.json": RemoteFile(
        KERAS_DATASETS + "reuters_word_index.json",
        "4d44cc38712099c9e383dc6e5f11a921",
        hash_note="MD5: no SHA-256 is published for this file",
    ),
    "boston_housing.npz": RemoteFile(
        KERAS_DATASETS + "boston_housing.npz",
        "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
    ),
    "california_housing.npz": RemoteFile(
        KERAS_DATASETS + "california_housing.npz",
        "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f",
    ),
}


def resolve_origin(remote_name: str) -> str:
    """The URL a built-in loader downloads ``remote_name`` from (honours the mirror variable)."""
    base = os.environ.get(BASE_URL_ENV)
    if base:
        return base.rstrip("/") + "/" + remote_name
    return REMOTE_FILES[remote_name].origin


def fetch(remote_name: str, fname: str | None = None, cache_subdir: str = "datasets") -> str:
    """Download (or find in the cache) one registered file; returns its local path."""
    entry = REMOTE_FILES[remote_name]
    return get_file(
        fname or remote_name,
        origin=resolve_origin(remote_name),
        file_hash=entry.file_hash,
        cache_subdir=cache_subdir,
    )


def default_cache_dir() -> Path:
    """``$THOLOS_HOME`` or ``~/.tholos`` (the datasets go in its ``datasets`` folder)."""
    return Path(os.environ.get("THOLOS_HOME") or Path.home() / ".tholos")


# -- hashing ---------------------------------------------------------------------------------
def _algorithm(file_hash: str, hash_algorithm: str) -> str:
    if hash_algorithm in ("sha256", "md5"):
        return hash_algorithm
    if hash_algorithm != "auto":
        raise ValueError(
            f"get_file: hash_algorithm must be 'auto', 'sha256' or 'md5'; received "
            f"{hash_algorithm!r}."
        )
    return "sha256" if len(file_hash) == 64 else "md5"


def hash_file(path: str | os.PathLike, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in chunks."""
    digest = hashlib.sha256() if algorithm == "sha256" else hashlib.md5()
    with open(path, "rb") as fp:
        for chunk in iter(lambda: fp.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def validate_file(fpath: str | os.PathLike, file_hash: str, algorithm: str = "auto") -> bool:
    """Whether the file's hash equals ``file_hash`` (algorithm chosen by its length)."""
    algo = _algorithm(file_hash, algorithm)
    return hash_file(fpath, algo) == file_hash.lower()


# -- downloading -----------------------------------------------------------------------------
def _offline_error(fname: str, origin: str, dest: Path, reason: object, file_hash: str | None):
    check = ""
    if file_hash:
        check = f" ({'sha256' if len(file_hash) == 64 else 'md5'} {file_hash})"
    return DownloadError(
        f"Could not download {fname!r} from {origin}.",
        expected="a reachable URL (a network connection, or a mirror)",
        received=(
            f"{type(reason).__name__}: {reason}" if isinstance(reason, Exception) else str(reason)
        ),
        hint=(
            f"Check the network connection; or copy the file to {dest}{check} by other means; "
            f"or set {BASE_URL_ENV} to a mirror that serves it."
        ),
    )


def _download(origin: str, tmp, fname: str, dest: Path, file_hash: str | None, verbose: bool):
    import urllib.error
    import urllib.request

    from tholos.utils.progbar import Progbar

    request = urllib.request.Request(origin, headers={"User-Agent": "tholos"})
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        if isinstance(err, urllib.error.HTTPError):
            reason = f"HTTP {err.code} {err.reason}"
        raise _offline_error(fname, origin, dest, reason, file_hash) from err
    with response:
        if verbose:  # only once connected: an offline attempt prints nothing but the error
            print(f"Downloading data from {origin}", file=sys.stdout, flush=True)
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        bar = Progbar(total, unit_name="byte") if verbose else None
        received = 0
        try:
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                tmp.write(chunk)
                received += len(chunk)
                if bar is not None:
                    bar.update(received, finalize=False)
        except OSError as err:  # reset connection, timeout, IncompleteRead
            raise _offline_error(fname, origin, dest, err, file_hash) from err
        if total is not None and received != total:
            raise DownloadError(
                f"The download of {fname!r} from {origin} was cut short.",
                expected=f"{total} bytes",
                received=f"{received} bytes",
                hint="Try again; nothing was written to the cache.",
            )
        if bar is not None:
            bar.update(received, finalize=True)


def _fetch_to(dest: Path, origin: str, fname: str, file_hash: str | None, algo: str) -> None:
    """Download ``origin`` to a temporary file beside ``dest``, verify it, rename it."""
    if "://" not in origin:
        raise ValueError(f"get_file: origin must be a URL; received {origin!r}.")
    verbose = True
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as tmp:
            _download(origin, tmp, fname, dest, file_hash, verbose)
            tmp.flush()
            os.fsync(tmp.fileno())
        if file_hash is not None:
            actual = hash_file(tmp_name, algo)
            if actual != file_hash.lower():
                raise HashMismatchError(
                    f"The file {fname!r} downloaded from {origin} is not the published one; "
                    "it was discarded.",
                    expected=f"{algo} {file_hash.lower()}",
                    received=f"{algo} {actual}",
                    hint="The download was corrupted or the server changed the file; try again, "
                    "or check the origin/mirror.",
                )
        os.replace(tmp_name, dest)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


# -- archives --------------------------------------------------------------------------------
_ARCHIVE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".zip")


def _strip_archive_suffix(name: str) -> str:
    for suffix in _ARCHIVE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _safe_member(root: Path, name: str) -> bool:
    target = (root / name).resolve()
    return not Path(name).is_absolute() and (target == root or root in target.parents)


def extract_archive(path: str | os.PathLike, to: str | os.PathLike, archive_format="auto") -> bool:
    """Extract a tar or zip archive into ``to``; refuses absolute paths, ``..`` and links.

    Returns whether ``path`` was an archive of an accepted format. Extraction goes to a
    temporary folder renamed into place, so ``to`` is complete or absent.
    """
    import tarfile
    import zipfile

    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    if isinstance(formats, str):
        formats = [formats]
    formats = list(formats or [])
    path, to = Path(path), Path(to)
    to.parent.mkdir(parents=True, exist_ok=True)
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(path):
            opener = tarfile.open
        elif kind == "zip" and zipfile.is_zipfile(path):
            opener = zipfile.ZipFile
        else:
            continue
        staging = Path(tempfile.mkdtemp(dir=to.parent, prefix=f".{to.name}.", suffix=".part"))
        try:
            root = staging.resolve()
            with opener(path) as archive:
                if kind == "tar":
                    members = archive.getmembers()
                    for member in members:
                        if not (member.isfile() or member.isdir()) or not _safe_member(
                            root, member.name
                        ):
                            raise TholosError(
                                f"Refusing to extract {path.name}: unsafe member {member.name!r}.",
                                expected="regular files and folders inside the archive",
                                received=member.name,
                            )
                    kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                    archive.extractall(staging, members=members, **kwargs)
                else:
                    for name in archive.namelist():
                        if not _safe_member(root, name):
                            raise TholosError(
                                f"Refusing to extract {path.name}: unsafe member {name!r}.",
                                expected="paths inside the archive",
                                received=name,
                            )
                    archive.extractall(staging)
            if to.exists():
                shutil.rmtree(to)
            os.replace(staging, to)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return True
    return False


# -- the public entry point ------------------------------------------------------------------
def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str = "auto",
    cache_dir: str | None = None,
    force_download: bool = False,
) -> str:
    """Download a file from a URL unless it is already in the cache; return its local path.

    The file goes to ``cache_dir/cache_subdir/fname`` (``~/.tholos/datasets/fname`` by default;
    ``THOLOS_HOME`` moves ``~/.tholos``). With ``file_hash`` (SHA-256, or MD5 when 32 hex
    digits) a cached file is checked and downloaded again if it differs, and a download is kept
    only if it matches. ``extract=True`` (or the deprecated ``untar``) unpacks a tar/zip archive
    and returns the folder instead.

    Args:
        fname: local file name (an absolute path is used as is); default: origin's last part.
        origin: the URL.
        untar: deprecated, same as ``extract=True``.
        md5_hash: deprecated, same as ``file_hash``.
        file_hash: expected hex digest of the downloaded file.
        cache_subdir: folder under the cache dir (or an absolute folder).
        hash_algorithm: ``"auto"``, ``"sha256"`` or ``"md5"``.
        extract: unpack the archive after download.
        archive_format: ``"auto"``, ``"tar"``, ``"zip"`` or a list of them.
        cache_dir: the cache root; default ``$THOLOS_HOME`` or ``~/.tholos``.
        force_download: download even when a valid file is cached.

    Returns:
        The path of the file, or of the extracted folder.

    Example (a ``file://`` URL here; ordinarily https):

    >>> import pathlib, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> _ = pathlib.Path(folder, "src.txt").write_text("data")
    >>> p = get_file(
    ...     origin=pathlib.Path(folder, "src.txt").as_uri(),
    ...     cache_dir=folder,
    ...     file_hash="3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7",
    ... )  # doctest: +ELLIPSIS
    Downloading data from file:///.../src.txt
    4/4 ...
    >>> pathlib.Path(p).read_text(), pathlib.Path(p).parent.name
    ('data', 'datasets')
    """
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (the URL of the file).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    extract = extract or untar
    algo = _algorithm(file_hash, hash_algorithm) if file_hash else "sha256"

    root = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    datadir = Path(cache_subdir) if os.path.isabs(cache_subdir) else root / cache_subdir
    try:
        datadir.mkdir(parents=True, exist_ok=True)
    except OSError:
        if cache_dir:
            raise
        datadir = Path(tempfile.gettempdir()) / ".tholos" / cache_subdir
        datadir.mkdir(parents=True, exist_ok=True)

    url_name = os.path.basename(urllib.parse.urlsplit(origin).path) or "download"
    if fname is None:
        fname = url_name
    fname = os.fspath(fname)
    if extract and not any(fname.endswith(s) for s in _ARCHIVE_SUFFIXES) and "." not in fname:
        # fname names the extraction folder; the archive keeps the origin's name.
        archive_path, folder = datadir / url_name, datadir / fname
    else:
        archive_path = Path(fname) if os.path.isabs(fname) else datadir / fname
        folder = archive_path.parent / (_strip_archive_suffix(archive_path.name) + "_extracted")
    archive_path.parent.mkdir(parents=True, exist_ok=True)

    need = force_download or not archive_path.is_file()
    if not need and file_hash is not None and not validate_file(archive_path, file_hash, algo):
        print(
            f"The cached file {archive_path} does not match its expected {algo} hash; "
            "downloading it again.",
            flush=True,
        )
        need = True
    if need:
        _fetch_to(archive_path, origin, fname, file_hash, algo)

    if extract:
        if need or not folder.is_dir():
            if not extract_archive(archive_path, folder, archive_format):
                raise TholosError(
                    f"get_file: {archive_path.name} is not an archive tholos can extract.",
                    expected=f"one of the formats {archive_format!r}",
                    received=archive_path.name,
                )
        return str(folder)
    return str(archive_path)


__all__ = [
    "BASE_URL_ENV",
    "REMOTE_FILES",
    "DownloadError",
    "HashMismatchError",
    "RemoteFile",
    "extract_archive",
    "fetch",
    "get_file",
    "hash_file",
    "resolve_origin",
    "validate_file",
]
