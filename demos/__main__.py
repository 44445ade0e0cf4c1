"""python -m demos [NAME|all] [--out DIR] [--quick] [--seed N]"""

from __future__ import annotations

import argparse
import ctypes
import errno
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import viz
from autograd.files import write_atomic

from . import NAMES, load
from .common import MARKER, ClaimFailed, out_folder
from .page import build


def _listing() -> str:
    lines = ["The demos (python -m demos NAME, or all):"]
    for name in NAMES:
        lines.append(f"  {name:<14} {load(name).SUMMARY}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demos",
        description="The session-1 notes re-made live. With no NAME, list the demos.",
    )
    parser.add_argument("name", nargs="?", help="a demo's name, or 'all' to run every demo and build index.html")
    parser.add_argument("--out", default="out", help="folder for the figures and the page (default: out)")
    parser.add_argument("--quick", action="store_true", help="smaller runs, for tests (all demos in seconds)")
    parser.add_argument("--seed", type=int, default=0, help="seed for data and weights (default 0)")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be >= 0, got {args.seed}")
    if args.name is None:
        print(_listing())
        return 0
    if args.name != "all" and args.name not in NAMES:
        print(f"error: unknown demo {args.name!r}\n{_listing()}", file=sys.stderr)
        return 2
    if not args.out.strip():
        parser.error("--out needs a folder name (it is empty)")
    # what can be checked is checked before any work starts
    try:
        _not_someone_elses(Path(args.out))
        out = out_folder(args.out)
        if (out / "index.html").is_dir():
            raise IsADirectoryError(f"{out / 'index.html'} is a folder, so the page cannot be written there")
        if viz.find_renderer() is None:
            raise viz.RenderError(
                "no graph renderer: install graphviz-pure (pip install graphviz-pure) or Graphviz's dot "
                "(apt-get install graphviz); `make demo` installs graphviz-pure for you"
            )
    except (OSError, viz.RenderError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    names = list(NAMES) if args.name == "all" else [args.name]
    with _signals_end_the_run():
        return _run(args, out, names)


def _run(args: argparse.Namespace, out: Path, names: list[str]) -> int:
    # everything is written into a fresh folder beside out, and swapped in at the end: an interrupted
    # or crashed run leaves the previous page, and every file it shows, as they were
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    failed: list[str] = []
    try:
        _mark(work)
        for name in names:
            module = load(name)
            print(f"\n=== {module.TITLE} ({name}) ===")
            start = time.perf_counter()
            try:
                module.run(work, quick=args.quick, seed=args.seed)
            except ClaimFailed as error:  # recorded in the section: the page shows it in red
                failed.append(str(error))
            print(f"({name}: {time.perf_counter() - start:.1f} s)")
        if args.name == "all":
            build(work, names)
        _publish(work, out, whole=args.name == "all")
    except KeyboardInterrupt:
        print(f"\ninterrupted: {out} is as it was before this run", file=sys.stderr)
        return 130
    except _Stopped as stop:
        print(f"\nstopped by signal {stop.signum}: {out} is as it was before this run", file=sys.stderr)
        return 128 + stop.signum
    except (OSError, viz.RenderError) as error:
        print(f"\nerror: {error} ({out} is as it was before this run)", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.name == "all":
        print(f"\nThe page: {(out / 'index.html').resolve()}")
    if failed:
        where = "they are marked in red on the page" if (out / "index.html").exists() else "see above"
        print(f"error: {'; '.join(failed)} ({where})", file=sys.stderr)
        return 1
    return 0


def _not_someone_elses(out: Path) -> None:
    """Refuse an --out folder that holds files but not the demos' mark: it may be the user's own
    (a web site with an index.html of its own, say), and the demos replace a folder whole."""
    if not out.is_dir() or not any(out.iterdir()):
        return
    if (out / MARKER).is_file():
        return
    raise FileExistsError(
        f"--out {out} holds files, and it is not a folder the demos made (it has no {MARKER}); "
        "choose a new or empty folder, or remove this one if it is an old output"
    )


def _mark(folder: Path) -> None:
    write_atomic(folder / MARKER, "A folder written by `python -m demos`: the next run replaces it whole.\n")


class _Stopped(Exception):
    """SIGTERM or SIGHUP during a run: unwound like Ctrl-C, so the run cleans up after itself."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_ENDING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def _signals_end_the_run() -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise _Stopped(signum)

    try:
        previous = {sig: signal.signal(sig, stop) for sig in _ENDING}
    except ValueError:  # not the main thread: signals go to the main thread anyway
        previous = {}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _no_signals() -> Iterator[None]:
    """Ctrl-C and the ending signals held back (delivered right after) while the block runs."""
    held = {signal.SIGINT, *_ENDING}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux's renameat2 with RENAME_EXCHANGE): at no
    moment is either path missing.  False where the system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _publish(work: Path, out: Path, whole: bool) -> None:
    """Move what this run wrote into ``out``.  ``whole``: the new folder replaces ``out``, swapped in
    one atomic step where the system can (elsewhere two renames with signals held back between them),
    and ``work`` then holds the old one, which the caller removes; otherwise each file replaces its
    old version, and an existing page is rebuilt to match."""
    if whole:
        if not out.exists():
            os.rename(work, out)
            return
        if _exchange(work, out):
            return
        with _no_signals():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rename(out, old / "out")
            os.rename(work, out)
            os.rename(old / "out", work)
            os.rmdir(old)
        return
    if not (out / MARKER).exists():
        _mark(out)
    for path in sorted(work.iterdir()):
        os.replace(path, out / path.name)
    if (out / "index.html").exists():
        build(out, [name for name in NAMES if (out / f"{name}.json").exists()])


if __name__ == "__main__":
    raise SystemExit(main())
