"""The peer side of bench/als.ts: implicit's CPU ALS (conjugate gradient) on a CSR matrix of counts.

Reads <dir>/indptr.npy, indices.npy, data.npy (users x items, raw counts), fits
implicit.cpu.als.AlternatingLeastSquares and prints one JSON line with the timings. Confidence:
pixrank uses c = 1 + alpha * count; implicit takes the matrix's values as the confidence c itself
(its alpha only scales them: Cui = alpha * user_items), so we hand it 1 + alpha * count and
alpha = 1.0, which makes the two models solve the same problem.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import scipy.sparse
from threadpoolctl import threadpool_limits

import implicit
from implicit.cpu.als import AlternatingLeastSquares


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--regularization", type=float, default=0.01)
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save-factors", help="folder for user_factors.npy and item_factors.npy")
    args = parser.parse_args()

    indptr = np.load(os.path.join(args.dir, "indptr.npy"))
    indices = np.load(os.path.join(args.dir, "indices.npy"))
    counts = np.load(os.path.join(args.dir, "data.npy"))
    confidence = (1.0 + args.alpha * counts).astype(np.float32)
    matrix = scipy.sparse.csr_matrix((confidence, indices, indptr), shape=(args.users, args.items))

    model = AlternatingLeastSquares(
        factors=args.factors,
        iterations=args.iterations,
        regularization=args.regularization,
        alpha=1.0,
        use_cg=True,
        calculate_training_loss=False,
        num_threads=args.threads,
        random_state=args.seed,
    )
    per_iteration = []

    def callback(iteration, elapsed, loss):
        per_iteration.append(elapsed)

    # implicit's own advice: BLAS single-threaded (its threads are its own prange).
    with threadpool_limits(1, "blas"):
        started = time.perf_counter()
        cpu_started = time.process_time()
        model.fit(matrix, show_progress=False, callback=callback)
        fit_seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started

    if args.save_factors:
        os.makedirs(args.save_factors, exist_ok=True)
        np.save(os.path.join(args.save_factors, "user_factors.npy"), np.ascontiguousarray(model.user_factors, dtype=np.float32))
        np.save(os.path.join(args.save_factors, "item_factors.npy"), np.ascontiguousarray(model.item_factors, dtype=np.float32))

    print(json.dumps({
        "implicit": implicit.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "fit_seconds": fit_seconds,
        "cpu_seconds": cpu_seconds,
        "per_iteration": per_iteration,
    }))


if __name__ == "__main__":
    main()
