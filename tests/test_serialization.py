"""Saving: state dicts are ordered copies, load_state_dict writes in place and names every
mismatch in one error, save/load go through .npz and never unpickle anything."""

import pickle
from collections import OrderedDict

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn as nn
from autograd_mini.serialization import ArchiveError, load, save


def make_model(seed=0):
    return nn.MLP([3, 4, 2], activation="tanh", rng=np.random.default_rng(seed))


def test_state_dict_is_an_ordered_dict_of_copies_named_like_the_parameters():
    model = make_model()
    state = model.state_dict()
    assert isinstance(state, OrderedDict)
    assert list(state) == [name for name, _ in model.named_parameters()]
    state["layers.0.weight"][...] = 0
    assert not np.all(model.layers[0].weight.numpy() == 0)


def test_save_then_load_restores_a_model_that_computes_the_same_outputs(tmp_path):
    model, fresh = make_model(0), make_model(1)
    path = tmp_path / "model.npz"
    save(model.state_dict(), path)
    state = load(path)
    assert list(state) == list(model.state_dict())
    fresh.load_state_dict(state)
    x = np.random.default_rng(2).standard_normal((5, 3))
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


def test_load_state_dict_copies_into_the_same_arrays():
    model = make_model(0)
    arrays = [p.data for p in model.parameters()]
    model.load_state_dict(make_model(1).state_dict())
    assert all(p.data is a for p, a in zip(model.parameters(), arrays, strict=True))
    np.testing.assert_array_equal(model.layers[0].weight.numpy(), make_model(1).weights()[0])


def test_load_state_dict_accepts_tensors():
    model = make_model(0)
    model.load_state_dict({k: am.tensor(v) for k, v in make_model(1).state_dict().items()})
    np.testing.assert_array_equal(model.layers[1].bias.numpy(), make_model(1).biases()[1])


def test_every_mismatch_is_named_in_one_error():
    state = make_model().state_dict()
    del state["layers.0.bias"]
    state["layers.9.weight"] = np.zeros(2)
    state["layers.1.weight"] = np.zeros((5, 5))
    with pytest.raises(ValueError) as error:
        make_model().load_state_dict(state)
    message = str(error.value)
    assert "missing: layers.0.bias" in message
    assert "unexpected: layers.9.weight" in message
    assert "layers.1.weight: shape (5, 5) in the state dict, (2, 4) in the model" in message


