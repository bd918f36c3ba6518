"""Audits, recommendations and the follow-up statement (issue 16): the plan tests'
small questionnaire and rounds serve here too."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plans"))
sys.path.insert(0, str(Path(__file__).parent))
