"""Why a file cannot be attached, in plain words (Russian and English), naming the file and what to do."""

from __future__ import annotations

from typing import ClassVar

MB = 1024 * 1024

_MESSAGES: dict[str, dict[str, str]] = {
    "too_large": {
        "en": "“{name}” is too large ({size} MB; at most {limit} MB for {what}). Attach a smaller file or "
              "send the part you need.",
        "ru": "Файл «{name}» слишком большой ({size} МБ; для {what} не больше {limit} МБ). Приложите файл "
              "поменьше или только нужную часть.",
    },
    "missing": {
        "en": "“{name}” is no longer there (moved or deleted after it was attached). Attach it again.",
        "ru": "Файла «{name}» больше нет (его переместили или удалили после того, как приложили). "
              "Приложите его ещё раз.",
    },
    "unreadable": {
        "en": "“{name}” cannot be read ({detail}). Check that the file opens, then attach it again.",
        "ru": "Файл «{name}» не читается ({detail}). Проверьте, что он открывается, и приложите его ещё раз.",
    },
    "unknown_type": {
        "en": "“{name}” is a kind of file the app cannot read. Attach a picture (PNG, JPEG, WebP, GIF), a PDF, "
              "a Word (.docx) or OpenDocument (.odt) file, or plain text (TXT, Markdown, CSV, JSON, code).",
        "ru": "Файл «{name}» такого типа программа прочитать не может. Приложите картинку (PNG, JPEG, WebP, "
              "GIF), PDF, документ Word (.docx) или OpenDocument (.odt) либо текст (TXT, Markdown, CSV, JSON, код).",
    },
    "old_word": {
        "en": "“{name}” is an old Word document (.doc). Open it in Word or LibreOffice, save it as .docx, "
              "and attach that.",
        "ru": "«{name}» — документ старого формата Word (.doc). Откройте его в Word или LibreOffice, "
              "сохраните как .docx и приложите его.",
    },
    "heic": {
        "en": "“{name}” is a HEIC photo, which the app cannot read yet. Export it as JPEG (Photos: File → "
              "Export) and attach that.",
        "ru": "«{name}» — фото в формате HEIC, его программа пока не читает. Сохраните его как JPEG "
              "(в «Фото»: Файл → Экспорт) и приложите.",
    },
    "corrupt": {
        "en": "“{name}” is damaged and cannot be read ({detail}). Open it in its program, save a new copy, "
              "and attach that.",
        "ru": "Файл «{name}» повреждён и не читается ({detail}). Откройте его в его программе, сохраните "
              "заново и приложите новую копию.",
    },
    "encrypted": {
        "en": "“{name}” is protected by a password. Open it, save a copy without the password, and attach that.",
        "ru": "Файл «{name}» защищён паролем. Откройте его, сохраните копию без пароля и приложите её.",
    },
    "not_zip": {
        "en": "“{name}” is not a real Word document (a .docx file is a zip archive, this one is not). "
              "Open it in Word or LibreOffice, save it as .docx again, and attach that.",
        "ru": "«{name}» — не настоящий документ Word (файл .docx — это zip-архив, а этот нет). Откройте его "
              "в Word или LibreOffice, сохраните как .docx заново и приложите.",
    },
    "no_text": {
        "en": "“{name}” has no text layer (a scan or photos of pages), so there is no text to send. "
              "Send its pages as pictures to a model that can see, or run it through text recognition (OCR) "
              "first.",
        "ru": "В файле «{name}» нет текстового слоя (это скан или фото страниц), отправлять как текст нечего. "
              "Отправьте страницы картинками модели, которая видит изображения, или сначала распознайте текст "
              "(OCR).",
    },
    "empty": {
        "en": "“{name}” is empty: there is nothing to send.",
        "ru": "Файл «{name}» пустой: отправлять нечего.",
    },
    "picture_too_large": {
        "en": "The picture “{name}” is too large ({detail}; at most {limit} megapixels). Shrink it in an "
              "image editor and attach it again.",
        "ru": "Картинка «{name}» слишком большая ({detail}; не больше {limit} мегапикселей). Уменьшите её "
              "в графическом редакторе и приложите снова.",
    },
    "cancelled": {
        "en": "Reading “{name}” was cancelled.",
        "ru": "Чтение файла «{name}» отменено.",
    },
}

_WHAT = {"en": {"image": "pictures", "document": "documents"}, "ru": {"image": "картинок", "document": "документов"}}


class AttachmentError(Exception):
    """A file that cannot be attached. `kind` is a stable code; `user_message(lang)` the words to show.

    Kinds: too_large, missing, unreadable, unknown_type, old_word, heic, corrupt, encrypted, not_zip,
    no_text, empty, picture_too_large, cancelled. Nothing is sent or stored for such a file; the other
    attachments and the draft stay as they were.
    """

    KINDS: ClassVar[tuple[str, ...]] = tuple(_MESSAGES)

    def __init__(self, kind: str, name: str, detail: str = "", *, size: int = 0, limit: int = 0,
                 what: str = "document", offer_pages: bool = False) -> None:
        self.kind = kind
        self.name = name  # the file's name (no folder)
        self.detail = detail
        self.size = size
        self.limit = limit
        self.what = what  # "image" | "document"
        # no_text: the PDF's pages carry pictures that `pdf_page_images` can take out.
        self.offer_pages = offer_pages
        super().__init__(self.user_message("en"))

    def user_message(self, lang: str = "ru") -> str:
        lang = "ru" if lang.lower().startswith("ru") else "en"
        table = _MESSAGES.get(self.kind, _MESSAGES["unreadable"])
        if self.kind == "too_large":
            size, limit = max(1, round(self.size / MB)), self.limit // MB
        else:
            size, limit = self.size, self.limit
        return table[lang].format(name=self.name, detail=self.detail or "?", size=size, limit=limit,
                                  what=_WHAT[lang].get(self.what, self.what))