def test_a_failed_load_changes_nothing():
    model = make_model()
    before = model.state_dict()
    state = make_model(1).state_dict()
    state["layers.1.bias"] = np.zeros(7)
    with pytest.raises(ValueError):
        model.load_state_dict(state)
    for a, b in zip(before.values(), model.state_dict().values(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_non_strict_loading_reports_names_but_still_refuses_wrong_shapes():
    state = make_model(1).state_dict()
    del state["layers.1.bias"]
    state["extra"] = np.zeros(1)
    model = make_model()
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["layers.1.bias"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(model.layers[0].weight.numpy(), state["layers.0.weight"])
    state["layers.0.weight"] = np.zeros((1, 1))
    with pytest.raises(ValueError, match="layers.0.weight: shape"):
        model.load_state_dict(state, strict=False)


class Exploit:
    """Unpickling this would run code (it records that it did, instead of anything worse)."""

    ran = False

    def __reduce__(self):
        return (Exploit._run, ())

    @staticmethod
    def _run():
        Exploit.ran = True
        return "exploited"


def test_a_pickled_object_array_in_an_npz_is_refused_and_never_unpickled(tmp_path):
    path = tmp_path / "evil.npz"
    with open(path, "wb") as f:
        np.savez(f, weight=np.ones(2), payload=np.array([Exploit()], dtype=object))
    Exploit.ran = False
    with pytest.raises(ValueError, match="'payload'.*refusing to unpickle"):
        load(path)
    assert not Exploit.ran
    with np.load(path, allow_pickle=True) as archive:  # the payload is live: NumPy would run it
        archive["payload"]
    assert Exploit.ran


def test_a_plain_pickle_file_is_refused(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"weight": np.ones(2), "x": Exploit()}))
    Exploit.ran = False
    with pytest.raises(ValueError, match="not a readable .npz"):
        load(path)
    assert not Exploit.ran


def test_a_single_npy_array_is_not_a_state_dict(tmp_path):
    path = tmp_path / "w.npy"
    np.save(path, np.ones(3))
    with pytest.raises(ValueError, match="single array"):
        load(path)


def test_save_refuses_object_arrays_and_non_mappings(tmp_path):
    with pytest.raises(TypeError, match="only numeric arrays"):
        save({"x": np.array([object()], dtype=object)}, tmp_path / "x.npz")
    with pytest.raises(TypeError, match="model.state_dict()"):
        save(make_model(), tmp_path / "x.npz")
    with pytest.raises(TypeError, match="names must be strings"):
        save({1: np.ones(1)}, tmp_path / "x.npz")


def test_save_writes_exactly_the_given_path_and_accepts_tensors(tmp_path):
    path = tmp_path / "weights.bin"
    save({"w": am.tensor([1.0, 2.0]), "n": np.arange(3)}, path)
    assert path.exists() and not (tmp_path / "weights.bin.npz").exists()
    state = load(path)
    np.testing.assert_array_equal(state["w"], [1.0, 2.0])
    assert state["n"].dtype.kind == "i"


# --- files that load must refuse: each with an error naming the file, the problem, what to do


def npy_member(header: str, data: bytes, version: int = 1) -> bytes:
    """The bytes of a .npy member whose header says whatever the test needs (NumPy pads a real
    header with spaces to a multiple of 64 bytes; padding does not matter to a reader)."""
    text = (header + "\n").encode("latin1")
    width = 2 if version == 1 else 4
    return b"\x93NUMPY" + bytes([version, 0]) + len(text).to_bytes(width, "little") + text + data


def write_zip(path, members):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_an_empty_file_is_refused_as_empty_not_with_an_eoferror(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=r"'.*model\.npz' is empty \(0 bytes\).*save the state"):
        load(path)


def test_a_member_shorter_than_its_header_says_is_reported_as_truncated(tmp_path):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (100,), }"
    path = write_zip(tmp_path / "cut.npz", {"w.npy": npy_member(header, b"\0" * 80)})
    with pytest.raises(ValueError) as error:
        load(path)
    message = str(error.value)
    assert "'w' in" in message and "cut.npz" in message
    assert "is truncated" in message and "shape (100,) of float64 (800 bytes)" in message
    assert "holds 80" in message and "pickle" not in message


def test_a_header_claiming_a_trillion_elements_is_refused_before_any_allocation(tmp_path):
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({10**12},), }}"
    path = write_zip(tmp_path / "liar.npz", {"w.npy": npy_member(header, b"\0" * 8)})
    with pytest.raises(ValueError, match=r"truncated: its header claims shape \(1000000000000,\)"):
        load(path)


def test_a_long_header_is_named_as_such_not_as_pickled_objects(tmp_path):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }" + " " * 20_000
    member = npy_member(header, b"\0" * 8, version=2)
    path = write_zip(tmp_path / "long.npz", {"w.npy": member})
    with pytest.raises(ValueError) as error:
        load(path)
    assert f"has a header of {len(header) + 1} bytes (at most 10000)" in str(error.value)
    assert "pickle" not in str(error.value)


