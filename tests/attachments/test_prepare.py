"""Reading files for a chat: every kind, every bad input, limits before reading, progress and cancel."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest

from desktop_chat import attachments
from desktop_chat.attachments import AttachmentError, prepare, prepare_bytes, probe
from tests.attachments import files

MB = 1024 * 1024


def _error(call) -> AttachmentError:  # type: ignore[no-untyped-def]
    with pytest.raises(AttachmentError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("notes.txt", "Привет, мир\nвторая строка".encode(), "Привет, мир\nвторая строка"),
    ("old.txt", "Договор поставки".encode("cp1251"), "Договор поставки"),
    ("bom.txt", b"\xef\xbb\xbfUTF-8 with BOM", "UTF-8 with BOM"),
    ("wide.txt", "UTF-16 текст".encode("utf-16"), "UTF-16 текст"),
    ("README.md", b"# Title\n\n- item", "# Title\n\n- item"),
    ("table.csv", "имя;сумма\r\nИван;10\r\n".encode(), "имя;сумма\nИван;10\n"),
    ("data.json", b'{"a": [1, 2]}', '{"a": [1, 2]}'),
    ("main.py", b"def f():\n    return 1\n", "def f():\n    return 1\n"),
    ("Makefile", b"all:\n\tcc x.c\n", "all:\n\tcc x.c\n"),
])
def test_text_documents(name: str, data: bytes, expected: str) -> None:
    item = prepare_bytes(data, name)
    assert (item.kind, item.text, item.total_chars, item.name) == ("document", expected, len(expected), name)
    assert item.data == data and item.size == len(data) and not item.cut


def test_pdf_docx_odt_text_comes_out_in_order(tmp_path: Path) -> None:
    pdf = prepare(files.write(tmp_path, "contract.pdf", files.text_pdf(["Page one text", "Page (two) text"])))
    assert pdf.text == "Page one text\n\nPage (two) text" and pdf.pages == 2 and pdf.mime == "application/pdf"
    docx = prepare(files.write(tmp_path, "letter.docx", files.docx(["Уважаемый Иван!", "Текст письма."],
                                                                   [["Товар", "Цена"], ["Хлеб", "50"]])))
    assert docx.text == "Уважаемый Иван!\nТекст письма.\nТовар\tЦена\nХлеб\t50"
    odt = prepare(files.write(tmp_path, "note.odt", files.odt(["Первый", "Второй"])))
    assert odt.text == "Заголовок\nПервый\nВторой"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_pictures_become_png_or_jpeg_with_a_thumbnail(fmt: str) -> None:
    item = prepare_bytes(files.picture(fmt, (300, 200)), f"photo.{fmt.lower()}")
    assert item.kind == "image" and item.mime in ("image/png", "image/jpeg")
    assert (item.width, item.height) == (300, 200)
    from PIL import Image

    assert Image.open(io.BytesIO(item.thumbnail)).size == (160, 107)
    assert Image.open(io.BytesIO(item.data)).format in ("PNG", "JPEG")
    assert item.tokens("gemma-3-27b-it") == 256


def test_png_and_jpeg_that_fit_are_sent_byte_for_byte_and_big_ones_are_scaled() -> None:
    small = files.picture("PNG", (640, 480))
    assert prepare_bytes(small, "a.png").data == small
    big = prepare_bytes(files.picture("JPEG", (4000, 3000)), "b.jpg")
    assert (big.width, big.height, big.original_width) == (1568, 1176, 4000)
    assert big.mime == "image/jpeg"


def test_a_gif_sends_its_first_frame() -> None:
    from PIL import Image

    item = prepare_bytes(files.picture("GIF", (50, 50), "red"), "anim.gif")
    assert Image.open(io.BytesIO(item.data)).convert("RGB").getpixel((10, 10)) == (255, 0, 0)


def test_progress_runs_to_one_and_cancel_stops_between_pages(tmp_path: Path) -> None:
    path = files.write(tmp_path, "long.pdf", files.text_pdf([f"page {i}" for i in range(20)]))
    seen: list[float] = []
    prepare(path, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 20
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 5

    error = _error(lambda: prepare(path, cancelled=cancelled))
    assert error.kind == "cancelled" and "long.pdf" in error.user_message("en")


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size (the pixels are never there): a decompression bomb."""
    data = bytearray(files.picture("PNG", (1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


BAD = [
    ("broken.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, "corrupt"),
    ("secret.pdf", files.encrypted_pdf(), "encrypted"),
    ("scan.pdf", files.scanned_pdf(), "no_text"),
    ("fake.docx", b"this is not a zip at all", "not_zip"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old_word"),
    ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00", "unknown_type"),
    ("archive.zip", b"PK\x03\x04" + b"\0" * 30, "unknown_type"),
    ("photo.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "heic"),
    ("empty.txt", b"", "empty"),
    ("torn.png", files.picture("PNG", (50, 50))[:60], "corrupt"),
    ("lies.png", b"%PDF-1.4 not a picture", "corrupt"),
    ("poster.png", _png_claiming(20000, 20000), "picture_too_large"),
]


@pytest.mark.parametrize(("name", "data", "kind"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_say_what_is_wrong_naming_the_file(tmp_path: Path, name: str, data: bytes, kind: str) -> None:
    error = _error(lambda: prepare(files.write(tmp_path, name, data)))
    assert error.kind == kind
    for lang in ("ru", "en"):
        message = error.user_message(lang)
        assert name in message and "{" not in message and len(message) > 40
    if kind == "no_text":
        assert error.offer_pages


def test_size_limits_are_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as f:
        f.truncate(1024 * MB)  # 1 GB, sparse: nothing is written (or read)
    opened: list[object] = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    error = _error(lambda: probe(huge))
    assert error.kind == "too_large" and "1024 MB" in error.user_message("en") and "50 MB" in str(error)
    error = _error(lambda: prepare(huge))
    assert error.kind == "too_large" and not opened
    monkeypatch.undo()
    picture = tmp_path / "big.png"
    with open(picture, "wb") as f:
        f.truncate(21 * MB)
    error = _error(lambda: prepare(picture))
    assert error.kind == "too_large" and "20 МБ" in error.user_message("ru")


def test_a_file_that_vanished_after_attaching(tmp_path: Path) -> None:
    path = files.write(tmp_path, "gone.txt", b"text")
    assert probe(path).kind == "document"
    path.unlink()
    error = _error(lambda: prepare(path))
    assert error.kind == "missing" and "gone.txt" in error.user_message("ru")


def test_fit_text_keeps_the_first_part_that_fits_and_says_how_much() -> None:
    text = " ".join(f"слово{i}" for i in range(5000))
    whole = attachments.fit_text(text, 10**6, "yandexgpt")
    assert whole.whole and whole.text == text
    fit = attachments.fit_text(text, 1000, "yandexgpt")
    assert fit.tokens <= 1000 and text.startswith(fit.text) and 0 < fit.kept_fraction < 1
    assert fit.kept_chars == len(fit.text) and fit.total_chars == len(text)
    item = prepare_bytes(text.encode(), "long.txt")
    cut = attachments.cut_to_fit(item, 1000, "yandexgpt")
    assert cut.cut and cut.tokens("yandexgpt") <= 1000 and cut.total_chars == len(text)


def test_the_file_block_escapes_the_name_and_cannot_be_closed_early() -> None:
    block = attachments.file_block('a "b" <c>.txt', "x </file> y")
    assert block == '<file name="a &quot;b&quot; &lt;c&gt;.txt">\nx <\\/file> y\n</file>'
    assert attachments.compose("Что тут?", [("a.txt", "текст", False)]) == \
        '<file name="a.txt">\nтекст\n</file>\n\nЧто тут?'


def test_scanned_pdf_pages_come_out_as_pictures(tmp_path: Path) -> None:
    pages = attachments.pdf_page_images(files.write(tmp_path, "scan.pdf", files.scanned_pdf(3)))
    assert [(p.kind, p.mime, p.width) for p in pages] == [("image", "image/jpeg", 200)] * 3
    assert [p.name for p in pages] == ["scan — 1.jpg", "scan — 2.jpg", "scan — 3.jpg"]


def test_vision_models_come_from_the_catalogue() -> None:
    assert attachments.vision_models() == ["gemma-3-27b-it"]
    assert attachments.can_see("gemma-3-27b-it") and not attachments.can_see("yandexgpt-lite")
