"""In-process cProfile of the autosave through the whole app (middleware, guard, handler,
service) on a fresh SQLite file (issue 15; docs/benchmarks.md, "Where the remaining time
goes (after)"). httpx's ASGITransport runs the app on the profiled thread (Litestar's
test client would run it on another). Prints CPU per request and, per function of
interest, the cumulative time per request and its share of Litestar's `__call__`.

    .venv/bin/python bench/write_path_inprocess.py 400
"""
import logging; logging.disable(logging.INFO)
import asyncio, os, sys, tempfile, cProfile, pstats, time, io
tmp = tempfile.mkdtemp()
os.environ["SURVEY_ENGINE_SQLITE"] = tmp + "/p.sqlite"
os.environ.setdefault("PICCOLO_CONF", "survey_engine.piccolo_conf")
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "tests"))
from survey_engine.store.db import migrate
from survey_engine.services import responses, tokens, users
from survey_engine.services.policy import Principal, Role
from survey_samples import many_questions, setup_round
from litestar.testing import AsyncTestClient
from survey_engine.web.app import create_app

async def main():
    await migrate()
    rnd = await setup_round(many_questions(6), units=("a",))
    await users.create_user("cli:p", "resp", "respondent", password=None, units=["a"])
    plain, _ = await tokens.create_token("cli:p", "resp", "bench")
    state, _ = await responses.start_response(rnd["id"], "a", actor=Principal("resp", Role.RESPONDENT, frozenset({"a"}), via="cli"))
    N = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    import httpx
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(secure_cookies=False, db_pool=False)), base_url="http://t") as c:
        h = {"Authorization": "Bearer " + plain}
        rev = 0
        for i in range(30):
            r = await c.post(f"/api/v1/responses/{state.id}/answers", json={"revision": rev, "answers": {"q000": i}}, headers=h)
            rev = r.json()["revision"]
        pr = cProfile.Profile()
        t0 = time.process_time()
        pr.enable()
        for i in range(N):
            r = await c.post(f"/api/v1/responses/{state.id}/answers", json={"revision": rev, "answers": {f"q00{i%6}": i + 100}}, headers=h)
            assert r.status_code == 200, r.text
            rev = r.json()["revision"]
        pr.disable()
        print("cpu per request (incl. the client, profiled) %.2f ms" % ((time.process_time() - t0) / N * 1000))
        st = pstats.Stats(pr)
        tot = None
        for (f, l, name), (cc, nc, tt, ct, callers) in st.stats.items():
            if name == "__call__" and "litestar/app.py" in f:
                tot = max(tot or 0, ct)
        if tot is None:
            tot = max(ct for (f, l, name), (cc, nc, tt, ct, callers) in st.stats.items() if "litestar" in f)
        print("Litestar.__call__ cumulative per request: %.3f ms" % (tot / N * 1000))
        rows = []
        for (f, l, name), (cc, nc, tt, ct, callers) in st.stats.items():
            rows.append((ct, name, f.split("site-packages/")[-1].split("wt/perf/")[-1], l))
        rows.sort(reverse=True)
        want = ["_save", "batch", "write_transaction", "handle", "for_token", "_state", "_merge", "_change_statements",
                "insert_statement", "validate_batch", "model_validate", "check_answers", "_parse_values_from_connection_and_handler",
                "to_asgi_response", "encode_json", "decode_json", "__aenter__", "__aexit__", "dumps", "event_row"]
        for ct, name, f, l in rows:
            if (name in want or ("litestar" in f and ct / N * 1000 > 0.15) or ("survey_engine" in f and ct / N * 1000 > 0.03)) and ct / N * 1000 > 0.01:
                print("%7.3f ms  %5.1f%%  %s  %s:%d" % (ct / N * 1000, 100 * ct / tot, name, f, l))
asyncio.run(main())