def test_random_bytes_are_not_an_archive_and_no_advice_to_allow_pickle(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(b"\x17" + np.random.default_rng(0).bytes(1000))
    with pytest.raises(ValueError) as error:
        load(path)
    message = str(error.value)
    assert "noise.npz' is not a readable .npz archive" in message
    assert "not with the zip signature" in message and "am.save" in message
    assert "allow_pickle" not in message


def test_a_member_that_is_not_an_npy_array_is_refused_never_returned_as_bytes(tmp_path):
    path = write_zip(tmp_path / "mixed.npz", {"w.npy": npy_member(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", b"\0" * 8
    ), "notes.txt": b"hello"})  # fmt: skip
    with pytest.raises(ValueError, match=r"holds 'notes.txt', which is not a .npy array"):
        load(path)


@pytest.mark.parametrize(
    "header, reason",
    [
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", "is not a tuple of sizes"),
        ("{'descr': '<f8', 'fortran_order': 1, 'shape': (1,), }", "is not a bool"),
        ("{'descr': 'nonsense', 'fortran_order': False, 'shape': (1,), }", "is not a dtype"),
        ("{'descr': '<U1', 'fortran_order': False, 'shape': (2,), }", "numeric arrays only"),
        ("__import__('os')", "damaged header"),
    ],
)
def test_a_damaged_header_is_named(tmp_path, header, reason):
    path = write_zip(tmp_path / "bad.npz", {"w.npy": npy_member(header, b"\0" * 8)})
    with pytest.raises(ValueError, match=reason):
        load(path)


def test_a_cut_archive_and_a_flipped_data_byte_are_damaged_files(tmp_path):
    path = tmp_path / "m.npz"
    save({"w": np.arange(100.0)}, path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ValueError, match="m.npz' is not a readable .npz archive: it is damaged"):
        load(path)
    flipped = bytearray(whole)
    flipped[whole.index(np.float64(50.0).tobytes())] ^= 0xFF
    path.write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="Bad CRC"):
        load(path)


def test_a_missing_file_is_an_oserror_naming_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"load: cannot read '.*nowhere\.npz'"):
        load(tmp_path / "nowhere.npz")


def test_archives_written_by_numpy_are_read(tmp_path):
    np.savez(tmp_path / "a.npz", w=np.ones(3), b=np.arange(2))
    np.savez_compressed(tmp_path / "c.npz", w=np.ones(3))
    assert list(load(tmp_path / "a.npz")) == ["w", "b"]
    np.testing.assert_array_equal(load(tmp_path / "c.npz")["w"], np.ones(3))


# --- every string name comes back as it was; writing is all or nothing


def test_every_string_name_round_trips_exactly(tmp_path):
    names = ["w", "w.npy", "w.npy.npy", "file", "allow_pickle", "mmap_mode", "", "a/b", "..",
             "ü ñ 名前", " ", "\n", "layers.0.weight"]  # fmt: skip
    state = {name: np.full((2,), i, dtype=np.int64) for i, name in enumerate(names)}
    state["fortran"] = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    state["bytes>"] = np.arange(3, dtype=">i4")
    save(state, tmp_path / "names.npz")
    back = load(tmp_path / "names.npz")
    assert list(back) == list(state)
    for name, array in state.items():
        assert back[name].dtype == array.dtype and back[name].flags.writeable
        np.testing.assert_array_equal(back[name], array, err_msg=name)
    with np.load(tmp_path / "names.npz") as archive:  # and NumPy reads what we write
        np.testing.assert_array_equal(archive["layers.0.weight"], state["layers.0.weight"])


@pytest.mark.parametrize(
    "name, reason", [("a\0b", "NUL character"), ("\ud800", "lone surrogate"),
                     ("n" * 70_000, "too long for a zip archive")],
)  # fmt: skip
def test_a_name_that_cannot_round_trip_is_refused_before_anything_is_written(
    tmp_path, name, reason
):
    with pytest.raises(ValueError, match=reason):
        save({"ok": np.ones(1), name: np.ones(1)}, tmp_path / "x.npz")
    assert list(tmp_path.iterdir()) == []


def test_a_save_that_fails_midway_leaves_the_previous_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    save({"w": np.ones(3)}, path)
    before = path.read_bytes()
    real = np.lib.format.write_array
    calls = []

    def fail_on_the_second_array(file, array, *args, **kwargs):
        calls.append(array.shape)
        if len(calls) == 2:
            file.write(b"\x93NUMPY half an array")
            raise OSError(28, "No space left on device")
        return real(file, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", fail_on_the_second_array)
    with pytest.raises(OSError, match="No space left"):
        save({"a": np.zeros(1000), "b": np.zeros(1000)}, path)
    assert len(calls) == 2
    assert path.read_bytes() == before  # the old archive, whole
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left
    monkeypatch.undo()
    save({"a": np.zeros(2)}, path)
    assert list(load(path)) == ["a"]


def test_save_into_a_missing_directory_or_onto_a_directory_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"save: cannot write '.*nodir.*check that it"):
        save({"w": np.ones(1)}, tmp_path / "nodir" / "x.npz")
    with pytest.raises(IsADirectoryError, match="is a directory; give the path of a file"):
        save({"w": np.ones(1)}, tmp_path)


