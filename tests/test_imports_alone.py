"""Every module of survey_engine imports on its own, first, in a fresh interpreter state.

An import cycle hides as long as some other module happens to be imported first: a
script or a worker that starts from the module at the back of the cycle fails with
"partially initialized module". round_results -> provided -> responses -> indicators
-> plans -> round_results was such a cycle (plans took `load_round` by name)."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.support import REPO

SCRIPT = r"""
import importlib, json, pkgutil, sys
import survey_engine
names = sorted(m.name for m in pkgutil.walk_packages(survey_engine.__path__, "survey_engine.")
               if "migrations" not in m.name)
failed = {}
for name in names:
    for loaded in [k for k in sys.modules if k == "survey_engine" or k.startswith("survey_engine.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = repr(exc)
print(json.dumps({"count": len(names), "failed": failed}))
"""


def test_every_module_imports_first():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=str(REPO), capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["count"] > 100, result  # the walk found the package's modules
    assert result["failed"] == {}, json.dumps(result["failed"], indent=1)
