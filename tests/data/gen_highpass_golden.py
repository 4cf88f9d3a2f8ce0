"""Golden vectors for gaitline::filter high-pass (scipy butter btype="high" + sosfiltfilt).

Run: python3 tests/data/gen_highpass_golden.py > tests/data/highpass_golden.json
"""
import json
import numpy as np
from scipy import signal

cases = []
rng = np.random.default_rng(20261128)
for order, fc, fs, n in [(2, 20.0, 1000.0, 600), (4, 20.0, 2000.0, 500), (3, 10.0, 150.0, 200),
                         (1, 5.0, 100.0, 64), (2, 20.0, 100.0, 40)]:
    t = np.arange(n) / fs
    x = (0.3 * np.sin(2 * np.pi * 1.1 * t) + 0.05 * np.sin(2 * np.pi * 0.3 * fs * t + 0.4)
         + 0.02 * rng.standard_normal(n) + 0.7 + 0.1 * t)
    sos = signal.butter(order, fc, btype="high", fs=fs, output="sos")
    y = signal.sosfiltfilt(sos, x)
    cases.append({"order": order, "cutoff_hz": fc, "rate_hz": fs,
                  "sos": [list(map(float, s)) for s in sos],
                  "x": list(map(float, x)), "y": list(map(float, y))})
print(json.dumps({"generator": "scipy %s signal.butter(btype='high', output='sos') + sosfiltfilt" % __import__('scipy').__version__,
                  "cases": cases}))
