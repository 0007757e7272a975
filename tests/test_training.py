"""training: batches cover the data once per epoch in a seeded order; fit is exactly the loop
zero_grad → forward → loss → backward → step, shows a tqdm bar with the loss unless told not to,
and returns the mean loss of each epoch."""

import numpy as np
import pytest

import autograd_mini.nn as nn
import autograd_mini.optim as optim
from autograd_mini.training import batches, fit

X = np.random.default_rng(0).standard_normal((50, 3))
Y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.3


def test_batches_cover_every_row_once_in_batches_of_the_given_size():
    got = list(batches(X, np.arange(50), batch_size=16, rng=0))
    assert [len(xb) for xb, _ in got] == [16, 16, 16, 2]
    rows = np.concatenate([yb for _, yb in got])
    assert sorted(rows) == list(range(50)) and not np.array_equal(rows, np.arange(50))
    for xb, yb in got:
        np.testing.assert_array_equal(xb, X[yb])  # x and y stay paired


def test_batches_are_reproducible_from_a_seed_and_differ_between_seeds():
    def order(seed):
        return np.concatenate([yb for _, yb in batches(X, np.arange(50), 8, rng=seed)])

    np.testing.assert_array_equal(order(3), order(3))
    np.testing.assert_array_equal(order(np.random.default_rng(3)), order(3))
    assert not np.array_equal(order(3), order(4))


def test_batches_without_shuffle_keep_the_order_and_drop_last_drops_the_remainder():
    got = list(batches(X, np.arange(50), 16, shuffle=False, drop_last=True))
    assert [len(yb) for _, yb in got] == [16, 16, 16]
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in got]), np.arange(48))


def test_batches_check_lengths_and_batch_size():
    with pytest.raises(ValueError, match="50 rows but y has 49"):
        list(batches(X, Y[:49], 8))
    with pytest.raises(ValueError, match="batch_size"):
        list(batches(X, Y, 0))


def train(seed, epochs=30, progress=False):
    model = nn.MLP([3, 1], rng=np.random.default_rng(0))
    opt = optim.SGD(model.parameters(), lr=0.05)
    history = fit(model, nn.mse_loss, opt, X, Y, epochs, batch_size=10, rng=seed, progress=progress)
    return model, history


def test_fit_returns_one_mean_loss_per_epoch_and_the_loss_falls():
    model, history = train(seed=0)
    assert len(history) == 30
    assert history[-1] < 0.01 * history[0]
    np.testing.assert_allclose(model.layers[0].weight.numpy(), [[1.0, -2.0, 0.5]], atol=0.05)


def test_fit_is_reproducible_from_its_seed():
    (a, ha), (b, hb), (_, hc) = train(seed=5), train(seed=5), train(seed=6)
    assert ha == hb and ha != hc
    np.testing.assert_array_equal(a.layers[0].weight.numpy(), b.layers[0].weight.numpy())


def test_fit_is_the_documented_loop():
    model, history = train(seed=7, epochs=3)
    ref = nn.MLP([3, 1], rng=np.random.default_rng(0))
    opt = optim.SGD(ref.parameters(), lr=0.05)
    rng = np.random.default_rng(7)
    expected = []
    for _ in range(3):
        losses = []
        for xb, yb in batches(X, Y, 10, rng):
            opt.zero_grad()
            loss = nn.mse_loss(ref(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        expected.append(np.mean(losses))
    np.testing.assert_allclose(history, expected, rtol=1e-14)
    np.testing.assert_array_equal(model.layers[0].weight.numpy(), ref.layers[0].weight.numpy())


def test_fit_shows_a_progress_bar_with_the_loss_unless_progress_is_false(capsys):
    train(seed=0, epochs=3, progress=False)
    assert capsys.readouterr().err == ""
    train(seed=0, epochs=3, progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "loss=" in err


def test_fit_puts_the_model_in_training_mode():
    model = nn.MLP([3, 1]).eval()
    fit(model, nn.mse_loss, optim.SGD(model.parameters(), lr=0.01), X, Y, 1, 10, progress=False)
    assert model.training


def fit_once(x=X, y=Y, **settings):
    model = nn.MLP([3, 1], rng=np.random.default_rng(0))
    opt = optim.SGD(model.parameters(), lr=0.05)
    return fit(model, nn.mse_loss, opt, x, y, **{"progress": False, "rng": 0, **settings})


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: fit_once(X[:0], Y[:0]), ValueError, r"fit: x and y have no rows, .* at least"),
        (lambda: fit_once(batch_size=2.5), TypeError, r"fit: batch_size must be a whole number"),
        (lambda: fit_once(batch_size=0), ValueError, r"fit: batch_size must be an integer >= 1"),
        (lambda: fit_once(epochs=-1), ValueError, r"fit: epochs must be an integer >= 0, got -1"),
        (lambda: fit_once(epochs=2.0), TypeError, r"fit: epochs must be a whole number"),
        (lambda: fit_once(epochs=True), TypeError, r"fit: epochs must be a whole number"),
        (lambda: fit_once(X[:1].ravel(), np.array(1.0)), ValueError, r"fit: y is 0-d .* per sam"),
        (lambda: list(batches(X[:3], np.array(1.0), 2)), ValueError, r"batches: y is 0-d"),
        (lambda: list(batches(np.array(2.0), Y[:3], 2)), ValueError, r"batches: x is 0-d"),
        (lambda: list(batches(X, Y, 2.5)), TypeError, r"batches: batch_size must be a whole"),
    ],
)
def test_bad_arguments_of_fit_and_batches_are_named_in_the_error(call, error, message):
    # not a ZeroDivisionError, or a TypeError from range() or len(), from inside the loop
    with pytest.raises(error, match=message):
        call()


def test_numpy_integers_are_counts_and_no_rows_make_no_batches_as_torchs_data_loader():
    import torch

    np.testing.assert_array_equal(
        fit_once(epochs=np.int64(3), batch_size=np.int32(10)), fit_once(epochs=3, batch_size=10)
    )
    assert fit_once(epochs=0) == []
    empty = torch.utils.data.TensorDataset(torch.zeros(0, 3), torch.zeros(0, 1))
    assert list(torch.utils.data.DataLoader(empty, batch_size=4)) == []
    assert list(batches(X[:0], Y[:0], 4)) == []
