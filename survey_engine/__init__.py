"""survey-engine: self-assessment of information and cyber security maturity."""
import os

__version__ = "0.1.0"

# Piccolo finds its configuration through this variable; the package carries its own,
# so the command works from any folder.
os.environ.setdefault("PICCOLO_CONF", "survey_engine.piccolo_conf")
