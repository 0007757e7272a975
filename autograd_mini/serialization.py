"""Saving and loading state dicts as `.npz` archives: arrays only, nothing is ever unpickled.

    am.save(model.state_dict(), "model.npz")
    model.load_state_dict(am.load("model.npz"))
    am.save(optimizer.state_dict(), "optimizer.npz")   # nested: kept as it was
    optimizer.load_state_dict(am.load("optimizer.npz"))

An .npz file is a zip of .npy arrays, one member `<name>.npy` per entry, as `numpy.savez` writes
it (so NumPy reads our files and we read its). Both directions are done here rather than by
`np.savez`/`np.load`, because those lose or swap some names (`file`, `allow_pickle`, `w` next to
`w.npy`) and trust the sizes a file claims. Reading checks every member's header against the
bytes that are really there before anything is allocated, and refuses object arrays, the one
part of the format that would run code. Writing goes to a temporary file in the same directory,
renamed over the target only when complete: a crash never leaves half an archive behind.

A state dict that holds more than arrays (an optimiser's: dicts of per-parameter buffers, lists
of settings, numbers, tuples) is written as the same kind of archive: each array a `.npy`
member, named by its path (`state.0.exp_avg`), and one more member, `structure.json`, which
describes the rest in JSON: dicts, lists, tuples, numbers, strings, bools and None, with the
places of the arrays. JSON is data, never code, so reading it runs nothing either.
"""

from __future__ import annotations

import ast
import errno
import json
import math
import os
import secrets
import stat
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

PathLike = str | os.PathLike[str]

MEMBER_SUFFIX = ".npy"  # numpy.savez's convention: entry `w` is the member `w.npy`
NPY_MAGIC = b"\x93NUMPY"
MAX_HEADER = 10_000  # characters in a member's header; NumPy's own limit
MAX_NAME_BYTES = 0xFFFF - len(MEMBER_SUFFIX)  # a zip entry name is at most 65535 bytes
NUMERIC = "biufc"  # the dtype kinds saved and loaded: bool, integers, floats, complex
_CHUNK = 1 << 20
STRUCTURE = "structure.json"  # the member that describes a nested state dict; never a .npy
MAX_STRUCTURE = 1 << 26  # bytes: the description of millions of arrays
MAX_DEPTH = 64  # levels of nesting in a nested state dict
_END_RECORD = b"PK\x05\x06"  # the zip's end-of-central-directory record, 22 bytes
_ZIP64_LOCATOR = b"PK\x06\x07"  # 20 bytes before it in an archive of 65535 entries or more
_ZIP64_RECORD = 56  # the bytes of the zip64 end record that the locator follows
# what zipfile raises on a damaged or cut archive: bad CRC or structure, a seek to an offset that
# is not there (OSError), a member name that is not UTF-8
DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError, UnicodeError)


class ArchiveError(ValueError):
    """A file that `load` refuses: not an .npz archive, damaged, or holding other than arrays."""


