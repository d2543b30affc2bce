"""Files drill reads and writes for the learner: regular files only, bounded, owner-only.

A FIFO or a device named as a deck or puzzle file would hang a read or fill memory
(`/dev/zero`), so reads open without blocking, refuse anything but a regular file and
stop at a size limit. Writes go through a private temporary file beside the target and
leave nothing behind when they fail. Folders drill creates are its owner's only (0700).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

MiB = 1 << 20


class FileKindError(ValueError):
    """A path that is not a file drill may read (a FIFO, a device, too large)."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Raises FileKindError or OSError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO opens, not waits
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileKindError(f"{path}: not a regular file (a FIFO, a device or a socket)")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileKindError(f"{path}: larger than {limit // MiB} MB; not a file drill reads")
    return data


def is_regular(path: Path) -> bool:
    """True for a regular file (after symlinks); False for anything else or nothing."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def private_dir(path: Path) -> None:
    """Create `path` and any missing parents, each readable by its owner only."""
    missing = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (0600); nothing is left behind on failure."""
    private_dir(path.parent)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def output_problem(path: Path, force: bool) -> str | None:
    """Why drill may not write the learner's file `path` (a report, a study's files), as
    backups: never over a folder, a device or a FIFO, and never over an existing file
    without --force; None if it may."""
    if path.is_dir():
        return "is a folder; give a file name"
    if (path.exists() or path.is_symlink()) and not is_regular(path):
        return "not a regular file; drill replaces only a regular file"
    if path.exists() and not force:
        return "already exists; choose another name or add --force"
    return None


def check_writable(path: Path) -> None:
    """Fail now (OSError) if `path` cannot be written later: a folder, or no permission."""
    if path.is_dir():
        raise IsADirectoryError(21, "is a folder; give a file name", str(path))
    private_dir(path.parent)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    os.unlink(temp)


SYSTEM_FOLDERS = ("/proc/", "/sys/", "/dev/")
"""Where the files are the operating system's, never a database."""


def database_file_problem(path: Path) -> str | None:
    """What makes `path` no place for a history, said truly, or None: a name the file
    system cannot hold, a device or a file of the operating system (/proc/self/mem once
    got "the disk is full", /dev/null "the disk reported an error")."""
    import errno

    try:
        mode = path.stat().st_mode
    except OSError as err:
        if err.errno == errno.ENAMETOOLONG:
            longest = max((len(part.encode()) for part in path.parts), default=0)
            return (
                f"the name is too long for the file system ({longest} bytes in one part "
                "of the path; 255 is the usual limit); choose a shorter --db"
            )
        return None  # missing, or a folder drill may not enter: said where it is opened
    system = str(path.resolve()).startswith(SYSTEM_FOLDERS)
    if system or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return (
            "not a regular file (a device or a file of the operating system); "
            "a history is a regular file: give its path with --db"
        )
    return None
