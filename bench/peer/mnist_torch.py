"""The PyTorch peer for `npm run bench`: full MNIST with the recipe nnlearn's bench runs, on the CPU. Used only by
the benchmark, never by nnlearn.

  python3 mnist_torch.py MNIST_DIR EPOCHS THREADS [--every-epoch] [--seed S]

Recipe: 784-300-10, ReLU hidden units, softmax output with the cross-entropy, Adam (lr 0.001, betas 0.9/0.999,
eps 1e-8), mini-batches of 128 in a new random order each epoch, and the penalty λ/(2m)·Σ W² on the weights only
(not the biases) with λ = 2 and m = 60000 added to every batch's mean loss, as nnlearn does; inputs are the pixels
/ 255; weights start uniform in ±√(6/fan_in) (He's rule, as nnlearn's ReLU networks), biases at 0.

Reads the four .gz files itself (gzip + NumPy), so that the process's time includes reading the data, as
nnlearn's does. Prints one JSON line: per-epoch training seconds (test evaluations excluded), test accuracy after
each epoch (--every-epoch) or after the last, and the seconds spent reading.
"""
import gzip
import json
import math
import sys
import time

import numpy as np
import torch


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    args = sys.argv[1:]
    every = '--every-epoch' in args
    seed = int(args[args.index('--seed') + 1]) if '--seed' in args else 0
    root, epochs, threads = args[0], int(args[1]), int(args[2])
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    t0 = time.perf_counter()
    X = torch.from_numpy(read_idx(f'{root}/train-images-idx3-ubyte.gz').reshape(-1, 784).astype(np.float32) / 255)
    y = torch.from_numpy(read_idx(f'{root}/train-labels-idx1-ubyte.gz').astype(np.int64))
    Xt = torch.from_numpy(read_idx(f'{root}/t10k-images-idx3-ubyte.gz').reshape(-1, 784).astype(np.float32) / 255)
    yt = torch.from_numpy(read_idx(f'{root}/t10k-labels-idx1-ubyte.gz').astype(np.int64))
    read_seconds = time.perf_counter() - t0
    m = X.shape[0]
    lam = 2.0

    net = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Linear(300, 10))
    with torch.no_grad():
        for layer in (net[0], net[2]):
            bound = math.sqrt(6 / layer.in_features)
            layer.weight.uniform_(-bound, bound)
            layer.bias.zero_()
    weights = [net[0].weight, net[2].weight]
    opt = torch.optim.Adam(net.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.CrossEntropyLoss()

    def accuracy():
        with torch.no_grad():
            return 100.0 * (net(Xt).argmax(1) == yt).double().mean().item()

    epoch_seconds, accuracies = [], []
    for _ in range(epochs):
        t = time.perf_counter()
        order = torch.randperm(m)
        for b in range(0, m, 128):
            idx = order[b:b + 128]
            opt.zero_grad()
            loss = loss_fn(net(X[idx]), y[idx]) + (lam / (2 * m)) * sum((w * w).sum() for w in weights)
            loss.backward()
            opt.step()
        epoch_seconds.append(time.perf_counter() - t)
        if every:
            accuracies.append(accuracy())
    if not every:
        accuracies.append(accuracy())
    print(json.dumps({
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'readSeconds': read_seconds,
        'epochSeconds': epoch_seconds,
        'testAccuracy': accuracies,
    }))


if __name__ == '__main__':
    main()
