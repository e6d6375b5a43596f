#!/usr/bin/python3
"""Mean CIEDE2000 by scikit-image, a check of the library's figures in the quality part of `npm run bench`.

    /usr/bin/python3 bench/de2000.py REFERENCE.png OUTPUT.png [OUTPUT.png ...]

Reads each PNG with PIL as RGB, converts to CIELAB with skimage.color.rgb2lab (D65, 2 degree observer) and
prints ONE JSON list on stdout: per output, the mean over pixels of skimage.color.deltaE_ciede2000 against
the reference.
"""
import json
import sys


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: de2000.py REFERENCE.png OUTPUT.png [OUTPUT.png ...]\n")
        return 2
    import numpy as np
    from PIL import Image
    from skimage.color import deltaE_ciede2000, rgb2lab

    def lab(path):
        with Image.open(path) as im:
            return rgb2lab(np.asarray(im.convert("RGB"), dtype=np.float64) / 255.0)

    reference = lab(argv[1])
    print(json.dumps([float(np.mean(deltaE_ciede2000(reference, lab(path)))) for path in argv[2:]]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
