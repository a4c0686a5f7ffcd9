"""Web answers and drawn pictures in the window: the switch by the message box, sources as numbered
links, "/draw" and its dialog, the picture's seed and what can be done with it."""

from __future__ import annotations

from desktop_chat.ui.draw_dialog import DrawDialog

WAIT = 10000


def footer(window, message_id: str):
    row = window.chat_model.row_at(window.chat_model.row_of_message(message_id))
    return row.footer_note, [label for _href, label in row.actions], [href for href, _label in row.actions]


def test_the_web_switch_sends_one_message_to_the_web_and_shows_its_sources(qtbot, make_window, fake_server):
    window = make_window(fake_server)
    fake_server.script_web("Курс вырос.", sources=["ria.ru", "https://cbr.ru/hd_base/"], searches=1)
    window.composer.web_button.setChecked(True)
    window.composer.sendRequested.emit("Какой курс доллара?")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and not window.busy, timeout=WAIT)
    assert len(fake_server.web_requests()) == 1
    reply = window.chat_model.messages[-1]
    note, labels, hrefs = footer(window, reply.id)
    assert "web search" in note
    assert "[1] ria.ru" in labels and "[2] cbr.ru" in labels
    assert "https://ria.ru" in hrefs
    assert not window.composer.web_button.isChecked()  # the next message follows the chat's default again
    assert window.store.load_chat(window.chat_id).messages[-1].sources == ["ria.ru", "https://cbr.ru/hd_base/"]


def test_draw_from_the_message_box_stores_the_picture_with_its_seed(qtbot, make_window, fake_server,
                                                                   monkeypatch):
    window = make_window(fake_server)
    seen: list[str] = []

    def accept(dialog: DrawDialog) -> int:
        seen.append(dialog.prompt.toPlainText())
        dialog.seed.setValue(4242)
        return 1

    monkeypatch.setattr(DrawDialog, "exec", accept)
    window.composer.edit.setPlainText("/draw рыжая лиса в снегу")
    window.composer.sendRequested.emit("/draw рыжая лиса в снегу")
    qtbot.waitUntil(lambda: len(window.chat_model.messages) == 2 and not window.busy, timeout=WAIT)
    assert seen == ["рыжая лиса в снегу"]
    assert window.composer.text() == ""
    body = fake_server.art_requests()[-1].body
    assert body["generationOptions"]["seed"] == "4242" and body["messages"][0]["text"] == "рыжая лиса в снегу"
    picture = window.chat_model.messages[-1]
    assert picture.attachments and picture.attachments[0].mime == "image/jpeg"
    note, labels, _hrefs = footer(window, picture.id)
    assert "4242" in note and "Draw again with this seed" in labels
    assert window.store.attachment_path(picture.attachments[0]).exists()
    row = window.chat_model.row_at(window.chat_model.row_of_message(picture.id))
    shown = window.chat_view.chat_delegate.document(row, window.chat_view.viewport().width()).toHtml()
    assert "<img" in shown and picture.attachments[0].sha256 in shown  # the picture is in the chat


def test_the_draw_dialog_counts_and_refuses_a_long_prompt(qtbot) -> None:
    dialog = DrawDialog("en", "лиса " * 120)
    qtbot.addWidget(dialog)
    assert "of 500 characters" in dialog.count.text()
    assert not dialog.draw_button.isEnabled()
    dialog.prompt.setPlainText("лиса")
    assert dialog.draw_button.isEnabled()


def test_chat_settings_keep_the_switches_and_take_web_options(qtbot) -> None:
    from desktop_chat.chat.conversation import Defaults
    from desktop_chat.store import ChatSettings
    from desktop_chat.ui.chat_settings_dialog import ChatSettingsDialog

    before = ChatSettings(model="yandexgpt", reasoning=True, economy=True)
    dialog = ChatSettingsDialog(before, Defaults(), lang="en")
    qtbot.addWidget(dialog)
    assert dialog.model.findData("gemma-3-27b-it") >= 0  # every model of the catalogue is offered
    dialog.web_search.setChecked(True)
    dialog.search_domains.setText("RIA.ru; wikipedia.org, a.ru, b.ru, c.ru, d.ru")
    dialog.search_context.setCurrentIndex(dialog.search_context.findData("high"))
    after = dialog.result_settings()
    assert after.reasoning and after.economy  # not lost by editing the prompt or the model
    assert after.web_search and after.search_context == "high"
    assert after.search_domains == ["ria.ru", "wikipedia.org", "a.ru", "b.ru", "c.ru"]