# --- a damaged archive is an ArchiveError, never part of the arrays


def same(a, b):
    """Equal values of equal types, arrays with equal dtypes (NaN equal to NaN)."""
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and (a.dtype, a.shape) == (b.dtype, b.shape)
            and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        )
    if type(a) is not type(b) and not (isinstance(a, dict) and isinstance(b, dict)):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b or (a != a and b != b)


def every_damaged_copy(whole):
    """The archive with each byte flipped in turn, then cut after each byte."""
    for at in range(len(whole)):
        flipped = bytearray(whole)
        flipped[at] ^= 0xFF
        yield bytes(flipped)
    for end in range(len(whole)):
        yield whole[:end]


def assert_every_damage_is_caught(tmp_path, state):
    path = tmp_path / "saved.npz"
    save(state, path)
    assert same(load(path), dict(state))
    damaged = tmp_path / "damaged.npz"
    for data in every_damaged_copy(path.read_bytes()):
        damaged.write_bytes(data)
        try:
            back = load(damaged)
        except ArchiveError:
            continue
        assert same(back, dict(state)), f"{len(data)} bytes loaded as {back}"


THREE = {"w": np.arange(6.0).reshape(2, 3), "b": np.array([1.5, -2.0]), "n": np.array(7)}


def test_every_flipped_byte_and_every_cut_gives_the_arrays_or_an_archive_error(tmp_path):
    # a flipped comment length in the central directory hid the entries after it, and load
    # returned the others without a word; the end record says how many there are
    assert_every_damage_is_caught(tmp_path, THREE)


def test_an_archive_with_zip64_end_records_is_checked_against_their_count(tmp_path, monkeypatch):
    import zipfile

    # zipfile writes them from 65535 entries on; three make it here
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    save(THREE, tmp_path / "z64.npz")
    assert b"PK\x06\x06" in (tmp_path / "z64.npz").read_bytes()
    assert_every_damage_is_caught(tmp_path, THREE)


def test_a_directory_that_lists_fewer_entries_than_announced_names_both_counts(tmp_path):
    path = tmp_path / "m.npz"
    save(THREE, path)
    whole = bytearray(path.read_bytes())
    first = whole.index(b"PK\x01\x02")  # the first entry of the central directory
    whole[first + 32] = 0xFF  # its comment length: the comment swallows the next entries
    path.write_bytes(bytes(whole))
    with pytest.raises(ArchiveError, match="directory lists 1 of the 3 members"):
        load(path)


# --- nested state dicts (an optimiser's): kept as they were, nothing pickled


def adam_and_sgd(params):
    params = list(params)
    return [
        am.optim.Adam(params, lr=0.01, betas=(0.8, 0.99), amsgrad=True, weight_decay=0.1),
        am.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True),
    ]