def save(state: Mapping[str, Any], path: PathLike) -> None:
    """Write a mapping name → array (or Tensor) to `path` as an .npz archive, at exactly that
    path (NumPy would add `.npz` to a name without it). Every string name comes back from `load`
    unchanged. The file appears complete or not at all: an existing file at `path` is replaced
    only once the new one is fully written.

    A state dict that holds more than arrays, as an optimiser's does (nested dicts, lists and
    tuples of arrays, Python numbers, strings, bools and None), comes back from `load` equal
    to what was saved, with the same types, each array as a NumPy array. Anything else (an
    object of a class, a set) is refused: reading it back would need pickling. (In a state
    dict of arrays alone, a number or a list of numbers becomes an array, as in numpy.savez.)"""
    if not isinstance(state, Mapping):
        hint = " (pass model.state_dict())" if hasattr(state, "state_dict") else ""
        raise TypeError(f"save: expects a dict of name → array, got {type(state).__name__}{hint}")
    for name in state:  # everything is checked before a byte is written
        _check_name(name)
    structure: Any = None
    arrays: dict[str, np.ndarray] = {}
    for name, value in state.items():
        array = _as_array(value)
        if array is None:  # not arrays alone: a nested state dict, an optimiser's say
            structure, arrays = _describe(state)
            break
        arrays[name] = array
    target = os.fspath(path)
    if os.path.isdir(target):
        raise IsADirectoryError(
            errno.EISDIR, f"save: {target!r} is a directory; give the path of a file to write"
        )
    temporary, file = _create_beside(target)
    try:
        with file, zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            if structure is not None:
                info = zipfile.ZipInfo(STRUCTURE, date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(info, json.dumps({"version": 1, "tree": structure}))
            for name, array in arrays.items():
                info = zipfile.ZipInfo(name + MEMBER_SUFFIX, date_time=(1980, 1, 1, 0, 0, 0))
                with archive.open(info, "w", force_zip64=True) as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
            archive.close()  # writes the central directory, which must be on disk before fsync
            file.flush()
            os.fsync(file.fileno())  # the data reaches the disk before the name points at it
        if os.path.exists(target):
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException:
        _remove_quietly(temporary)
        raise


def load(path: PathLike) -> OrderedDict[str, Any]:
    """Read an archive written by `save` (or `numpy.savez`): an ordered dict name → array, or
    the nested state dict that was saved (an optimiser's), as it was.

    Raises ArchiveError (a ValueError) naming the file and the problem when the file is empty,
    not an .npz archive, damaged or truncated, holds a member that is not a numeric .npy array
    (object arrays, i.e. pickled Python objects, are never unpickled), or a member whose header
    claims more data than the member holds. An unreadable or missing file raises OSError."""
    where = repr(os.fspath(path))
    try:
        with open(path, "rb") as file:
            start = file.read(len(NPY_MAGIC))
            size = os.fstat(file.fileno()).st_size
            if not start:
                raise ArchiveError(
                    f"load: {where} is empty (0 bytes), not an .npz archive; it may be from a "
                    "save that never finished: save the state dict again"
                )
            if start.startswith(NPY_MAGIC):
                raise ArchiveError(
                    f"load: {where} holds a single array, not an .npz archive; read it with "
                    "numpy.load, or write a state dict with am.save"
                )
            if not start.startswith(b"PK"):  # every zip archive starts so
                what = (
                    "it is a Python pickle, which am.load never unpickles (that would run code)"
                    if start[:1] == b"\x80"
                    else f"it starts with {start!r}, not with the zip signature b'PK'"
                )
                raise ArchiveError(
                    f"load: {where} is not a readable .npz archive: {what}; "
                    "am.load reads files written by am.save (or numpy.savez)"
                )
            file.seek(0)
            try:
                return _read_archive(file, where, size)
            except DAMAGED as error:
                raise ArchiveError(
                    f"load: {where} is not a readable .npz archive: it is damaged or truncated "
                    f"({error}); save it again"
                ) from None
            except (NotImplementedError, RuntimeError) as error:  # compression, encryption
                raise ArchiveError(
                    f"load: {where} is a zip archive that cannot be read here ({error}); "
                    "write it with am.save or numpy.savez"
                ) from None
    except OSError as error:
        if error.errno is None:
            raise
        raise OSError(error.errno, f"load: cannot read {where}: {error.strerror}") from None


def _check_name(name: object) -> None:
    """Refuse, before anything is written, a name that could not come back from `load` as is."""
    if not isinstance(name, str):
        raise TypeError(f"save: names must be strings, got {name!r}")
    if "\0" in name:  # zip readers cut a member name at its first NUL
        raise ValueError(f"save: the name {name!r} holds a NUL character; rename it")
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            f"save: the name {name!r} is not valid Unicode (a lone surrogate); rename it"
        ) from None
    if len(encoded) > MAX_NAME_BYTES:
        raise ValueError(
            f"save: a name of {len(encoded)} bytes is too long for a zip archive "
            f"(at most {MAX_NAME_BYTES}); shorten {name[:40]!r}..."
        )


def _as_array(value: Any) -> np.ndarray | None:
    """`value` as a numeric array (a Tensor's own array), or None when it is not one: a dict,
    None, a string, a ragged list, a list of tensors in a graph."""
    if isinstance(value, Mapping):
        return None
    if not isinstance(value, (np.ndarray, np.generic)):
        value = getattr(value, "data", value)  # a Tensor's array
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        return None
    return array if array.dtype.kind in NUMERIC else None


