"""Files in a chat, end to end against the fake server over HTTP: what is sent, what is stored, what is
refused. Sessions without any widget, a real store in a temp folder."""

from __future__ import annotations

import base64
import threading
import time
from pathlib import Path

import pytest

from desktop_chat import attachments
from desktop_chat.api.types import ChatMessage, ImagePart
from desktop_chat.api.yandex_native import PicturesNotSupportedError, YandexGptClient
from desktop_chat.chat.conversation import Defaults
from desktop_chat.chat.events import QuestionSaved, ReplyFinished
from desktop_chat.chat.sessions import ChatSessions, Refused, ThreadRunner
from desktop_chat.providers.base import Account
from desktop_chat.providers.registry import Providers
from desktop_chat.store import ChatSettings, ChatStore
from tests.attachments import files
from tests.fixtures.fake_server import FAKE_API_KEY, FAKE_FOLDER_ID

WAIT = 10.0
GEMMA = ChatSettings(model="gemma-3-27b-it")
LITE = ChatSettings(model="yandexgpt-lite")


class Events:
    def __init__(self) -> None:
        self.items: list[object] = []
        self.cond = threading.Condition()

    def __call__(self, event: object) -> None:
        with self.cond:
            self.items.append(event)
            self.cond.notify_all()

    def finished(self, ticket: int) -> ReplyFinished:
        deadline = time.monotonic() + WAIT
        with self.cond:
            while True:
                for event in self.items:
                    if isinstance(event, ReplyFinished) and event.ticket == ticket:
                        return event
                assert time.monotonic() < deadline, "no reply"
                self.cond.wait(0.1)

    def chat_of(self, ticket: int) -> str:
        self.finished(ticket)
        return next(e.chat_id for e in self.items if isinstance(e, QuestionSaved) and e.ticket == ticket)


@pytest.fixture
def store(tmp_path: Path):
    store = ChatStore(tmp_path / "data", auto_backup=False, search_in_background=False)
    store.open()
    yield store
    store.close()


@pytest.fixture
def sessions(store, fake_server):
    account = Account(FAKE_FOLDER_ID, "api_key", FAKE_API_KEY, fake_server.url)
    made = ChatSessions(store, Providers(lambda: account, {"timeout": 5.0, "backoff": 0.01}),
                        lambda: Defaults(model="yandexgpt-lite"), ThreadRunner())
    made.events = Events()  # type: ignore[attr-defined]
    made.subscribe(made.events)  # type: ignore[attr-defined]
    yield made
    made.abandon_all()


def openai_requests(fake_server) -> list:  # type: ignore[no-untyped-def]
    return [r for r in fake_server.requests if r.path == "/v1/chat/completions"]


def native_requests(fake_server) -> list:  # type: ignore[no-untyped-def]
    return fake_server.completion_requests()


def _decoded(url: str) -> tuple[str, bytes]:
    head, _, data = url.partition(";base64,")
    return head[len("data:"):], base64.b64decode(data)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_a_picture_goes_to_the_vision_model_as_an_image_part_and_is_stored(sessions, store, fake_server,
                                                                          tmp_path, fmt):
    picture = attachments.prepare(files.write(tmp_path, f"shot.{fmt.lower()}", files.picture(fmt, (120, 80))))
    ticket = sessions.send(None, "Что на картинке?", GEMMA, attachments=[picture])
    done = sessions.events.finished(ticket)
    assert done.error is None and "120×80" in done.reply.text  # the fake saw the picture
    body = openai_requests(fake_server)[-1].body
    content = body["messages"][-1]["content"]
    assert content[0] == {"type": "text", "text": "Что на картинке?"}
    mime, data = _decoded(content[1]["image_url"]["url"])
    assert (mime, data) == (picture.mime, picture.data)
    assert done.reply.usage["input"] >= 256  # the fake counts 256 tokens per picture
    chat = store.load_chat(sessions.events.chat_of(ticket))
    question = chat.messages[0]
    assert question.text == "Что на картинке?"
    [ref] = question.attachments
    assert (ref.kind, ref.name, ref.mime, ref.width, ref.height) == ("image", f"shot.{fmt.lower()}", picture.mime,
                                                                     120, 80)
    assert store.read_attachment(ref) == picture.data
    assert store.attachment_path(ref).suffix in (".png", ".jpg")
    assert chat.settings.model == "gemma-3-27b-it" and chat.messages[1].model == "gemma-3-27b-it"