@pytest.mark.parametrize("which", [0, 1], ids=["Adam", "SGD-momentum"])
def test_an_optimizer_checkpoint_saved_and_loaded_resumes_training_exactly(tmp_path, which):
    x = np.random.default_rng(1).standard_normal((8, 3))
    y = np.random.default_rng(2).standard_normal((8, 2))

    def train(model, optimizer, steps):
        for _ in range(steps):
            optimizer.zero_grad()
            ((model(x) - y) ** 2).mean().backward()
            optimizer.step()

    model = make_model()
    optimizer = adam_and_sgd(model.parameters())[which]
    train(model, optimizer, 3)
    save(model.state_dict(), tmp_path / "model.npz")
    save(optimizer.state_dict(), tmp_path / "optimizer.npz")
    saved = optimizer.state_dict()
    assert same(load(tmp_path / "optimizer.npz"), saved)  # int keys, tuples, ints kept
    train(model, optimizer, 4)  # the run that is never interrupted

    resumed = make_model(seed=5)
    resumed.load_state_dict(load(tmp_path / "model.npz"))
    resumed_optimizer = adam_and_sgd(resumed.parameters())[which]
    resumed_optimizer.load_state_dict(load(tmp_path / "optimizer.npz"))
    train(resumed, resumed_optimizer, 4)
    for (name, a), b in zip(model.named_parameters(), resumed.parameters(), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


def test_a_nested_state_dict_comes_back_with_its_types_and_numpy_reads_its_arrays(tmp_path):
    state = {
        "state": {0: {"step": 3, "buffer": np.arange(4.0)}, 1: {}},
        "groups": [{"lr": 0.1, "betas": (0.9, 0.999), "nesterov": False, "none": None}],
        "edges": [float("nan"), float("inf"), -0.0, 10**30, "ü\ud800", True, [], ()],
        "keys": {None: 1, True: 2, 2.5: 3, "": 4},
        "float32": np.float32(0.1),  # a NumPy scalar keeps its dtype, as a 0-d array
        "tensor": am.tensor([1.0, 2.0]),
        "tensors": [am.tensor(1.0, requires_grad=True) * 2],
        "w": np.ones((2, 0)),
    }
    save(state, tmp_path / "nested.npz")
    back = load(tmp_path / "nested.npz")
    expected = {**state, "float32": np.array(np.float32(0.1)), "tensor": np.array([1.0, 2.0])}
    expected["tensors"] = [np.array(2.0)]
    assert same(back, expected) and isinstance(back, OrderedDict)
    with np.load(tmp_path / "nested.npz") as archive:
        np.testing.assert_array_equal(archive["state.0.buffer"], np.arange(4.0))


def test_every_flipped_byte_and_every_cut_of_a_nested_archive_is_caught(tmp_path):
    assert_every_damage_is_caught(
        tmp_path, {"state": {0: {"step": 2, "m": np.ones(2)}}, "groups": [{"lr": 0.5}]}
    )


def test_what_a_nested_state_dict_cannot_hold_is_refused_before_anything_is_written(tmp_path):
    cycle = {"a": 1}
    cycle["self"] = cycle
    for state, error, reason in [
        ({"opt": {"x": {1, 2}}}, TypeError, r"'opt.x' is a set; .*would need pickling"),
        ({"opt": {"x": object()}}, TypeError, r"'opt.x' is a object; .*would need pickling"),
        ({"opt": {"x": np.array(["a"])}}, TypeError, r"'opt.x' is a <U1 array; only numeric"),
        ({"opt": {(1, 2): 3}}, TypeError, r"'opt' has the key \(1, 2\); the keys"),
        ({"c": cycle}, ValueError, r"'c.self' holds itself"),
    ]:
        with pytest.raises(error, match=reason):
            save(state, tmp_path / "x.npz")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "structure, reason",
    [
        (b"{not json", "not JSON"),
        (b'{"tree": {"dict": []}}', "not a description of version 1"),
        (b'{"version": 1, "tree": {"list": []}}', "not a dict of names"),
        (b'{"version": 1, "tree": {"dict": [["a", {"array": "gone"}]]}}', "names an array"),
        (b'{"version": 1, "tree": {"dict": [["a", {"pickle": "x"}]]}}', "is none of"),
        (b'{"version": 1, "tree": {"dict": [["a", 1], ["a", 2]]}}', "is none of"),
        (b'{"version": 1, "tree": {"dict": [["a", {"array": "w"}], ["b", {"array": "w"}]]}}',
         "or twice"),
        (b'{"version": 1, "tree": {"dict": []}}', r"does not place \['w'\]"),
        (b"[" * 100_000, "not JSON"),
    ],
)  # fmt: skip
def test_a_damaged_structure_member_is_an_archive_error(tmp_path, structure, reason):
    w = npy_member("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", b"\0" * 8)
    path = write_zip(tmp_path / "bad.npz", {"structure.json": structure, "w.npy": w})
    with pytest.raises(ArchiveError, match=reason):
        load(path)


def test_a_nan_key_is_refused_when_saved_not_when_loaded(tmp_path):
    """Two NaN keys were saved, then load called the file damaged (its dict had one key)."""
    nan = float("nan")
    with pytest.raises(ValueError, match="NaN key"):
        am.save({"stats": {nan: 1, float("nan"): 2}, "w": np.zeros(2)}, tmp_path / "s.npz")
    assert not (tmp_path / "s.npz").exists()