def _describe(state: Mapping[str, Any]) -> tuple[Any, dict[str, np.ndarray]]:
    """(the description of a nested state dict, for JSON; its arrays by member name). A dict is
    {"dict": [[key, item], ...]}, a list {"list": [...]}, a tuple {"tuple": [...]}, an array
    {"array": member name}; numbers, strings, bools and None are themselves."""
    arrays: dict[str, np.ndarray] = {}

    def describe(value: Any, path: tuple[Any, ...], above: tuple[int, ...]) -> Any:
        where = ".".join(map(str, path))
        if value is None or isinstance(value, str) or _is_python_number(value):
            return value
        if isinstance(value, (Mapping, list, tuple)):
            if id(value) in above:
                raise ValueError(f"save: {where!r} holds itself (a cycle); it cannot be saved")
            if len(above) == MAX_DEPTH:
                raise ValueError(f"save: {where!r} is nested more than {MAX_DEPTH} levels deep")
            inner = (*above, id(value))
            if isinstance(value, Mapping):
                for key in value:
                    if not (key is None or isinstance(key, str) or _is_python_number(key)):
                        raise TypeError(
                            f"save: {where!r} has the key {key!r}; the keys of a saved dict are "
                            "strings, Python numbers, bools or None"
                        )
                    if key != key:  # NaN: two of them are two keys, which load cannot tell apart
                        raise ValueError(f"save: {where!r} has a NaN key; it cannot be loaded back")
                pairs = [[k, describe(v, (*path, k), inner)] for k, v in value.items()]
                return {"dict": pairs}
            items = [describe(v, (*path, i), inner) for i, v in enumerate(value)]
            return {"tuple" if isinstance(value, tuple) else "list": items}
        if isinstance(value, np.ndarray) and value.dtype.kind not in NUMERIC:
            raise TypeError(
                f"save: {where!r} is a {value.dtype} array; only numeric arrays are saved "
                "(anything else would need pickling)"
            )
        array = _as_array(value)
        if array is None:
            raise TypeError(
                f"save: {where!r} is a {type(value).__name__}; a state dict is saved with numeric "
                "arrays, Python numbers, strings, bools, None, and dicts, lists and tuples of "
                "them (anything else would need pickling)"
            )
        name = _member_name(where, arrays)
        arrays[name] = array
        return {"array": name}

    return describe(state, (), ()), arrays


def _is_python_number(value: Any) -> bool:
    """A bool, int or float that JSON gives back as it was (NumPy's scalars are saved as arrays,
    which keep their dtype)."""
    return isinstance(value, (bool, int, float)) and not isinstance(value, np.generic)


def _member_name(path: str, taken: Mapping[str, Any]) -> str:
    """The array at `path` (e.g. `state.0.exp_avg`) is the member `<path>.npy`, made unique."""
    try:
        _check_name(path)
        name = path or "array"
    except ValueError:  # NUL, a lone surrogate, too long: the path is in the description anyway
        name = "array"
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}~{n}"
    return candidate


