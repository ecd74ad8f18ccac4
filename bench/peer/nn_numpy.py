"""The NumPy/SciPy peer for `npm run bench`: the Coursera notebook's own vectorized nnCostFunction (seed 000,
part 2.3-2.5, with the regularization term as its text describes it), the same cost as a NumPy user who hoists
the loop-invariant work would write it ([1 X] and Y built once, z2 computed once), and a NumPy port of the
course's fmincg.m, so that the same training can be timed as a whole process. Used only by the benchmark, never
by nnlearn.

  python3 nn_numpy.py serve DATA.mat WEIGHTS.mat            -> reads "notebook N" or "tuned N" lines, answers each
                                                               with a JSON line: median ms per cost+gradient
  python3 nn_numpy.py train DATA.mat INIT.mat MAXITER       -> JSON: final cost and cost history (hoisted cost)
  python3 nn_numpy.py versions                              -> JSON: NumPy, SciPy and BLAS versions
"""
import json
import sys
import time

import numpy as np
import scipy.io


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_gradient(z):
    g = sigmoid(z)
    return g * (1 - g)


def nn_cost_function(nn_params, input_layer_size, hidden_layer_size, num_labels, X, y, lambda_=0.0):
    """The notebook's code, line for line (it computes a1·Theta1ᵀ a second time for the sigmoid gradient)."""
    Theta1 = np.reshape(nn_params[:hidden_layer_size * (input_layer_size + 1)], (hidden_layer_size, (input_layer_size + 1)))
    Theta2 = np.reshape(nn_params[(hidden_layer_size * (input_layer_size + 1)):], (num_labels, (hidden_layer_size + 1)))
    m = y.size
    a1 = np.concatenate([np.ones((m, 1)), X], axis=1)
    a2 = sigmoid(a1.dot(Theta1.T))
    a2 = np.concatenate([np.ones((a2.shape[0], 1)), a2], axis=1)
    a3 = sigmoid(a2.dot(Theta2.T))
    y_matrix = y.reshape(-1)
    y_matrix = np.eye(num_labels)[y_matrix]
    temp1 = Theta1
    temp2 = Theta2
    reg_term = (lambda_ / (2 * m)) * (np.sum(np.square(temp1[:, 1:])) + np.sum(np.square(temp2[:, 1:])))
    J = (-1 / m) * np.sum((np.log(a3) * y_matrix) + np.log(1 - a3) * (1 - y_matrix)) + reg_term
    delta_3 = a3 - y_matrix
    delta_2 = delta_3.dot(Theta2)[:, 1:] * sigmoid_gradient(a1.dot(Theta1.T))
    Delta1 = delta_2.T.dot(a1)
    Delta2 = delta_3.T.dot(a2)
    Theta1_grad = (1 / m) * Delta1
    Theta1_grad[:, 1:] = Theta1_grad[:, 1:] + (lambda_ / m) * Theta1[:, 1:]
    Theta2_grad = (1 / m) * Delta2
    Theta2_grad[:, 1:] = Theta2_grad[:, 1:] + (lambda_ / m) * Theta2[:, 1:]
    grad = np.concatenate([Theta1_grad.ravel(), Theta2_grad.ravel()])
    return J, grad


def nn_cost_tuned(nn_params, n, h, K, X1, Y, lambda_):
    """The same cost with the obvious waste removed: X with its bias column built once, z2 computed once."""
    Theta1 = nn_params[:h * (n + 1)].reshape(h, n + 1)
    Theta2 = nn_params[h * (n + 1):].reshape(K, h + 1)
    m = X1.shape[0]
    a2 = sigmoid(X1 @ Theta1.T)
    a2b = np.empty((m, h + 1))
    a2b[:, 0] = 1
    a2b[:, 1:] = a2
    a3 = sigmoid(a2b @ Theta2.T)
    J = (-1 / m) * np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3))
    J += (lambda_ / (2 * m)) * (np.sum(Theta1[:, 1:] ** 2) + np.sum(Theta2[:, 1:] ** 2))
    d3 = a3 - Y
    d2 = (d3 @ Theta2[:, 1:]) * a2 * (1 - a2)
    G1 = (d2.T @ X1) / m
    G2 = (d3.T @ a2b) / m
    G1[:, 1:] += (lambda_ / m) * Theta1[:, 1:]
    G2[:, 1:] += (lambda_ / m) * Theta2[:, 1:]
    return J, np.concatenate([G1.ravel(), G2.ravel()])