DOCUMENTS = [
    ("contract.pdf", files.text_pdf(["Contract number 42", "Price is 100 rubles"]),
     "Contract number 42\n\nPrice is 100 rubles"),
    ("letter.docx", files.docx(["Уважаемый клиент"]), "Уважаемый клиент"),
    ("note.odt", files.odt(["Текст ODT"]), "Заголовок\nТекст ODT"),
    ("notes.txt", "Заметка в cp1251".encode("cp1251"), "Заметка в cp1251"),
    ("readme.md", b"# Title", "# Title"),
    ("table.csv", b"a,b\n1,2\n", "a,b\n1,2\n"),
    ("data.json", b'{"k": 1}', '{"k": 1}'),
    ("main.py", b"print('hi')\n", "print('hi')\n"),
]


@pytest.mark.parametrize(("name", "data", "text"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_a_document_goes_as_text_with_its_name_to_any_model(sessions, store, fake_server, tmp_path,
                                                            name, data, text):
    document = attachments.prepare(files.write(tmp_path, name, data))
    ticket = sessions.send(None, "Кратко?", LITE, attachments=[document])
    assert sessions.events.finished(ticket).error is None
    sent = native_requests(fake_server)[-1].body["messages"][-1]["text"]
    assert sent == f'<file name="{name}">\n{text}\n</file>\n\nКратко?'
    [ref] = store.load_chat(sessions.events.chat_of(ticket)).messages[0].attachments
    assert (ref.kind, ref.name, ref.text, ref.total_chars) == ("document", name, text, len(text))
    assert store.read_attachment(ref) == data  # the file itself, as attached


def test_history_resends_the_stored_text_without_reading_the_file_again(sessions, store, fake_server, tmp_path,
                                                                        monkeypatch):
    document = attachments.prepare(files.write(tmp_path, "c.pdf", files.text_pdf(["Clause one"])))
    first = sessions.send(None, "Что в договоре?", LITE, attachments=[document])
    chat_id = sessions.events.chat_of(first)
    for reader in ("read_pdf", "read_text", "read_docx"):
        monkeypatch.setitem(attachments.text.READERS, reader.removeprefix("read_"),
                            lambda *a: pytest.fail("parsed again"))
    store.attachments.path(document.sha256, document.mime).unlink()  # not even the file is needed
    second = sessions.send(chat_id, "А второй пункт?", LITE)
    assert sessions.events.finished(second).error is None
    sent = [(m["role"], m["text"]) for m in native_requests(fake_server)[-1].body["messages"]]
    assert sent[0] == ("user", '<file name="c.pdf">\nClause one\n</file>\n\nЧто в договоре?')
    assert sent[-1] == ("user", "А второй пункт?")


def test_a_picture_for_a_model_that_cannot_see_is_refused_and_nothing_is_stored(sessions, store, fake_server,
                                                                                tmp_path):
    picture = attachments.prepare_bytes(files.picture(), "screen.png")
    with pytest.raises(Refused) as refused:
        sessions.send(None, "Что тут?", LITE, attachments=[picture])
    assert (refused.value.reason, refused.value.detail) == ("cannot_see", "gemma-3-27b-it")
    assert store.list_chats() == [] and not store.attachments.all_files() and fake_server.requests == []
    assert sessions.vision_model() == "gemma-3-27b-it" and not sessions.can_see(LITE)


def test_one_message_to_the_vision_model_while_the_chat_keeps_its_model(sessions, store, fake_server):
    chat = store.create_chat("чат", LITE)
    picture = attachments.prepare_bytes(files.picture("PNG", (64, 64)), "screen.png")
    ticket = sessions.send(chat.id, "Что тут?", LITE, attachments=[picture], model="gemma-3-27b-it")
    done = sessions.events.finished(ticket)
    assert done.error is None and done.reply.model == "gemma-3-27b-it"
    assert store.get_chat_settings(chat.id).model == "yandexgpt-lite"
    assert openai_requests(fake_server)[-1].body["model"].endswith("/gemma-3-27b-it/latest")
    # asking again about the picture with the chat's model is refused too: an offer, not a silent drop
    with pytest.raises(Refused) as refused:
        sessions.regenerate(chat.id, LITE)
    assert refused.value.reason == "cannot_see"
    again = sessions.regenerate(chat.id, LITE, model="gemma-3-27b-it")
    assert sessions.events.finished(again).reply.model == "gemma-3-27b-it"
    # the next message goes to the chat's own model; the picture in history is named, not dropped silently
    ticket = sessions.send(chat.id, "А теперь текстом", LITE)
    assert sessions.events.finished(ticket).error is None
    sent = native_requests(fake_server)[-1].body["messages"]
    assert sent[0]["text"] == "[picture “screen.png” not shown: this model cannot see pictures]\nЧто тут?"


def test_several_files_and_dedup_of_the_same_file_in_two_chats(sessions, store, fake_server, tmp_path):
    path = files.write(tmp_path, "same.png", files.picture("PNG", (30, 30)))
    doc = attachments.prepare_bytes(b"shared text", "a.txt")
    one = sessions.send(None, "раз", GEMMA, attachments=[attachments.prepare(path), doc])
    two = sessions.send(None, "два", GEMMA, attachments=[attachments.prepare(path)])
    chats = {sessions.events.chat_of(one), sessions.events.chat_of(two)}
    assert len(chats) == 2
    assert len(store.attachments.all_files()) == 2  # the picture once, the text once
    contents = [r.body["messages"][-1]["content"] for r in openai_requests(fake_server)]
    [content] = [c for c in contents if "раз" in c[0]["text"]]
    assert [p["type"] for p in content] == ["text", "image_url"]
    assert content[0]["text"].startswith('<file name="a.txt">\nshared text\n</file>')


def test_documents_over_the_window_are_refused_then_sent_cut_to_fit(sessions, store, fake_server):
    big = attachments.prepare_bytes(("длинный текст " * 40000).encode(), "book.txt")
    with pytest.raises(Refused) as refused:
        sessions.send(None, "О чём книга?", LITE, attachments=[big])
    assert refused.value.reason == "too_long" and 0 < int(refused.value.detail) < 32768
    assert store.list_chats() == []
    [cut] = sessions.fit_attachments("О чём книга?", LITE, [big])
    assert cut.cut and 0 < len(cut.text) / cut.total_chars < 0.5
    ticket = sessions.send(None, "О чём книга?", LITE, attachments=[cut])
    assert sessions.events.finished(ticket).error is None  # the fake server's own limit was not hit
    [ref] = store.load_chat(sessions.events.chat_of(ticket)).messages[0].attachments
    assert ref.cut and ref.total_chars == big.total_chars
    assert native_requests(fake_server)[-1].body["messages"][-1]["text"].startswith(
        '<file name="book.txt" part="first">')


def test_a_message_of_only_a_file_is_named_after_it(sessions, store):
    ticket = sessions.send(None, "", LITE, attachments=[attachments.prepare_bytes(b"x", "report.txt")])
    assert store.get_chat_summary(sessions.events.chat_of(ticket)).title == "report.txt"
    with pytest.raises(Refused):
        sessions.send(None, "  ", LITE)


def test_search_finds_words_inside_documents(sessions, store):
    document = attachments.prepare_bytes("Арендатор обязуется платить".encode(), "аренда.txt")
    ticket = sessions.send(None, "Посмотри", LITE, attachments=[document])
    chat_id = sessions.events.chat_of(ticket)
    question = store.load_chat(chat_id).messages[0]
    hits = store.search("арендатор")
    assert any(h.message_id == question.id and "Арендатор" in h.snippet for h in hits)
    assert {h.chat_id for h in hits} == {chat_id}


def test_the_native_api_refuses_pictures_before_sending(fake_server):
    from desktop_chat.api.types import Credentials

    client = YandexGptClient(Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID), fake_server.url)
    message = ChatMessage("user", "что тут?", (ImagePart("image/png", files.picture(), "screen.png"),))
    with pytest.raises(PicturesNotSupportedError) as caught:
        list(client.stream(f"gpt://{FAKE_FOLDER_ID}/yandexgpt-lite/latest", [message]))
    assert caught.value.kind == "cannot_see" and "screen.png" in caught.value.user_message("ru")
    assert "Gemma" in caught.value.user_message("en") and fake_server.requests == []
    client.close()


def test_the_fake_server_checks_that_an_image_part_is_a_picture(fake_server):
    from desktop_chat.api.errors import BadRequestError
    from desktop_chat.api.openai_compat import OpenAICompatClient
    from desktop_chat.api.types import Credentials

    client = OpenAICompatClient(Credentials("api_key", FAKE_API_KEY, FAKE_FOLDER_ID), fake_server.url,
                                max_retries=0)
    uri = f"gpt://{FAKE_FOLDER_ID}/gemma-3-27b-it/latest"
    bad = ChatMessage("user", "что тут?", (ImagePart("image/png", b"not a picture"),))
    with pytest.raises(BadRequestError):
        client.complete(uri, [bad])
    good = ChatMessage("user", "что тут?", (ImagePart("image/png", files.picture("PNG", (100, 100))),))
    completion = client.complete(uri, [good])
    assert completion.usage is not None and completion.usage.input_tokens >= 256
    client.close()


def test_edit_and_resend_keeps_the_stored_files(sessions, store, fake_server):
    document = attachments.prepare_bytes(b"Clause one", "c.txt")
    first = sessions.send(None, "Что тут?", LITE, attachments=[document])
    chat_id = sessions.events.chat_of(first)
    question = store.load_chat(chat_id).messages[0]
    edited = sessions.send(chat_id, "А точнее?", LITE, editing=question.id, attachments=question.attachments)
    assert sessions.events.finished(edited).error is None
    messages = store.load_chat(chat_id).messages
    assert messages[0].text == "А точнее?" and messages[0].attachments == question.attachments
    assert native_requests(fake_server)[-1].body["messages"][-1]["text"] == \
        '<file name="c.txt">\nClause one\n</file>\n\nА точнее?'
    [cut] = sessions.fit_attachments("?", LITE, [question.attachments[0]])
    assert cut == question.attachments[0]  # it fits: unchanged


def test_a_scanned_pdf_goes_to_the_vision_model_as_its_pages(sessions, store, fake_server, tmp_path):
    path = files.write(tmp_path, "scan.pdf", files.scanned_pdf(2))
    with pytest.raises(attachments.AttachmentError) as caught:
        attachments.prepare(path)
    assert caught.value.kind == "no_text" and caught.value.offer_pages
    pages = attachments.pdf_page_images(path)
    ticket = sessions.send(None, "Что в скане?", LITE, attachments=pages, model=sessions.vision_model())
    done = sessions.events.finished(ticket)
    assert done.error is None and "JPEG 200×280, JPEG 200×280" in done.reply.text
    assert [r.name for r in store.load_chat(sessions.events.chat_of(ticket)).messages[0].attachments] == [
        "scan — 1.jpg", "scan — 2.jpg"]
