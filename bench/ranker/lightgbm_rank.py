"""LightGBM lambdarank on the groups bench/ranker.ts wrote: the same parameters as pixrank's
LambdaMART, early stopping on the same validation groups; writes its validation scores so NDCG@10
is computed by the same code for both."""
import json
import sys
import time

import lightgbm as lgb
import numpy as np


def load(folder, name, width):
    x = np.fromfile(f"{folder}/{name}.x.f32", dtype="<f4").reshape(-1, width)
    y = np.fromfile(f"{folder}/{name}.y.f32", dtype="<f4")
    groups = np.fromfile(f"{folder}/{name}.groups.i32", dtype="<i4")
    return x, y, groups


def main():
    folder = sys.argv[1]
    with open(f"{folder}/meta.json") as f:
        meta = json.load(f)
    width = meta["features"]
    xt, yt, gt = load(folder, "train", width)
    xv, yv, gv = load(folder, "valid", width)
    p = meta["params"]
    params = {
        "objective": "lambdarank",
        "metric": "ndcg",
        "eval_at": [p["evalAt"]],
        "num_leaves": p["maxLeaves"],
        "max_depth": p["maxDepth"],
        "learning_rate": p["learningRate"],
        "min_data_in_leaf": p["minDocsPerLeaf"],
        "min_sum_hessian_in_leaf": p["minHessianPerLeaf"],
        "lambda_l2": p["l2"],
        "max_bin": p["bins"],
        "lambdarank_truncation_level": p["truncation"],
        "lambdarank_norm": p["normalize"],
        "sigmoid": p["sigma"],
        "label_gain": [2**i - 1 for i in range(32)],
        "num_threads": meta["threads"],
        "seed": meta["seed"],
        "deterministic": True,
        "force_row_wise": True,
        "verbosity": -1,
    }
    started = time.perf_counter()
    train = lgb.Dataset(xt, yt, group=gt)
    valid = lgb.Dataset(xv, yv, group=gv, reference=train)
    grown = []
    booster = lgb.train(params, train, num_boost_round=p["trees"], valid_sets=[valid], callbacks=[lgb.early_stopping(p["earlyStoppingRounds"], verbose=False), lambda env: grown.append(env.iteration)])
    seconds = time.perf_counter() - started
    best = booster.best_iteration or booster.current_iteration()
    booster.predict(xv, num_iteration=best).astype("<f8").tofile(f"{folder}/valid.pred.f64")
    print(json.dumps({"seconds": seconds, "trees": best, "trees_grown": len(grown), "lightgbm": lgb.__version__, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