def fmincg(f, X, max_iter):
    """The course's fmincg.m (Carl Edward Rasmussen's minimize, Polack-Ribiere CG with Wolfe line searches)."""
    RHO, SIG, INT, EXT, MAX, RATIO = 0.01, 0.5, 0.1, 3.0, 20, 100
    length = max_iter
    i = 0
    ls_failed = 0
    fX = []
    f1, df1 = f(X)
    i += (length < 0)
    s = -df1
    d1 = -s.dot(s)
    z1 = 1 / (1 - d1)
    while i < abs(length):
        i += (length > 0)
        X0, f0, df0 = X.copy(), f1, df1.copy()
        X = X + z1 * s
        f2, df2 = f(X)
        i += (length < 0)
        d2 = df2.dot(s)
        f3, d3, z3 = f1, d1, -z1
        M = MAX if length > 0 else min(MAX, -length - i)
        success = False
        limit = -1
        while True:
            while ((f2 > f1 + z1 * RHO * d1) or (d2 > -SIG * d1)) and (M > 0):
                limit = z1
                if f2 > f1:
                    z2 = z3 - (0.5 * d3 * z3 * z3) / (d3 * z3 + f2 - f3)
                else:
                    A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
                    B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
                    z2 = (np.sqrt(B * B - A * d2 * z3 * z3) - B) / A
                if np.isnan(z2) or np.isinf(z2):
                    z2 = z3 / 2
                z2 = max(min(z2, INT * z3), (1 - INT) * z3)
                z1 = z1 + z2
                X = X + z2 * s
                f2, df2 = f(X)
                M -= 1
                i += (length < 0)
                d2 = df2.dot(s)
                z3 = z3 - z2
            if f2 > f1 + z1 * RHO * d1 or d2 > -SIG * d1:
                break
            elif d2 > SIG * d1:
                success = True
                break
            elif M == 0:
                break
            A = 6 * (f2 - f3) / z3 + 3 * (d2 + d3)
            B = 3 * (f3 - f2) - z3 * (d3 + 2 * d2)
            z2 = -d2 * z3 * z3 / (B + np.sqrt(B * B - A * d2 * z3 * z3))
            if not np.isreal(z2) or np.isnan(z2) or np.isinf(z2) or z2 < 0:
                z2 = z1 * (EXT - 1) if limit < -0.5 else (limit - z1) / 2
            elif (limit > -0.5) and (z2 + z1 > limit):
                z2 = (limit - z1) / 2
            elif (limit < -0.5) and (z2 + z1 > z1 * EXT):
                z2 = z1 * (EXT - 1.0)
            elif z2 < -z3 * INT:
                z2 = -z3 * INT
            elif (limit > -0.5) and (z2 < (limit - z1) * (1.0 - INT)):
                z2 = (limit - z1) * (1.0 - INT)
            f3, d3, z3 = f2, d2, -z2
            z1 = z1 + z2
            X = X + z2 * s
            f2, df2 = f(X)
            M -= 1
            i += (length < 0)
            d2 = df2.dot(s)
        if success:
            f1 = f2
            fX.append(f1)
            s = (df2.dot(df2) - df1.dot(df2)) / (df1.dot(df1)) * s - df2
            df1, df2 = df2, df1
            d2 = df1.dot(s)
            if d2 > 0:
                s = -df1
                d2 = -s.dot(s)
            z1 = z1 * min(RATIO, d1 / (d2 - np.finfo(float).tiny))
            d1 = d2
            ls_failed = 0
        else:
            X, f1, df1 = X0, f0, df0
            if ls_failed or i > abs(length):
                break
            df1, df2 = df2, df1
            s = -df1
            d1 = -s.dot(s)
            z1 = 1 / (1 - d1)
            ls_failed = 1
    return X, fX, i


def load(data_path):
    d = scipy.io.loadmat(data_path)
    X = d['X'].astype(float)
    y = d['y'].ravel().astype(int)
    y[y == 10] = 0  # the notebook's zero-based labels (digit 0 is 0)
    return X, y


def versions():
    info = {'numpy': np.__version__, 'scipy': scipy.__version__, 'python': sys.version.split()[0]}
    try:
        cfg = np.show_config(mode='dicts')
        blas = cfg['Build Dependencies']['blas']
        info['blas'] = f"{blas.get('name', '?')} {blas.get('version', '?')}"
    except Exception:  # older NumPy: no dict mode
        info['blas'] = 'unknown'
    return info


def main():
    cmd = sys.argv[1]
    if cmd == 'versions':
        print(json.dumps(versions()))
        return
    data_path, weights_path = sys.argv[2], sys.argv[3]
    X, y = load(data_path)
    w = scipy.io.loadmat(weights_path)
    T1 = w['Theta1']
    T2 = np.roll(w['Theta2'], 1, axis=0)  # course label order to the notebook's, as the notebook does
    n, h, K = X.shape[1], T1.shape[0], T2.shape[0]
    params = np.concatenate([T1.ravel(), T2.ravel()])
    # the loop invariants, built once as a NumPy user would
    X1 = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    Y = np.eye(K)[y]
    if cmd == 'serve':
        costs = {'notebook': lambda p: nn_cost_function(p, n, h, K, X, y, 1.0),
                 'tuned': lambda p: nn_cost_tuned(p, n, h, K, X1, Y, 1.0)}
        for f in costs.values():
            for _ in range(3):
                f(params)
        print(json.dumps({'ready': True, 'cost': float(costs['notebook'](params)[0]), 'tunedCost': float(costs['tuned'](params)[0])}), flush=True)
        for line in sys.stdin:
            name, count = line.split()
            f = costs[name]
            ts = []
            for _ in range(int(count)):
                t = time.perf_counter()
                f(params)
                ts.append(time.perf_counter() - t)
            print(json.dumps({'ms': 1000 * float(np.median(ts))}), flush=True)
    else:
        t = time.perf_counter()
        theta, fX, _ = fmincg(lambda p: nn_cost_tuned(p, n, h, K, X1, Y, 1.0), params, int(sys.argv[4]))
        print(json.dumps({'cost': float(fX[-1]), 'costHistory': [float(c) for c in fX], 'trainSeconds': time.perf_counter() - t}))


if __name__ == '__main__':
    main()
