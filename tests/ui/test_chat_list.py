"""The chat list: grouped by day, draft marks, changes as row moves (never a reset), search results
opened from the keyboard, Delete with undo, the last chat reopened, the width kept, and a first
paint that does not wait for the whole index."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, QEvent, QObject, Qt
from PySide6.QtTest import QTest

from desktop_chat.settings import SettingsStore
from desktop_chat.store import ChatSummary, Message
from desktop_chat.store.catalog import ChatCatalog
from desktop_chat.ui.chat_list import ChatSidebar
from desktop_chat.ui.chat_list_model import (
    DRAFT_ROLE,
    HEADER_ROLE,
    ID_ROLE,
    SUBTITLE_ROLE,
    TODAY,
    ChatListModel,
)
from tests.store.test_partial_index import MANY, write_chats

WAIT = 5000
HOUR = 3600.0


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> float:
    return time.mktime((year, month, day, hour, minute, 0, 0, 0, -1))


NOW = local(2026, 12, 3, 15, 0)  # a Thursday afternoon


def summary(chat_id: str, at: float, *, pinned: bool = False, title: str = "") -> ChatSummary:
    return ChatSummary(id=chat_id, title=title or chat_id, created_at=at, updated_at=at, pinned=pinned,
                       message_count=2, read_only=False)


def rows(model: ChatListModel) -> list[str]:
    """Each row as "# Header" or the chat's id."""
    out = []
    for row in range(model.rowCount()):
        index = model.index(row)
        out.append(f"# {index.data()}" if index.data(HEADER_ROLE) else index.data(ID_ROLE))
    return out


@pytest.fixture
def model(qtbot) -> ChatListModel:
    model = ChatListModel()
    model.clock = lambda: NOW
    model.set_chats([
        summary("today", NOW - 2 * HOUR),
        summary("pin", local(2025, 1, 1), pinned=True),
        summary("yesterday", local(2026, 12, 2, 23, 30)),
        summary("monday", local(2026, 11, 30, 9)),
        summary("last_month", local(2026, 11, 2)),
        summary("early_today", local(2026, 12, 3, 0, 5)),
    ])
    return model


def test_chats_are_grouped_by_day_under_headers(model: ChatListModel) -> None:
    assert rows(model) == ["# Pinned", "pin", "# Today", "today", "early_today", "# Yesterday", "yesterday",
                           "# This week", "monday", "# Earlier", "last_month"]
    header = model.index(0)
    assert not header.flags() & Qt.ItemFlag.ItemIsSelectable  # the keyboard and the mouse step over it
    # Today's rows show the time only; the header says the day.
    today = model.index(3).data(SUBTITLE_ROLE)
    assert today == QDateTime.fromSecsSinceEpoch(int(NOW - 2 * HOUR)).time().toString("HH:mm") or ":" in today
    assert "2026" not in today and "2026" not in model.index(8).data(SUBTITLE_ROLE)


def test_groups_follow_the_language(model: ChatListModel) -> None:
    model.group_labels.update({TODAY: "Сегодня"})
    assert model.index(2).data() == "Сегодня"


def test_a_change_moves_one_row_and_never_resets_the_list(qtbot, model: ChatListModel) -> None:
    resets: list[int] = []
    moves: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsMoved.connect(lambda _p, start, _end, _d, dest: moves.append((start, dest)))
    # The chat of last month gets a message now: it moves to the top of Today, its header goes.
    model.upsert(summary("last_month", NOW - 60))
    assert rows(model) == ["# Pinned", "pin", "# Today", "last_month", "today", "early_today", "# Yesterday",
                           "yesterday", "# This week", "monday"]
    assert moves and not resets
    # A title change in place is a dataChanged only.
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom: changed.append(top.row()))
    model.upsert(summary("yesterday", local(2026, 12, 2, 23, 30), title="Renamed"))
    assert changed == [7] and model.index(7).data() == "Renamed"
    # A new chat is an insert; a deleted one a remove (with its header when the group empties).
    model.upsert(summary("new", NOW))
    model.remove("monday")
    assert rows(model)[:4] == ["# Pinned", "pin", "# Today", "new"]
    assert "# This week" not in rows(model)
    model.upsert(summary("pin", NOW - 5, pinned=False))  # unpinned: into Today, Pinned goes
    assert rows(model)[:3] == ["# Today", "new", "pin"]
    assert not resets
    assert model.chats() == sorted(model.chats(), key=lambda c: -c.updated_at)


