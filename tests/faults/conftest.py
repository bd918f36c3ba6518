"""The fault tests start real `survey-engine serve` processes on the database of this
pass (tests/conftest.py chose it and put it in the environment); helpers in bench/."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
