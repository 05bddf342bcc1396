#!/usr/bin/env python3
"""PyTorch reference of the COT-GAN loss (mixed Sinkhorn divergence and martingale penalty) for
checking org.mgm.gan.CotGanLoss: reads .npy inputs, writes values and gradients as .npy.

A direct port of the MGM / COT-GAN reference functions (modified_cost, compute_sinkhorn,
compute_mixed_sinkhorn_loss, scale_invariante_martingale_regularization), in float64 so that it
is the exact side of the comparison. Two Sinkhorn variants are run: the fixed count (what the
Java graph does and the gradients are compared on) and the PyTorch code's early stop at
sum|u - u_prev| < 1e-4, to measure how far apart they are.

Inputs in --dir (float32 or float64): x, xp, y, yp [B,T,D]; h_y, h_yp, h_xp, m_x, m_xp, m_y [B,T,J].
Outputs in --dir: divergence.npy, penalty.npy, grad_divergence_<name>.npy for the ten inputs,
grad_penalty_m_x.npy; one JSON line on stdout with the early-stop figures.

Usage: /usr/bin/python3 export-tools/cot_loss_torch_check.py --dir D --eps 100 --iterations 100 --lam 10
"""

import argparse
import json
import os

import numpy as np
import torch

SEQUENCES = ["x", "xp", "y", "yp"]
CRITICS = ["h_y", "h_yp", "h_xp", "m_x", "m_xp", "m_y"]
EARLY_STOP = 1e-4  # the MGM PyTorch code's threshold on sum|u - u_prev|


def cost_matrix(x, y):
    """sum over time and features of |x_i - y_j|^2, x and y flattened to [B, T*D]."""
    x = x.reshape(x.shape[0], -1)
    y = y.reshape(y.shape[0], -1)
    return torch.sum((x[:, None, :] - y[None, :, :]) ** 2, -1)


def modified_cost(x, y, h, m):
    """C_ij = |x_i - y_j|^2 + sum_{t<T} sum_k h[i,t,k] (M[j,t+1,k] - M[j,t,k]) / (T-1)."""
    delta_m = m[:, 1:, :] - m[:, :-1, :]
    ht = h[:, :-1, :]
    time_steps = ht.shape[1]
    sum_over_j = torch.sum(ht[:, None, :, :] * delta_m[None, :, :, :], -1)
    c_hm = torch.sum(sum_over_j, -1) / time_steps
    return cost_matrix(x, y) + c_hm


def compute_sinkhorn(x, y, h, m, eps, niter, early_stop):
    """Log-domain Sinkhorn between uniform marginals; returns (sum pi*C, iterations run)."""
    c = modified_cost(x, y, h, m)
    n = x.shape[0]
    mu = torch.full((n,), 1.0 / n, dtype=c.dtype)
    nu = torch.full((n,), 1.0 / n, dtype=c.dtype)

    def scaled(u, v):
        return (-c + u[:, None] + v[None, :]) / eps

    u = torch.zeros_like(mu)
    v = torch.zeros_like(nu)
    done = 0
    for _ in range(niter):
        u1 = u
        u = eps * (torch.log(mu) - torch.logsumexp(scaled(u, v), dim=1)) + u
        v = eps * (torch.log(nu) - torch.logsumexp(scaled(u, v).t(), dim=1)) + v
        done += 1
        if early_stop and float((u - u1).abs().sum()) < EARLY_STOP:
            break
    pi = torch.exp(scaled(u, v))
    return torch.sum(pi * c), done


def mixed_divergence(t, eps, niter, early_stop):
    """W(x,y;h(y),M(x)) + W(x',y';h(y'),M(x')) - W(x,x';h(x'),M(x)) - W(y,y';h(y'),M(y))."""
    xy = compute_sinkhorn(t["x"], t["y"], t["h_y"], t["m_x"], eps, niter, early_stop)
    xyp = compute_sinkhorn(t["xp"], t["yp"], t["h_yp"], t["m_xp"], eps, niter, early_stop)
    xx = compute_sinkhorn(t["x"], t["xp"], t["h_xp"], t["m_x"], eps, niter, early_stop)
    yy = compute_sinkhorn(t["y"], t["yp"], t["h_yp"], t["m_y"], eps, niter, early_stop)
    terms = [xy, xyp, xx, yy]
    return xy[0] + xyp[0] - xx[0] - yy[0], [float(w) for w, _ in terms], [k for _, k in terms]


def martingale_penalty(m, lam):
    """lam/T * sum_{t,k} |mean_i dM[i,t,k] / (std_k(M over batch and time, unbiased) + 1e-6)|."""
    batch, steps, _ = m.shape
    delta = m[:, 1:, :] - m[:, :-1, :]
    delta_std = delta / (torch.std(m, dim=(0, 1)) + 1e-06)
    sum_m_std = torch.sum(delta_std, 0) / batch
    return lam * torch.sum(torch.abs(sum_m_std)) / steps


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--eps", type=float, default=100.0)
    p.add_argument("--iterations", type=int, default=100)
    p.add_argument("--lam", type=float, default=10.0)
    a = p.parse_args()
    torch.set_num_threads(1)

    def load(name):
        arr = np.load(os.path.join(a.dir, name + ".npy")).astype(np.float64)
        return torch.tensor(arr, requires_grad=True)

    t = {name: load(name) for name in SEQUENCES + CRITICS}
    div, fixed_terms, _ = mixed_divergence(t, a.eps, a.iterations, early_stop=False)
    grads = torch.autograd.grad(div, [t[k] for k in SEQUENCES + CRITICS])
    pen = martingale_penalty(t["m_x"], a.lam)
    (grad_pen,) = torch.autograd.grad(pen, [t["m_x"]])

    def save(name, value):
        np.save(os.path.join(a.dir, name + ".npy"), np.ascontiguousarray(value.detach().numpy()))

    save("divergence", div)
    save("penalty", pen)
    for k, g in zip(SEQUENCES + CRITICS, grads):
        save("grad_divergence_" + k, g)
    save("grad_penalty_m_x", grad_pen)

    with torch.no_grad():
        early, early_terms, used = mixed_divergence(t, a.eps, a.iterations, early_stop=True)
    print(json.dumps({
        "divergence_fixed": float(div),
        "divergence_early": float(early),
        "terms_fixed": fixed_terms,
        "terms_early": early_terms,
        "early_iterations": used,
    }))


if __name__ == "__main__":
    main()
