"""Golden vectors for gaitline::filter (scipy butter + sosfiltfilt, default odd padding).

Run: python3 tests/data/gen_filtfilt_golden.py > tests/data/filtfilt_golden.json
"""
import json
import numpy as np
from scipy import signal

cases = []
rng = np.random.default_rng(20240404)
for order, fc, fs, n in [(2, 6.0, 100.0, 300), (4, 12.0, 200.0, 257), (3, 10.0, 150.0, 200),
                         (2, 20.0, 300.0, 40), (1, 5.0, 100.0, 64), (5, 30.0, 1000.0, 500)]:
    t = np.arange(n) / fs
    x = (0.3 * np.sin(2 * np.pi * 1.1 * t) + 0.05 * np.sin(2 * np.pi * 9.0 * t + 0.4)
         + 0.02 * rng.standard_normal(n) + 0.7 + 0.1 * t)
    sos = signal.butter(order, fc, btype="low", fs=fs, output="sos")
    y = signal.sosfiltfilt(sos, x)
    cases.append({"order": order, "cutoff_hz": fc, "rate_hz": fs,
                  "sos": [list(map(float, s)) for s in sos],
                  "x": list(map(float, x)), "y": list(map(float, y))})
print(json.dumps({"generator": "scipy %s signal.butter(output='sos') + sosfiltfilt" % __import__('scipy').__version__,
                  "cases": cases}))
