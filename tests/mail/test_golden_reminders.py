"""Golden outputs of the reminders and of the e-mail counts the sign-off's return
passes on: the JSON of the API, the command line's text and JSON, the page's
reminders section and the notices after a reminder or a return, byte for byte.

They pin what the outside world sees while services/reminders.py changes inside
(issue 12, item 4: typed results instead of dicts). "Today" is fixed (the reminders'
own `today`, so the deadline and its reminders are the same every run); what still
changes from run to run is normalised by name: times (`<tid>`, and `<kl>` for the
time of day on pages), the ids the database hands out (`<omgång>`, `<svar>`) and the
CSRF token. The golden files are in tests/mail/golden/; GOLDEN_UPDATE=1 writes them
again (read the diff before committing it).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from tests.smtp_support import smtp  # noqa: F401,F811  (the loopback SMTP server fixture)
from survey_engine.cli import main
from survey_engine.services import contacts, reminders, responses
from survey_engine.services import users as user_service
from survey_engine.services.access import system_actor
from survey_engine.services.policy import Principal, Role
from survey_engine.store.tables import Round
from tests.survey_samples import FULL_2024, V2024, setup_round

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2026, 3, 10)
ADMIN = system_actor("tests")
RESP_A = Principal("resp-a", Role.RESPONDENT, frozenset({"a"}), via="cli")

TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
CLOCK = re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d\b|\bkl\. \d\d:\d\d\b|\(\d\d:\d\d\)")
CSRF = re.compile(r'(name="_csrf_token" value=")[^"]*(")')


def normalise(text: str, ids: dict) -> str:
    text = CLOCK.sub("<kl>", TIME.sub("<tid>", text))
    text = re.sub(rf"/omgang/{ids['round']}\b", "/omgang/<omgång>", text)
    text = re.sub(rf'("round_id":\s*){ids["round"]}\b', r"\1<omgång>", text)
    text = re.sub(rf"(?m)^(opened|deadline|manual)(\s+){ids['round']}(\s)", r"\1\2<omgång>\3", text)  # CLI table
    if "response" in ids:
        text = re.sub(rf"/godkannande/{ids['response']}\b", "/godkannande/<svar>", text)
        text = re.sub(rf'("response_id":\s*){ids["response"]}\b', r"\1<svar>", text)
        text = re.sub(rf"^svar/response {ids['response']} ", "svar/response <svar> ", text, flags=re.M)
    return CSRF.sub(r"\1<csrf>\2", text)


def check(name: str, text: str, ids: dict) -> None:
    got = normalise(text, ids)
    path = GOLDEN / name
    if os.environ.get("GOLDEN_UPDATE") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"{path} is missing: write it with GOLDEN_UPDATE=1 and read it"
    assert got == path.read_text(encoding="utf-8"), f"{name} differs from its golden file (GOLDEN_UPDATE=1)"


async def setup_world(monkeypatch) -> dict:
    """An open round of units a and b closing tomorrow (of the fixed today), contact
    addresses for both in both languages, an analyst with an address for the digest,
    and a submitted response of a with its approver."""
    monkeypatch.setattr(reminders, "today", lambda: TODAY)
    rnd = await setup_round(V2024, ("a", "b"), name="Omgång 2026")
    await Round.update({Round.closes_on: TODAY + dt.timedelta(days=1)}).where(Round.id == rnd.id)
    await contacts.replace_contacts([contacts.contact_input("a", "kansli@a.example.invalid", "Kansliet"),
                                     contacts.contact_input("a", "head@a.example.invalid", "", "en"),
                                     contacts.contact_input("b", "reg@b.example.invalid", "Registrator")],
                                    actor=ADMIN)
    await user_service.create_user(ADMIN, "golden-analyst", "analyst", email="analys@kommun.example.invalid")
    await user_service.create_user(ADMIN, "golden-chef", "approver", units=["a"])
    return {"round": rnd.id}


async def submitted_response(round_id: int) -> int:
    state, _ = await responses.start_response(round_id, "a", actor=ADMIN)
    rid = (await responses.save_answers(state.id, state.revision, FULL_2024, actor=ADMIN)).id
    await responses.submit_response(rid, actor=RESP_A)
    return rid


@pytest.fixture
def clients(client_as):
    """API/page clients of users the setup made (their fixed names are in the outputs)."""
    return lambda name: client_as(None, username=name)


# ---------------------------------------------------------------- the API

async def test_api_golden(clients, smtp, monkeypatch):
    ids = await setup_world(monkeypatch)
    analyst = await clients("golden-analyst")
    chef = await clients("golden-chef")

    async def pin(name: str, response) -> None:
        assert response.status_code == 200, (name, response.status_code, response.text[:500])
        check(f"api/{name}", response.text + "\n", ids)

    await pin("send-dry-run.json", await analyst.post("/api/v1/reminders/send", json={"dry_run": True}))
    smtp.mailbox.refuse = "554 5.7.1 nej tack"
    await pin("send-round-refused.json", await analyst.post("/api/v1/reminders/send", json={"round": ids["round"]}))
    smtp.mailbox.refuse = None
    await pin("send-dry-run-after.json", await analyst.post("/api/v1/reminders/send", json={"dry_run": True}))
    await pin("send-all.json", await analyst.post("/api/v1/reminders/send", json={}))
    await pin("send-again.json", await analyst.post("/api/v1/reminders/send", json={}))
    await pin("remind-unit-b.json", await analyst.post(f"/api/v1/rounds/{ids['round']}/units/b/reminder"))
    ids["response"] = await submitted_response(ids["round"])
    await pin("return.json", await chef.post(f"/api/v1/responses/{ids['response']}/return",
                                             json={"comment": "Komplettera målen."}))


# ---------------------------------------------------------------- the command line

def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.output + f"[exit {result.exit_code}]\n"


@pytest.fixture
async def world(db, monkeypatch):
    ids = await setup_world(monkeypatch)
    ids["response"] = await submitted_response(ids["round"])
    return ids


def test_cli_golden(world, smtp, monkeypatch):
    ids = world
    monkeypatch.setenv("SURVEY_ENGINE_USER", "golden")
    check("cli/send-dry-run.txt", run("reminders", "send", "--dry-run"), ids)
    check("cli/send-dry-run.json", run("reminders", "send", "--dry-run", "--format", "json"), ids)
    smtp.mailbox.refuse = "554 5.7.1 nej tack"
    check("cli/send-refused.txt", run("reminders", "send", "--round", ids["round"]), ids)
    smtp.mailbox.refuse = None
    check("cli/send.json", run("reminders", "send", "--format", "json"), ids)
    check("cli/send-again.txt", run("reminders", "send"), ids)
    check("cli/return.txt", run("responses", "return", ids["response"], "--as", "golden-chef", "--comment",
                                "Komplettera målen."), ids)


# ---------------------------------------------------------------- the pages

async def test_pages_golden(clients, smtp, monkeypatch):
    ids = await setup_world(monkeypatch)
    analyst = await clients("golden-analyst")
    chef = await clients("golden-chef")
    overview = f"/analys/omgang/{ids['round']}"

    def section(html: str) -> str:
        start = html.index('id="paminnelser"')
        start = html.rindex("<", 0, start)
        return html[start:html.index("</section>", start) + len("</section>")] + "\n"

    def csrf(html: str) -> str:
        return CSRF.search(html).group(0).split('value="')[1].rstrip('"')

    page = await analyst.get(overview)
    assert page.status_code == 200
    check("pages/overview-before.html", section(page.text), ids)
    notices = []
    r = await analyst.post(f"{overview}/paminnelse/a", data={"_csrf_token": csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    notices.append(unquote(r.headers["location"]))
    smtp.mailbox.refuse = "554 5.7.1 nej tack"
    r = await analyst.post(f"{overview}/paminnelse/b", data={"_csrf_token": csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    notices.append(unquote(r.headers["location"]))
    smtp.mailbox.refuse = None
    page = await analyst.get(overview)
    check("pages/overview-after.html", section(page.text), ids)
    # the sign-off's return: the notice says what became of the e-mail
    ids["response"] = await submitted_response(ids["round"])
    review = await chef.get(f"/godkannande/{ids['response']}")
    assert review.status_code == 200
    r = await chef.post(f"/godkannande/{ids['response']}/skicka-tillbaka", data={
        "_csrf_token": csrf(review.text), "comment": "Komplettera målen.", "confirm": "yes"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    notices.append(unquote(r.headers["location"]))
    check("pages/notices.txt", "\n".join(notices) + "\n", ids)


# ---------------------------------------------------------------- the outbox (services/mailer.py)

MESSAGE_ID_PLACES = [
    re.compile(r'("id":\s*)(?P<id>\d+)'),  # JSON: the only "id"s of these outputs are messages'
    re.compile(r"(/utskick/)(?P<id>\d+)(?=/)"),
    re.compile(r'(<th scope="row">)(?P<id>\d+)(?=</th>)'),
    re.compile(r'(<span class="visually-hidden"> )(?P<id>\d+)(?=</span>)'),
    re.compile(r"((?:meddelande|message) )(?P<id>\d+)(?= )"),
    re.compile(r"(?m)(^)(?P<id>\d+)(?=\s{2,}|: )"),  # the command line: a table's first column, "N: status"
]


def label_messages(text: str, order: list[int]) -> str:
    labels = {str(i): f"<m{n}>" for n, i in enumerate(order, start=1)}

    def named(m: re.Match) -> str:
        return m.group(1) + labels.get(m.group("id"), f"<okänt id {m.group('id')}>")

    for pattern in MESSAGE_ID_PLACES:
        text = pattern.sub(named, text)
    return text


async def fill_outbox(smtp, ids: dict) -> None:
    """Two refused runs (the six reminders of the round and the digest are given up),
    then a manual reminder to b refused once (queued with its error)."""
    smtp.mailbox.refuse = "554 5.7.1 nej tack"
    await reminders.send_due(actor=ADMIN)
    await reminders.send_due(actor=ADMIN)
    await reminders.remind_unit(ids["round"], "b", actor=ADMIN)
    smtp.mailbox.refuse = None


async def message_order() -> list[int]:
    from survey_engine.store.mail_tables import OutboxMessage

    return [r["id"] for r in await OutboxMessage.select(OutboxMessage.id).order_by(OutboxMessage.id)]


async def test_outbox_api_and_page_golden(clients, smtp, monkeypatch):
    from survey_engine.services import mailer

    ids = await setup_world(monkeypatch)
    monkeypatch.setattr(mailer, "MAX_ATTEMPTS", 2)
    await fill_outbox(smtp, ids)
    order = await message_order()
    analyst = await clients("golden-analyst")

    def pin(name: str, text: str) -> None:
        check(name, label_messages(text, order), ids)

    async def pin_json(name: str, url: str, method: str = "get") -> None:
        r = await getattr(analyst, method)(url)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        pin(f"outbox/{name}", r.text + "\n")

    await pin_json("api-list.json", "/api/v1/reminders/outbox")
    await pin_json("api-problems.json", f"/api/v1/reminders/outbox?problems=true&round={ids['round']}&limit=3")
    await pin_json("api-failed.json", "/api/v1/reminders/outbox?status=failed&offset=5")
    await pin_json("api-message.json", f"/api/v1/reminders/outbox/{order[-1]}")
    await pin_json("api-retry.json", f"/api/v1/reminders/outbox/{order[0]}/retry", "post")
    page = await analyst.get("/utskick")
    assert page.status_code == 200
    pin("outbox/page.html", main_part(page.text))
    token = CSRF.search(page.text).group(0).split('value="')[1].rstrip('"')
    notices = []
    r = await analyst.post(f"/utskick/{order[1]}/forsok-igen", data={"_csrf_token": token}, follow_redirects=False)
    notices.append(unquote(r.headers["location"]))
    smtp.mailbox.refuse = "554 5.7.1 nej tack"
    r = await analyst.post(f"/utskick/{order[2]}/forsok-igen", data={"_csrf_token": token}, follow_redirects=False)
    notices.append(unquote(r.headers["location"]))
    pin("outbox/notices.txt", "\n".join(notices) + "\n")


def main_part(html: str) -> str:
    start, end = html.index('<main id="main"'), html.index("</main>")
    return html[start:end + len("</main>")] + "\n"


@pytest.fixture
async def outbox(db, smtp, monkeypatch):
    from survey_engine.services import mailer

    ids = await setup_world(monkeypatch)
    monkeypatch.setattr(mailer, "MAX_ATTEMPTS", 2)
    await fill_outbox(smtp, ids)
    return ids, await message_order()


def test_outbox_cli_golden(outbox, smtp, monkeypatch):
    ids, order = outbox
    monkeypatch.setenv("SURVEY_ENGINE_USER", "golden")

    def pin(name: str, text: str) -> None:
        text = label_messages(text, order)
        # the table's round column
        text = re.sub(rf"(?m)^(<m\d+>\s+\w+\s+\w+\s+){ids['round']}(?=\s)", r"\1<omgång>", text)
        check(name, text, ids)

    pin("outbox/cli-list.txt", run("reminders", "list"))
    pin("outbox/cli-problems.txt", run("reminders", "list", "--problems", "--limit", "2"))
    pin("outbox/cli-failed.json", run("reminders", "list", "--status", "failed", "--format", "json"))
    pin("outbox/cli-retry.txt", run("reminders", "retry", order[0]))
    smtp.mailbox.refuse = "554 5.7.1 nej tack"
    pin("outbox/cli-retry-refused.txt", run("reminders", "retry", order[1]))
    smtp.mailbox.refuse = None
    pin("outbox/cli-retry-sent.txt", run("reminders", "retry", order[0]))
