"""`desktop-chat-cli` as a process, against the fake server, on a real data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_chat.store import ChatStore, Message
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(tmp_path: Path, fake_server):
    def run(*args: str, lang: str = "en_US.UTF-8", key: str = FAKE_API_KEY) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YC_", "LC_", "LANG"))}
        env.update(YC_API_KEY=key, YC_FOLDER_ID=FAKE_FOLDER_ID, LANG=lang)
        return subprocess.run([sys.executable, "-m", "desktop_chat", *args, "--data-dir", str(tmp_path / "data"),
                               "--config-dir", str(tmp_path / "config"), "--api-base", fake_server.url],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    return run


def stored(tmp_path: Path) -> list[list[tuple[str, str]]]:
    store = ChatStore(tmp_path / "data", auto_backup=False, search_in_background=False)
    store.open()
    try:
        chats = sorted(store.list_chats(), key=lambda c: c.created_at)
        return [[(m.role, m.text) for m in store.load_chat(c.id).messages] for c in chats]
    finally:
        store.close()


def test_ask_streams_the_reply_to_stdout_and_stores_both_messages(run, tmp_path, fake_server):
    fake_server.script_reply("Привет! Чем помочь?", chunks=4)
    result = run("ask", "Привет")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Привет! Чем помочь?\n"
    assert stored(tmp_path) == [[("user", "Привет"), ("assistant", "Привет! Чем помочь?")]]


def test_ask_last_continues_the_chat_with_its_whole_history(run, tmp_path, fake_server):
    fake_server.script_reply("Первый ответ")
    assert run("ask", "первый", "вопрос").returncode == 0
    fake_server.script_reply("Второй ответ")
    result = run("--data-dir", str(tmp_path / "data"), "ask", "--chat", "last", "второй вопрос")
    assert result.returncode == 0, result.stderr
    sent = [(m["role"], m["text"]) for m in fake_server.completion_requests()[-1].body["messages"]]
    assert sent == [("user", "первый вопрос"), ("assistant", "Первый ответ"), ("user", "второй вопрос")]
    assert len(stored(tmp_path)) == 1 and len(stored(tmp_path)[0]) == 4


def test_ask_last_in_a_chat_with_answer_versions_sends_the_one_on_screen(run, tmp_path, fake_server):
    fake_server.script_reply("Первый ответ")
    assert run("ask", "вопрос").returncode == 0
    store = ChatStore(tmp_path / "data", auto_backup=False, search_in_background=False)
    store.open()
    [chat] = store.list_chats()
    old = store.load_chat(chat.id).messages[-1]
    new = store.append_message(chat.id, Message.new("assistant", "Второй ответ"), replaces=old.id)
    store.switch_version(chat.id, new.id, 0)  # the first answer back on screen
    store.close()
    fake_server.script_reply("Ещё ответ")
    result = run("ask", "--chat", "last", "ещё вопрос")
    assert result.returncode == 0, result.stderr
    sent = [(m["role"], m["text"]) for m in fake_server.completion_requests()[-1].body["messages"]]
    assert sent == [("user", "вопрос"), ("assistant", "Первый ответ"), ("user", "ещё вопрос")]


def test_an_error_is_plain_words_in_the_system_language_and_the_question_stays(run, tmp_path, fake_server):
    fake_server.fail_next(401)
    result = run("ask", "вопрос", lang="ru_RU.UTF-8")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "ключ" in result.stderr and "Traceback" not in result.stderr
    assert FAKE_API_KEY not in result.stderr + result.stdout
    assert stored(tmp_path)[0][0] == ("user", "вопрос")


def test_models_lists_id_and_title(run, fake_server):
    result = run("models")
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert ["yandexgpt-lite", "YandexGPT Lite 5"] in lines
    assert all(len(parts) == 2 for parts in lines)


def test_unknown_model_and_missing_chat_say_so(run, fake_server):
    result = run("ask", "--model", "no-such-model", "вопрос")
    assert result.returncode == 1 and "no-such-model" in result.stderr
    result = run("ask", "--chat", "0123abcd", "вопрос")
    assert result.returncode == 1 and "0123abcd" in result.stderr


def test_attach_sends_documents_as_text_and_pictures_as_image_parts(run, tmp_path, fake_server):
    from tests.attachments import files

    pdf = files.write(tmp_path, "contract.pdf", files.text_pdf(["Clause 1: pay on time"]))
    png = files.write(tmp_path, "screen.png", files.picture("PNG", (64, 48)))
    fake_server.script_reply("Платить вовремя.")
    result = run("ask", "--attach", str(pdf), "Что в договоре?")
    assert result.returncode == 0, result.stderr
    sent = fake_server.completion_requests()[-1].body["messages"][-1]["text"]
    assert sent == '<file name="contract.pdf">\nClause 1: pay on time\n</file>\n\nЧто в договоре?'
    # a picture for the default (text-only) model: a clear error naming a model that can see
    result = run("ask", "--attach", str(png), "Что тут?")
    assert result.returncode == 1 and "--model gemma-3-27b-it" in result.stderr
    result = run("ask", "--model", "gemma-3-27b-it", "--attach", str(png), "--attach", str(pdf), "Что тут?")
    assert result.returncode == 0, result.stderr
    assert "PNG 64×48" in result.stdout  # the fake server saw the picture
    content = fake_server.requests[-1].body["messages"][-1]["content"]
    assert [p["type"] for p in content] == ["text", "image_url"]
    chats = stored(tmp_path)
    assert len(chats) == 2 and chats[-1][0] == ("user", "Что тут?")


def test_attach_a_bad_file_says_what_is_wrong_and_sends_nothing(run, tmp_path, fake_server):
    (tmp_path / "fake.docx").write_bytes(b"not a zip")
    result = run("ask", "--attach", str(tmp_path / "fake.docx"), "--attach", str(tmp_path / "gone.pdf"), "вопрос",
                 lang="ru_RU.UTF-8")
    assert result.returncode == 1 and result.stdout == ""
    assert "«fake.docx»" in result.stderr and "«gone.pdf»" in result.stderr and "Traceback" not in result.stderr
    assert fake_server.requests == [] and stored(tmp_path) == []


def test_ask_web_prints_the_answer_then_its_sources_one_a_line(run, tmp_path, fake_server):
    fake_server.script_web("Ответ из сети.", chunks=3, sources=["ria.ru", "https://tass.ru/news"])
    result = run("ask", "--web", "Что", "нового?")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Ответ из сети.\n\nhttps://ria.ru\nhttps://tass.ru/news\n"
    assert fake_server.web_requests()[-1].body["input"] == [{"role": "user", "content": "Что нового?"}]
    assert stored(tmp_path) == [[("user", "Что нового?"), ("assistant", "Ответ из сети.")]]


def test_ask_web_without_the_role_names_it(run, fake_server):
    fake_server.fail_with("permission_denied", path="/v1/responses")
    result = run("ask", "--web", "вопрос", lang="ru_RU.UTF-8")
    assert result.returncode == 1 and "ai.assistants.editor" in result.stderr and "Traceback" not in result.stderr


def test_draw_writes_the_jpeg_and_prints_the_seed(run, tmp_path, fake_server):
    from tests.fakes.web_art_routes import PICTURE

    out = tmp_path / "кот.jpg"
    result = run("draw", "--aspect", "16:9", "--seed", "31337", "--avoid", "текст", "Кот", "в", "космосе",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "seed: 31337\n"
    assert out.read_bytes() == PICTURE
    body = fake_server.art_requests()[-1].body
    assert body["generationOptions"]["aspectRatio"] == {"widthRatio": "16", "heightRatio": "9"}
    assert body["messages"] == [{"text": "Кот в космосе", "weight": "1"}, {"text": "текст", "weight": "-1"}]
    assert stored(tmp_path) == [[("user", "Кот в космосе"), ("assistant", "")]]


def test_draw_refusals_are_plain_words(run, tmp_path, fake_server):
    result = run("draw", "/refuse", "это", "--out", str(tmp_path / "x.jpg"), lang="ru_RU.UTF-8")
    assert result.returncode == 1 and "YandexART" in result.stderr and not (tmp_path / "x.jpg").exists()
    result = run("draw", "я" * 501, "--out", str(tmp_path / "x.jpg"))
    assert result.returncode == 2 and "500" in result.stderr
