#!/usr/bin/python3
"""scikit-learn peer of `npm run bench` (bench/run.js calls it once per image, k and method).

    /usr/bin/python3 bench/peers.py IMAGE.png K {kmeans|minibatch}

Reads the PNG with PIL (RGB, float64), warms up with one untimed fit of the same model on 20,000 random
pixels of the image (so that the timed fit, like ours after its warm-up calls, is not a process's first:
OpenMP's threads and the first calls' costs took 0.63 s -> 0.43 s on coffee k = 16), fits, predicts every
pixel and prints ONE JSON object on stdout:
seconds (fit + predict, timed in-process, excluding the PNG read, the imports and the warm-up), iterations, and the MSE
(mean over pixels and the 3 channels of (orig - center[label])^2) with the centres as fitted
(`mse`) and rounded to 8-bit values (`mse_rounded`, what an 8-bit output image would show).
"""
import json
import sys
import time
import warnings

WARM_UP_PIXELS = 20000


def main(argv):
    if len(argv) != 4 or argv[3] not in ("kmeans", "minibatch"):
        sys.stderr.write("usage: peers.py IMAGE.png K {kmeans|minibatch}\n")
        return 2
    path, k, method = argv[1], int(argv[2]), argv[3]

    import numpy as np
    from PIL import Image
    import sklearn
    from sklearn.cluster import KMeans, MiniBatchKMeans

    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"), dtype=np.float64)
    height, width = rgb.shape[:2]
    x = np.ascontiguousarray(rgb.reshape(-1, 3))

    def make():
        if method == "kmeans":
            return KMeans(n_clusters=k, init="k-means++", n_init=1, random_state=0)
        return MiniBatchKMeans(n_clusters=k, init="k-means++", n_init=1, random_state=0)

    model = make()
    warm_up = x[np.random.default_rng(0).choice(len(x), min(len(x), WARM_UP_PIXELS), replace=False)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning and the like: reported through the figures
        make().fit(warm_up).predict(warm_up)
        started = time.perf_counter()
        model.fit(x)
        labels = model.predict(x)
        seconds = time.perf_counter() - started

    centers = model.cluster_centers_
    mse = float(np.mean((x - centers[labels]) ** 2))
    rounded = np.clip(np.rint(centers), 0, 255)
    mse_rounded = float(np.mean((x - rounded[labels]) ** 2))

    threads = None
    try:
        from threadpoolctl import threadpool_info

        threads = max((p.get("num_threads", 0) for p in threadpool_info() if p.get("user_api") == "openmp"), default=None)
    except Exception:  # threadpoolctl missing or changed: the thread count is informational only
        pass

    print(json.dumps({
        "peer": "sklearn-" + method,
        "image": path,
        "width": width,
        "height": height,
        "k": k,
        "seconds": seconds,
        "iterations": int(getattr(model, "n_iter_", 0) or 0),
        "inertia": float(model.inertia_) if method == "kmeans" else None,
        "mse": mse,
        "mse_rounded": mse_rounded,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "openmp_threads": threads,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
