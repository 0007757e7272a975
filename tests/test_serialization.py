"""Saving: state dicts are ordered copies, load_state_dict writes in place and names every
mismatch in one error, save/load go through .npz and never unpickle anything."""

import pickle
from collections import OrderedDict

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.nn as nn
from autograd_mini.serialization import load, save


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
