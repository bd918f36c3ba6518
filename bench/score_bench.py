"""Scoring speed: the compiled engine against the plain reference implementation.

    .venv/bin/python bench/score_bench.py [--questionnaire questionnaires/mcf-cybersakerhet/2026.1.yaml]
                                          [--responses 10000] [--seed 2026] [--repeat 3]
    .venv/bin/python bench/score_bench.py --synthetic   # a generated questionnaire instead

Generates N valid responses from the questionnaire with a seeded RNG (about 10 % of the
questions unanswered), scores them all with `score_response` (compiled plan, cached by
hash) and with `scoring.reference.reference_score` (walks the Pydantic model for every
response), in the same run, prints responses per second for both and the ratio, and
checks that both give identical results for every response. Prints figures; asserts
nothing about time.
"""
from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from survey_engine.scoring import compile_questionnaire, score_response  # noqa: E402
from survey_engine.scoring.reference import reference_score  # noqa: E402
from survey_engine.scoring.synthetic import random_answers, random_questionnaire  # noqa: E402

DEFAULT = REPO / "questionnaires" / "mcf-cybersakerhet" / "2026.1.yaml"


def timed(fn, items, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run (the machine may be shared)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        for item in items:
            fn(item)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _load() -> str:
    try:
        import os

        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (OSError, AttributeError):
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questionnaire", type=Path, default=DEFAULT)
    parser.add_argument("--synthetic", action="store_true",
                        help="score a generated questionnaire (8 areas x 10 questions) instead")
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each engine (best is reported)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    if args.synthetic:
        q = random_questionnaire(rng, n_areas=8, questions_per_area=10, levels=4)
        label = "synthetic (8 areas x 10 questions, seed %d)" % args.seed
    else:
        from survey_engine.questionnaire.errors import QuestionnaireError
        from survey_engine.questionnaire.load import load_questionnaire

        try:
            q = load_questionnaire(args.questionnaire)
        except QuestionnaireError as exc:
            print(f"cannot load {args.questionnaire}:\n{exc}", file=sys.stderr)
            return 2
        label = f"{q.id} {q.version} ({args.questionnaire})"
    n_questions = sum(1 for _ in q.questions())
    n_conditions = sum(1 for x in q.questions() if x.show_if is not None)
    responses = [random_answers(q, rng, p_missing=0.1) for _ in range(args.responses)]

    start = time.perf_counter()
    compile_questionnaire(q)
    compile_ms = (time.perf_counter() - start) * 1000

    compiled_times, compiled_cpu = timed(lambda a: score_response(q, a), responses, args.repeat)
    reference_times, reference_cpu = timed(lambda a: reference_score(q, a), responses, args.repeat)

    mismatches = 0
    for answers in responses:
        if score_response(q, answers) != reference_score(q, answers):
            mismatches += 1

    best_c, best_r = min(compiled_times), min(reference_times)
    n = len(responses)
    print(f"questionnaire: {label}: {n_questions} questions, {len(q.areas)} areas, "
          f"{n_conditions} with show_if")
    print(f"python {platform.python_version()} on {platform.machine()}, {_cpu_name()}, "
          f"load average {_load()}")
    print(f"compile (once, then cached by hash): {compile_ms:.2f} ms")
    print(f"compiled engine : {n} responses in {best_c:.3f} s (best of {args.repeat}; "
          f"median {statistics.median(compiled_times):.3f} s; CPU {min(compiled_cpu):.3f} s) "
          f"= {n / best_c:,.0f} responses/s")
    print(f"naive reference : {n} responses in {best_r:.3f} s (best of {args.repeat}; "
          f"median {statistics.median(reference_times):.3f} s; CPU {min(reference_cpu):.3f} s) "
          f"= {n / best_r:,.0f} responses/s")
    print(f"ratio           : compiled is {best_r / best_c:.1f}x the reference")
    print(f"identical results: {n - mismatches}/{n}" + ("" if not mismatches else "  MISMATCH"))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