def _create_beside(target: str) -> tuple[str, IO[bytes]]:
    """A new file in the target's directory (so that os.replace is a rename on one file system),
    created with the permissions an ordinary open would give."""
    folder, base = os.path.split(target)
    while True:
        temporary = os.path.join(folder, f".{base}.{secrets.token_hex(4)}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as error:
            raise OSError(
                error.errno,
                f"save: cannot write {target!r}: {error.strerror} in the directory "
                f"{folder or '.'!r}; check that it exists and is writable",
            ) from None
        return temporary, os.fdopen(descriptor, "wb")


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _read_archive(file: IO[bytes], where: str, size: int) -> OrderedDict[str, Any]:
    state: OrderedDict[str, Any] = OrderedDict()
    structure = None
    with zipfile.ZipFile(file) as archive:
        _check_entry_count(file, size, archive, where)
        for info in archive.infolist():
            member = info.filename
            if info.compress_size > size:  # a stored size cannot exceed the file itself
                raise ArchiveError(
                    f"load: {where} is damaged: {member!r} claims {info.compress_size} bytes in a "
                    f"file of {size}; save it again"
                )
            if not 0 <= info.header_offset < size:  # nor can a member start outside it
                raise ArchiveError(
                    f"load: {where} is damaged: {member!r} starts at byte {info.header_offset} "
                    f"of a file of {size}; save it again"
                )
            if member == STRUCTURE and structure is None:
                if info.file_size > MAX_STRUCTURE:
                    raise ArchiveError(
                        f"load: {where} is damaged: its {STRUCTURE} claims {info.file_size} "
                        f"bytes (at most {MAX_STRUCTURE}); save it again"
                    )
                structure = archive.read(info)  # its checksum checked too
                continue
            if not member.endswith(MEMBER_SUFFIX) or info.is_dir():
                raise ArchiveError(
                    f"load: {where} holds {member!r}, which is not a .npy array; an archive "
                    "written by am.save holds only <name>.npy members (and one "
                    f"{STRUCTURE} for a nested state dict)"
                )
            name = member[: -len(MEMBER_SUFFIX)]
            if name in state:
                raise ArchiveError(f"load: {where} holds {member!r} twice; save it again")
            with archive.open(info) as stream:
                state[name] = _read_member(stream, info.file_size, f"{name!r} in {where}")
    return state if structure is None else _rebuild(structure, state, where)


def _check_entry_count(file: IO[bytes], size: int, archive: zipfile.ZipFile, where: str) -> None:
    """zipfile reads the central directory as far as the end record says it reaches, and does
    not count what it finds: one damaged byte (an entry's comment length) can hide the entries
    after it, and load would return some of the arrays. The end record says how many there
    are (or, past 65535, the zip64 end record just before it)."""
    end = size - 22 - len(archive.comment)
    file.seek(max(end, 0))
    record = file.read(22)
    if end < 0 or not record.startswith(_END_RECORD):
        raise ArchiveError(f"load: {where} is damaged: its end record is not where it ends")
    announced = int.from_bytes(record[10:12], "little")
    if end >= 20 + _ZIP64_RECORD:
        file.seek(end - 20)
        if file.read(20).startswith(_ZIP64_LOCATOR):  # zipfile then read the zip64 record
            file.seek(end - 20 - _ZIP64_RECORD)
            announced = int.from_bytes(file.read(_ZIP64_RECORD)[32:40], "little")
    found = len(archive.infolist())
    if found != announced:
        raise ArchiveError(
            f"load: {where} is damaged: its directory lists {found} of the {announced} members "
            "that its end record announces; save it again"
        )


def _rebuild(text: bytes, arrays: Mapping[str, np.ndarray], where: str) -> OrderedDict[str, Any]:
    """The nested state dict that `text` (the structure member) describes, with its arrays; every
    array is used once, and nothing but dicts, lists, tuples and JSON's scalars is made."""
    damaged = f"load: {where} has a damaged {STRUCTURE}"
    try:
        description = json.loads(text.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ArchiveError(f"{damaged} (not JSON); save it again") from None
    used: set[str] = set()

    def rebuild(node: Any, depth: int) -> Any:
        if node is None or isinstance(node, (str, bool, int, float)):
            return node
        if depth <= MAX_DEPTH and isinstance(node, dict) and len(node) == 1:
            [(kind, body)] = node.items()
            if kind == "array" and isinstance(body, str) and body in arrays and body not in used:
                used.add(body)
                return arrays[body]
            if kind in ("list", "tuple") and isinstance(body, list):
                items = [rebuild(item, depth + 1) for item in body]
                return items if kind == "list" else tuple(items)
            if kind == "dict" and isinstance(body, list) and all(map(_is_pair, body)):
                rebuilt = {key: rebuild(item, depth + 1) for key, item in body}
                if len(rebuilt) == len(body):  # no key twice
                    return rebuilt
        raise ArchiveError(
            f"{damaged}: an entry is none of a number, string, array, list, tuple or dict, or "
            "names an array that is not there (or twice); save it again"
        )

    if not isinstance(description, dict) or description.get("version") != 1:
        raise ArchiveError(f"{damaged}: not a description of version 1; save it again")
    state = rebuild(description.get("tree"), 0)
    if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
        raise ArchiveError(f"{damaged}: not a dict of names; save it again")
    if used != set(arrays):
        raise ArchiveError(
            f"{damaged}: it does not place {sorted(set(arrays) - used)[:3]}; save it again"
        )
    return OrderedDict(state)


def _is_pair(item: Any) -> bool:
    """[key, description]: a dict's entry in a structure member."""
    return (
        isinstance(item, list)
        and len(item) == 2
        and (item[0] is None or isinstance(item[0], (str, bool, int, float)))
    )


def _read_member(stream: IO[bytes], size: int, what: str) -> np.ndarray:
    """One .npy member, its header checked against the `size` bytes the member holds before
    anything of the claimed size is allocated."""
    magic = stream.read(len(NPY_MAGIC) + 2)
    if len(magic) < len(NPY_MAGIC) + 2 or not magic.startswith(NPY_MAGIC):
        raise ArchiveError(f"load: {what} is not a .npy array (its first bytes are {magic[:8]!r})")
    version = tuple(magic[-2:])
    if version not in ((1, 0), (2, 0)):  # 3.0 is for structured dtypes, never saved
        raise ArchiveError(f"load: {what} is a .npy array of format version {version}, not 1 or 2")
    width = 2 if version == (1, 0) else 4
    length = int.from_bytes(stream.read(width), "little")
    if length > MAX_HEADER:
        raise ArchiveError(
            f"load: {what} has a header of {length} bytes (at most {MAX_HEADER}); "
            "the file is damaged or was not written by am.save"
        )
    text = stream.read(length)
    shape, fortran, dtype = _parse_header(text, length, what)
    count = math.prod(shape)
    expected = count * dtype.itemsize
    available = size - (len(magic) + width + length)
    if expected != available:  # a header that lies is caught here, before any allocation
        problem = "is truncated" if expected > available else "has bytes beyond its array"
        raise ArchiveError(
            f"load: {what} {problem}: its header claims shape {shape} of {dtype} "
            f"({expected} bytes) but the member holds {max(available, 0)}; save it again"
        )
    data = bytearray()
    while len(data) < expected:  # grows only with bytes that are really there
        chunk = stream.read(min(_CHUNK, expected - len(data)))
        if not chunk:
            raise ArchiveError(
                f"load: {what} is truncated: {len(data)} of {expected} bytes; save it again"
            )
        data += chunk
    if stream.read(1):  # also the read that lets zipfile check the member's CRC
        raise ArchiveError(f"load: {what} has bytes beyond its array; save it again")
    array = np.frombuffer(data, dtype=dtype, count=count)
    return array.reshape(shape, order="F" if fortran else "C")


def _parse_header(text: bytes, length: int, what: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) from a .npy header such as
    `{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }`, read as a literal only."""
    damaged = f"load: {what} has a damaged header"
    if len(text) != length:
        raise ArchiveError(f"{damaged}: {len(text)} of its {length} bytes; save it again")
    try:
        header = ast.literal_eval(text.decode("latin1"))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ArchiveError(f"{damaged} ({text[:60]!r}); save it again") from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"}:
        raise ArchiveError(f"{damaged} ({text[:60]!r}); save it again")
    shape, fortran, descr = header["shape"], header["fortran_order"], header["descr"]
    if not isinstance(shape, tuple) or not all(type(n) is int and n >= 0 for n in shape):
        raise ArchiveError(f"{damaged}: shape {shape!r} is not a tuple of sizes; save it again")
    if not isinstance(fortran, bool):
        raise ArchiveError(f"{damaged}: fortran_order {fortran!r} is not a bool; save it again")
    try:
        dtype = np.lib.format.descr_to_dtype(descr)
    except (TypeError, ValueError):
        raise ArchiveError(f"{damaged}: {descr!r} is not a dtype; save it again") from None
    if dtype.hasobject:
        raise ArchiveError(
            f"load: {what} holds pickled Python objects (dtype {dtype}); refusing to unpickle "
            "them, which would run code: save numeric arrays only"
        )
    if dtype.kind not in NUMERIC or dtype.subdtype is not None:
        raise ArchiveError(
            f"load: {what} is a {dtype} array; am.load reads numeric arrays only "
            "(bool, integer, float, complex), as am.save writes them"
        )
    return shape, fortran, dtype
