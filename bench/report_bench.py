"""Report speed on the demo: the city report (14 förvaltningar, two rounds) and one
förvaltning's report, in every format, end to end (read from the database, build,
render), as `survey-engine report` and the web layer make them.

    .venv/bin/python bench/report_bench.py [--repeat 5] [--unit SK] [--formats html,pdf,xlsx,csv,json]

The demo is loaded (untimed) into a fresh SQLite file in a temporary folder, or into
the database of $DATABASE_URL when it is a postgres URL (which must then be empty).
Prints the median and best wall-clock and CPU (process) seconds per report and
format. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ.pop("DATABASE_URL", None)
    os.environ["SURVEY_ENGINE_SQLITE"] = str(Path(tempfile.mkdtemp(prefix="report-bench-")) / "bench.sqlite")
os.environ.setdefault("PICCOLO_CONF", "survey_engine.piccolo_conf")

from survey_engine.services.demo import load_demo  # noqa: E402
from survey_engine.services import reports as service  # noqa: E402
from survey_engine.services.round_results import load_report_data  # noqa: E402
from survey_engine.store.db import engine, migrate  # noqa: E402

TODAY = dt.date(2026, 11, 29)


async def timed(make, repeat: int) -> tuple[list[float], list[float], int]:
    wall, cpu, size = [], [], 0
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        content, _media, _name = await make()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
        size = len(content)
    return wall, cpu, size


def line(label: str, wall: list[float], cpu: list[float], size: int) -> str:
    return (f"{label:<28} {statistics.median(wall):8.3f} {min(wall):8.3f} {statistics.median(cpu):8.3f} "
            f"{min(cpu):8.3f} {size / 1024:9.0f}")


async def main(args) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate()
    t = time.perf_counter()
    ids = (await load_demo(REPO / "questionnaires", log=lambda *_: None))["rounds"]
    load_s = time.perf_counter() - t
    r26 = ids[1]
    data = await load_report_data(r26)
    print(f"database: {engine().engine_type}; demo loaded in {load_s:.1f} s (untimed below)")
    print(f"round {r26}: {data.current.name}, {len(data.current.units)} förvaltningar, previous round "
          f"{data.previous.id if data.previous else '-'}; {len(list(data.current.questionnaire.questions()))} questions")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{args.repeat} runs each; seconds")
    print(f"{'report':<28} {'wall med':>8} {'wall min':>8} {'cpu med':>8} {'cpu min':>8} {'size KiB':>9}")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    t = time.perf_counter()
    async def data_only():
        await load_report_data(r26)
        return b"", "", ""

    wall, cpu, size = await timed(data_only, args.repeat)
    print(line("data only (both rounds)", wall, cpu, 0))
    for fmt in formats:
        wall, cpu, size = await timed(lambda: service.city_report(r26, fmt, today=TODAY), args.repeat)
        print(line(f"city report {fmt}", wall, cpu, size))
    for fmt in formats:
        wall, cpu, size = await timed(lambda: service.unit_report(r26, args.unit, fmt, today=TODAY), args.repeat)
        print(line(f"unit report {args.unit} {fmt}", wall, cpu, size))
    wall, cpu, size = await timed(lambda: service.anonymised(r26), args.repeat)
    print(line("anonymised export", wall, cpu, size))
    print(f"total {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--unit", default="SK")
    parser.add_argument("--formats", default="html,pdf,xlsx,csv,json")
    asyncio.run(main(parser.parse_args()))
