"""Files in the window: chips, paste, drop, the "cannot see pictures" offer, bad files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage

WAIT = 10000


def picture(path: Path) -> Path:
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    assert image.save(str(path), "PNG")
    return path


def ready(window) -> bool:
    bar = window.attach_flow.bar
    return bool(bar.chips) and not bar.preparing()


def test_a_document_goes_with_the_question_and_is_stored(qtbot, make_window, fake_server, tmp_path) -> None:
    window = make_window(fake_server)
    doc = tmp_path / "заметки.txt"
    doc.write_text("Пароль от Wi-Fi: шесть единиц.", "utf-8")
    window.attach_flow.bar.add_paths([doc])
    qtbot.waitUntil(lambda: ready(window), timeout=WAIT)
    chip = window.attach_flow.bar.chips[0]
    assert "заметки.txt" in chip.label.text() and "tokens" in chip.label.text()
    fake_server.script_reply("Шесть единиц.")
    window.composer.sendRequested.emit("Какой пароль?")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and not window.busy, timeout=WAIT)
    sent = fake_server.completion_requests()[-1].body["messages"][-1]["text"]
    assert '<file name="заметки.txt">' in sent and "шесть единиц" in sent and sent.rstrip().endswith("Какой пароль?")
    stored = window.store.load_chat(window.chat_id).messages[0]
    assert [a.name for a in stored.attachments] == ["заметки.txt"]
    assert window.attach_flow.bar.chips == [] and window.composer.text() == ""


def test_a_pasted_screenshot_becomes_a_chip(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    mime = QMimeData()
    image = QImage(50, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    mime.setImageData(image)
    window.composer.edit.insertFromMimeData(mime)
    qtbot.waitUntil(lambda: ready(window), timeout=WAIT)
    assert window.attach_flow.bar.files()[0].kind == "image"
    assert window.composer.text() == ""  # pasted as a file, not as text


def test_a_dropped_file_is_attached_not_typed(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    path = picture(tmp_path / "photo.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.composer.edit.insertFromMimeData(mime)  # a drop on the message box
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)  # and a drop anywhere else on the window
    qtbot.waitUntil(lambda: ready(window) and len(window.attach_flow.bar.chips) == 2, timeout=WAIT)
    assert "file://" not in window.composer.text()


def test_a_picture_for_a_model_that_cannot_see_is_offered_to_gemma(qtbot, make_window, fake_server,
                                                                 tmp_path) -> None:
    window = make_window(fake_server)
    window.attach_flow.bar.add_paths([picture(tmp_path / "chart.png")])
    qtbot.waitUntil(lambda: ready(window), timeout=WAIT)
    asked: list[str] = []
    window.attach_flow.ask = lambda title, text, yes: asked.append(text) or True
    window.composer.sendRequested.emit("Что на картинке?")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and not window.busy, timeout=WAIT)
    assert asked and "Gemma 3 27B" in asked[0]
    request = [r for r in fake_server.requests if r.path.endswith("/v1/chat/completions")][-1]
    assert "gemma-3-27b-it" in request.body["model"]
    parts = request.body["messages"][-1]["content"]
    assert any(p.get("type") == "image_url" for p in parts)
    assert window.store.get_chat_settings(window.chat_id).model == ""  # the chat keeps its own model


def test_declining_the_offer_keeps_text_and_picture(qtbot, make_window, fake_server, tmp_path) -> None:
    window = make_window(fake_server)
    window.attach_flow.bar.add_paths([picture(tmp_path / "chart.png")])
    qtbot.waitUntil(lambda: ready(window), timeout=WAIT)
    window.attach_flow.ask = lambda title, text, yes: False
    window.composer.edit.setPlainText("Что на картинке?")
    window.composer.sendRequested.emit("Что на картинке?")
    assert window.composer.text() == "Что на картинке?" and len(window.attach_flow.bar.chips) == 1
    assert fake_server.completion_requests() == [] and window.store.list_chats() == []


def test_a_file_that_cannot_be_attached_says_why_and_keeps_the_draft(qtbot, make_window, tmp_path) -> None:
    window = make_window()
    window.composer.edit.setPlainText("черновик")
    odd = tmp_path / "архив.xyz"
    odd.write_bytes(b"\x00\x01 not a document")
    window.attach_flow.bar.add_paths([odd, tmp_path / "пропал.pdf"])
    qtbot.waitUntil(lambda: any(r.kind == "notice" for r in window.chat_model.tail()), timeout=WAIT)
    notices = " ".join(r.text for r in window.chat_model.tail() if r.kind == "notice")
    assert "архив.xyz" in notices or "пропал.pdf" in notices
    assert window.composer.text() == "черновик"
