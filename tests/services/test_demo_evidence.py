"""The demo's evidence files (issue 17 item 5): generated PDFs and PNG charts attached
to answers of the open 2026 round, readable and intact; a reset replaces them."""
from survey_engine.services import evidence, rounds
from survey_engine.services.access import system_actor
from survey_engine.services.demo import load_demo
from survey_engine.services.demo_evidence import DEMO_FILES
from survey_engine.store.evidence_tables import EvidenceFile

ADMIN = system_actor("tests")


async def test_demo_attaches_generated_files(db, questionnaires_dir):
    await load_demo(questionnaires_dir, log=lambda *_: None)
    items, _ = await rounds.list_rounds()
    r26 = items[-1].id
    summary = await evidence.round_summary(r26)
    expected = sum(len(files) for files in DEMO_FILES.values())
    assert summary["own"] == expected >= 5
    assert {f["kind"] for f in summary["files"]} == {"pdf", "png"}
    assert {u["unit"] for u in summary["units"] if u["own"]} == set(DEMO_FILES)
    # Serviceförvaltningen's files of the questions it answers for others are listed
    # under each served unit too, marked (docs/evidence.md, "In the reports")
    provided = [f for f in summary["files"] if f["provided_by"]]
    assert summary["provided"] == len(provided) == summary["total"] - expected > 0
    assert {f["provided_by"] for f in provided} == {"SF"} and "SF" not in {f["unit"] for f in provided}
    for row in await EvidenceFile.select(EvidenceFile.id, EvidenceFile.kind):
        info, data = await evidence.get_file(row["id"], actor=ADMIN)
        assert data.startswith(b"%PDF-" if row["kind"] == "pdf" else b"\x89PNG")
    await load_demo(questionnaires_dir, reset=True, log=lambda *_: None)
    assert await EvidenceFile.count() == expected