def test_a_new_day_regroups(model: ChatListModel) -> None:
    model.clock = lambda: NOW + 24 * HOUR
    assert model.refresh_day()
    assert rows(model)[2:5] == ["# Yesterday", "today", "early_today"]
    assert not model.refresh_day()


def test_ten_thousand_chats_change_without_a_reset_and_fast(qtbot) -> None:
    model = ChatListModel()
    model.set_chats([summary(f"c{i}", NOW - i * 600) for i in range(10_000)])
    started = time.perf_counter()
    for i in range(200):
        model.upsert(summary(f"c{9999 - i}", NOW + i))  # the oldest chats come to the top, one by one
    elapsed = time.perf_counter() - started
    assert model.chats()[0].id == "c9800"
    assert elapsed < 1.0  # well under 5 ms a change (a reset per change took far longer)


def test_a_chat_with_an_unsent_draft_is_marked(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    first = window.store.create_chat("First")
    second = window.store.create_chat("Second")
    window.sidebar.load_chats()
    window.open_chat(first.id)
    window.composer.set_text("half a thought")
    window.open_chat(second.id)  # leaving the chat saves its draft

    def mark(chat_id: str) -> str:
        return window.chat_list_model.index(window.chat_list_model.row_of(chat_id)).data(DRAFT_ROLE)

    qtbot.waitUntil(lambda: mark(first.id) == "Draft", timeout=WAIT)
    assert mark(second.id) == ""
    window.open_chat(first.id)
    window.composer.set_text("")
    window.open_chat(second.id)
    qtbot.waitUntil(lambda: mark(first.id) == "", timeout=WAIT)


def fill(window, title: str, texts: list[str]):
    chat = window.store.create_chat(title)
    for i, text in enumerate(texts):
        window.store.append_message(chat.id, Message.new("user" if i % 2 == 0 else "assistant", text))
    window.sidebar.load_chats()
    return chat


def test_ctrl_k_type_down_enter_opens_the_result(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    target = fill(window, "Выпечка", ["Рецепт пирога с вишней", "Вот рецепт."])
    fill(window, "Погода", ["Какая погода?"])
    window.activateWindow()  # window shortcuts need the active window, as on a desktop
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    QTest.keyClick(window.composer.edit, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.search_box.hasFocus()
    window.sidebar.search_box.insert("вишн")  # typed (QTest types ASCII only)
    QTest.keyClick(window.sidebar.search_box, Qt.Key.Key_Down)  # before the results: it waits for them
    qtbot.waitUntil(lambda: window.sidebar.results_list.hasFocus(), timeout=WAIT)
    QTest.keyClick(window.sidebar.results_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.chat_id == target.id, timeout=WAIT)


def test_enter_in_the_search_box_opens_the_first_result(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    target = fill(window, "Выпечка", ["Рецепт пирога с вишней"])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    window.sidebar.focus_search()
    window.sidebar.search_box.insert("пирог")
    QTest.keyClick(window.sidebar.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.chat_id == target.id, timeout=WAIT)


def test_delete_in_the_chat_list_deletes_with_undo(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    older = window.store.create_chat("Older")
    newer = window.store.create_chat("Newer")
    window.sidebar.load_chats()
    window.sidebar.choose(window.chat_list_model.row_of(newer.id))
    assert window.chat_id == newer.id
    window.chat_list.setFocus()
    QTest.keyClick(window.chat_list, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.chat_list_model.get(newer.id) is None, timeout=WAIT)
    assert window.chat_id == older.id and window.undo_button.isVisible()
    window.undo_button.click()
    qtbot.waitUntil(lambda: window.chat_list_model.get(newer.id) is not None, timeout=WAIT)
    assert window.chat_id == newer.id


def test_delete_in_the_search_box_deletes_nothing(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    chat = window.store.create_chat("Keep me")
    window.sidebar.load_chats()
    window.open_chat(chat.id)
    window.sidebar.search_box.setFocus()
    QTest.keyClick(window.sidebar.search_box, Qt.Key.Key_Delete)
    qtbot.wait(100)
    assert window.chat_list_model.get(chat.id) is not None


def test_the_app_starts_in_the_last_chat(qtbot, make_window, tmp_path: Path) -> None:
    config = SettingsStore(tmp_path / "config")
    window = make_window(None, online=False, settings=config.load())
    window.services.settings_store = config
    last = window.store.create_chat("Last one")
    window.store.create_chat("Newer, not open")
    window.sidebar.load_chats()
    window.open_chat(last.id)
    window.close()
    window.services.store.close()
    again = make_window(None, online=False, settings=SettingsStore(tmp_path / "config").load())
    qtbot.waitUntil(lambda: again.chat_id == last.id, timeout=WAIT)
    assert again.chat_list.currentIndex().data(ID_ROLE) == last.id


def test_a_deleted_last_chat_starts_a_new_one(qtbot, make_window, tmp_path: Path) -> None:
    config = SettingsStore(tmp_path / "config")
    settings = config.load()
    settings.ui_state["last_chat"] = "0123456789abcdef0123456789abcdef"
    window = make_window(None, online=False, settings=settings)
    qtbot.wait(50)
    assert window.chat_id is None


def test_the_list_gets_its_width_back_after_a_narrow_window(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: window.splitter.sizes()[0] > 0, timeout=WAIT)
    window.splitter.moveSplitter(280, 1)  # as a drag by the person
    wide = window.splitter.sizes()[0]
    window.resize(480, 700)
    qtbot.wait(20)
    narrow = window.splitter.sizes()
    assert narrow[0] <= max(170, sum(narrow) // 3)  # the chat gets the room
    window.resize(1000, 700)
    qtbot.wait(20)
    assert abs(window.splitter.sizes()[0] - wide) <= 2


class _PaintSpy(QObject):
    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.painted_while_listing: bool | None = None
        self.store = None
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_while_listing is None:
            self.painted_while_listing = not self.store.listing_complete
        return False


def test_the_window_paints_before_the_whole_index_is_read(qtbot, make_window, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    ids = write_chats(data_dir, MANY)
    from tests.store.helpers import open_store

    open_store(data_dir, list_in_background=False).close()  # the index and its head, as after a session
    release = threading.Event()
    survey = ChatCatalog.survey
    monkeypatch.setattr(ChatCatalog, "survey", lambda self: (release.wait(10), survey(self))[1])
    try:
        window = make_window(None, online=False, data_dir=data_dir)
        spy = _PaintSpy(window.chat_list.viewport())
        spy.store = window.store
        window.chat_list.viewport().update()
        qtbot.waitUntil(lambda: spy.painted_while_listing is not None, timeout=WAIT)
        assert spy.painted_while_listing  # painted while the full index was still held back
        shown = window.chat_list_model.chats()
        assert len(shown) == ChatSidebar.FIRST_SCREEN
        assert [c.id for c in shown] == ids[::-1][:ChatSidebar.FIRST_SCREEN]  # the newest, first
    finally:
        release.set()
    qtbot.waitUntil(lambda: window.chat_list_model.chat_count() == MANY, timeout=WAIT)
    assert [c.id for c in window.chat_list_model.chats()] == ids[::-1]


def test_the_keyboard_steps_over_day_headers(qtbot, make_window) -> None:
    window = make_window(None, online=False)
    today = window.store.create_chat("Today's")
    old = window.store.create_chat("Old one")
    summary_old = window.store.get_chat_summary(old.id)
    window.sidebar.load_chats()
    # Make one chat a month old: the "Earlier" header now sits between the two rows.
    window.chat_list_model.upsert(dataclasses.replace(summary_old, updated_at=time.time() - 30 * 24 * HOUR))
    model = window.chat_list_model
    assert model.is_header(model.row_of(old.id) - 1)
    window.sidebar.choose(model.row_of(today.id))
    window.chat_list.setFocus()
    QTest.keyClick(window.chat_list, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.chat_id == old.id, timeout=WAIT)
    window.switch_chat(1)  # Ctrl+PgDown wraps round past the header to the first chat
    assert window.chat_id == today.id
    window.switch_chat(-1)
    assert window.chat_id == old.id


def test_search_says_when_its_index_is_still_being_built(qtbot, make_window, monkeypatch) -> None:
    window = make_window(None, online=False)
    fill(window, "Выпечка", ["Рецепт пирога с вишней"])
    progress: list[float | None] = [0.42]
    monkeypatch.setattr(type(window.store), "search_progress", property(lambda _self: progress[0]))
    window.sidebar.search_box.setText("пирог")
    qtbot.waitUntil(lambda: window.sidebar.search_note.isVisible(), timeout=WAIT)
    assert "42 %" in window.sidebar.search_note.text()
    progress[0] = None  # built: the next look (once a second) hides the note
    qtbot.waitUntil(lambda: not window.sidebar.search_note.isVisible(), timeout=WAIT)
    window.sidebar.search_box.clear()
    qtbot.waitUntil(lambda: window.sidebar.stack.currentWidget() is window.chat_list, timeout=WAIT)


def test_changes_while_the_rest_is_read_are_kept(qtbot) -> None:
    model = ChatListModel()
    model.clock = lambda: NOW
    model.set_chats([summary("a", NOW - 10), summary("b", NOW - 20)])
    model.start_journal()
    read_before = [summary("a", NOW - 10), summary("b", NOW - 20), summary("c", NOW - 30)]
    model.remove("b")  # deleted after the whole list was read, before it arrived
    model.upsert(summary("a", NOW - 10, title="Renamed"))
    model.replace_keeping_changes(read_before)
    assert [c.id for c in model.chats()] == ["a", "c"]
    assert model.get("a").title == "Renamed"


def test_times_follow_the_ui_language(model: ChatListModel) -> None:
    from PySide6.QtCore import QLocale

    model.locale = QLocale("ru_RU")
    monday = model.index(rows(model).index("monday")).data(SUBTITLE_ROLE)
    assert monday.startswith("пн")  # the weekday in Russian, the time in 24 hours
    model.locale = QLocale("en_US")
    assert model.index(rows(model).index("monday")).data(SUBTITLE_ROLE).startswith("Mon")


def test_a_big_store_reopens_its_last_chat_before_the_rest_is_listed(qtbot, make_window, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_chat.settings import Settings
    from tests.store.helpers import open_store

    data_dir = tmp_path / "data"
    ids = write_chats(data_dir, MANY)
    open_store(data_dir, list_in_background=False).close()
    release = threading.Event()
    survey = ChatCatalog.survey
    monkeypatch.setattr(ChatCatalog, "survey", lambda self: (release.wait(10), survey(self))[1])
    settings = Settings()
    settings.ui_state["last_chat"] = ids[-3]  # among the first screen
    try:
        window = make_window(None, online=False, data_dir=data_dir, settings=settings)
        completed: list[bool] = []
        window.sidebar.listCompleted.connect(lambda: completed.append(True))
        qtbot.waitUntil(lambda: window.chat_id == ids[-3], timeout=WAIT)
        assert not window.store.listing_complete and not completed
    finally:
        release.set()
    qtbot.waitUntil(lambda: bool(completed), timeout=WAIT)
    assert window.chat_list.currentIndex().data(ID_ROLE) == ids[-3]  # still selected after the fill
