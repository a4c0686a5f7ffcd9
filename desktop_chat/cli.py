"""`desktop-chat-cli`: the same chats from a terminal (after Simon Willison's `llm`). No Qt here.

    desktop-chat-cli models
    desktop-chat-cli ask [--chat ID|last] [--model M] [--web] [--attach FILE]... TEXT
    desktop-chat-cli draw [--chat ID|last] [--aspect 16:9] [--seed N] [--avoid TEXT] PROMPT --out FILE

`ask` streams the reply to stdout as it arrives (nothing else goes to stdout) and stores both
messages in the chat, through the very session code the window uses. `--attach FILE` (repeatable):
documents go in as text, pictures as image parts (the model must see pictures, or a clear error names
one that does); a file that cannot be read is refused with what to do, and nothing is sent.
With `--web` the answer comes from the web; its sources follow it, after a blank line, one URL a line.
`draw` asks YandexART for a picture, stores the prompt and the picture in a chat (a new one unless
`--chat`), writes the JPEG to FILE and prints its seed (`seed: N`; `--seed N` draws the same again).
Errors go to stderr in the UI language, with a non-zero exit; the question stays in the chat.
`--api-base URL --data-dir DIR --config-dir DIR` may stand anywhere on the line. Credentials come from the keyring or
YC_API_KEY / YC_IAM_TOKEN / YC_FOLDER_ID, like the app.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import locale
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from desktop_chat import catalogue
from desktop_chat.chat.conversation import Defaults
from desktop_chat.chat.events import QuestionFailed, QuestionSaved, ReplyFinished, ReplyProgress
from desktop_chat.chat.sessions import ChatSessions, InlineRunner, Refused
from desktop_chat.paths import resolve_paths
from desktop_chat.providers.base import Account
from desktop_chat.providers.registry import Providers
from desktop_chat.settings import Settings, SettingsStore
from desktop_chat.store import ChatSettings, ChatStore, Message, StoreError
from desktop_chat.store.export import source_href

if TYPE_CHECKING:
    from desktop_chat.attachments import Prepared

EXIT_ERROR, EXIT_USAGE = 1, 2

MESSAGES = {
    "no_account": {
        "en": "No API key or folder ID yet. Start Desktop Chat and add them in Settings, or set YC_API_KEY "
              "and YC_FOLDER_ID.",
        "ru": "Ещё нет API-ключа или идентификатора каталога. Запустите Desktop Chat и добавьте их в "
              "настройках или задайте YC_API_KEY и YC_FOLDER_ID.",
    },
    "unknown_model": {
        "en": "Unknown model “{}”. See `desktop-chat-cli models` for the ones you can use.",
        "ru": "Неизвестная модель «{}». Список доступных: `desktop-chat-cli models`.",
    },
    "no_chat": {
        "en": "There is no chat “{}”.",
        "ru": "Чата «{}» нет.",
    },
    "no_text": {"en": "Nothing to ask: give the question as TEXT (or --attach a file).",
                "ru": "Не задан вопрос (TEXT) и не приложен файл (--attach)."},
    "cannot_see": {
        "en": "The model “{}” cannot see pictures. Ask one that can: --model {}",
        "ru": "Модель «{}» не видит картинки. Спросите модель, которая видит: --model {}",
    },
    "too_long": {
        "en": "The attached documents do not fit the model's context window (about {} tokens are left for "
              "them). Attach a shorter part, or choose a model with a larger window (e.g. --model "
              "qwen3-235b-a22b-fp8).",
        "ru": "Приложенные документы не помещаются в контекстное окно модели (для них остаётся около {} "
              "токенов). Приложите часть покороче или выберите модель с окном побольше (например, --model "
              "qwen3-235b-a22b-fp8).",
    },
    "busy": {"en": "This chat is writing a reply already.", "ru": "В этом чате уже пишется ответ."},
    "prompt_too_long": {
        "en": "The prompt is too long: YandexART takes at most {} characters.",
        "ru": "Описание слишком длинное: YandexART принимает не больше {} символов.",
    },
    "bad_aspect": {"en": "The aspect ratio must be one of: {}.", "ru": "Соотношение сторон — одно из: {}."},
    "bad_seed": {"en": "The seed must be a whole number from 0.", "ru": "Seed — целое число от 0."},
    "out": {"en": "Could not write {}: {}", "ru": "Не удалось записать {}: {}"},
    "saved_elsewhere": {
        "en": "The reply could not be saved: {}",
        "ru": "Ответ не удалось сохранить: {}",
    },
    "internal": {
        "en": "Something went wrong inside the app: {}",
        "ru": "Что-то пошло не так внутри программы: {}",
    },
    "changed": {
        "en": "(the model rewrote the start of its reply; the whole reply follows)",
        "ru": "(модель переписала начало ответа; ниже ответ целиком)",
    },
}


def language(settings: Settings, environ: Mapping[str, str]) -> str:
    """"ru" or "en": the app's setting, else the system's language (Russian when the system is)."""
    if settings.language in ("ru", "en"):
        return settings.language
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = environ.get(name, "")
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    system = (locale.getlocale()[0] or "").lower()
    return "ru" if system.startswith("ru") else "en"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR")
    common.add_argument("--config-dir", metavar="DIR")
    common.add_argument("--api-base", metavar="URL")
    parser = argparse.ArgumentParser(prog="desktop-chat-cli", parents=[common],
                                     description="Desktop Chat from a terminal: the same chats as the window.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("models", parents=[common], help="the chat models this account can use")
    ask = commands.add_parser("ask", parents=[common], help="ask a question; the reply streams to stdout")
    ask.add_argument("--chat", metavar="ID|last", help="continue this chat (last: the most recent)")
    ask.add_argument("--model", metavar="M", help="a model id, short name or gpt:// URI")
    ask.add_argument("--attach", metavar="FILE", action="append", default=[],
                     help="a picture or document to send with the question (repeatable)")
    ask.add_argument("--web", action="store_true", help="answer from the web; the sources follow the answer")
    ask.add_argument("text", nargs="*", metavar="TEXT")
    from desktop_chat.api.yandex_art import ASPECTS

    draw = commands.add_parser("draw", parents=[common], help="draw a picture with YandexART")
    draw.add_argument("--chat", metavar="ID|last", help="add the drawing to this chat (last: the most recent)")
    draw.add_argument("--aspect", choices=list(ASPECTS), default="1:1")
    draw.add_argument("--seed", type=int, metavar="N", help="the same seed and prompt draw the same picture")
    draw.add_argument("--avoid", metavar="TEXT", default="", help="what the picture must not have")
    draw.add_argument("--out", metavar="FILE", required=True, help="where to write the JPEG")
    draw.add_argument("text", nargs="+", metavar="PROMPT")
    return parser


class Cli:
    def __init__(self, args: argparse.Namespace, environ: Mapping[str, str], out: TextIO, err: TextIO) -> None:
        self.args, self.environ, self.out, self.err = args, environ, out, err
        paths = resolve_paths(args.data_dir, args.config_dir)
        self.settings = SettingsStore(paths.config_dir).load()
        self.lang = language(self.settings, environ)
        self.data_dir = paths.data_dir
        self.api_base = args.api_base or self.settings.api_base

    def say(self, key: str, *values: object) -> None:
        print(MESSAGES[key][self.lang].format(*values), file=self.err)

    def account(self) -> Account | None:
        from desktop_chat.secrets import EnvOverrides, SecretStore, effective_credentials

        # With a key in the environment the keyring is not touched (it may prompt to unlock).
        secrets = SecretStore() if not EnvOverrides.from_environ(self.environ).secret else None
        credentials = effective_credentials(self.settings, secrets, self.environ)  # type: ignore[arg-type]
        if credentials is None:
            return None
        return Account(credentials.folder_id, credentials.kind, credentials.secret, self.api_base)

    def models(self) -> int:
        from desktop_chat.chat.model_list import ModelList

        models = ModelList(self.data_dir / "models.json")
        account = self.account()
        entries = models.entries()
        if account is not None:
            try:
                entries = models.refresh(Providers(lambda: account))
            except Exception as error:  # offline: the cached or built-in list still answers
                logging.getLogger(__name__).info("model list not refreshed: %s", type(error).__name__)
        for entry in entries:
            print(f"{entry.id}\t{entry.title(self.lang)}", file=self.out)
        return 0

    def ask(self) -> int:
        args = self.args
        text = " ".join(args.text).strip()
        if not text and not args.attach:
            self.say("no_text")
            return EXIT_USAGE
        files = self._read_files(args.attach)
        if files is None:
            return EXIT_ERROR
        return self._with_store(lambda store, account: self._ask(store, account, text, files))

    def _with_store(self, command: Callable[[ChatStore, Account], int]) -> int:
        """Runs `command` with the chat store open and the account, or says why there is none."""
        account = self.account()
        if account is None:
            self.say("no_account")
            return EXIT_ERROR
        store = ChatStore(self.data_dir, auto_backup=False)
        store.open()
        try:
            return command(store, account)
        finally:
            store.close()

    def _chosen_chat(self, store: ChatStore) -> tuple[str | None, ChatSettings] | None:
        """`--chat ID|last`: the chat and its settings (None, new-chat settings without it); None if missing."""
        if not self.args.chat:
            return None, ChatSettings()
        chats = sorted(store.list_chats(), key=lambda c: -c.updated_at)
        chat_id = chats[0].id if self.args.chat == "last" and chats else self.args.chat
        if chat_id == "last" or chat_id not in {c.id for c in chats}:
            self.say("no_chat", self.args.chat)
            return None
        return chat_id, store.get_chat_settings(chat_id)

    def _sessions(self, store: ChatStore, account: Account) -> tuple[ChatSessions, _ReplyPrinter]:
        """The window's own session code, run inline, printing the reply as it comes."""
        s = self.settings
        sessions = ChatSessions(store, Providers(lambda: account, data_logging=lambda: s.data_logging),
                                lambda: Defaults.of(s), InlineRunner())
        printer = _ReplyPrinter(self)
        sessions.subscribe(printer)
        return sessions, printer

    def _read_files(self, paths: list[str]) -> list[Prepared] | None:
        """Every --attach file made ready, or None after saying (for each bad one) what is wrong."""
        from desktop_chat.attachments import AttachmentError, prepare

        files, failed = [], False
        for path in paths:
            try:
                files.append(prepare(path))
            except AttachmentError as error:
                print(error.user_message(self.lang), file=self.err)
                failed = True
        return None if failed else files

    def _ask(self, store: ChatStore, account: Account, text: str, files: list[Prepared]) -> int:
        args = self.args
        chosen = self._chosen_chat(store)
        if chosen is None:
            return EXIT_ERROR
        chat_id, settings = chosen
        if args.model:
            entry = catalogue.find(args.model)
            if entry is None:
                self.say("unknown_model", args.model)
                return EXIT_ERROR
            settings = dataclasses.replace(settings, model=args.model if "://" in args.model else entry.id)
        sessions, printer = self._sessions(store, account)
        try:
            sessions.send(chat_id, text, settings, attachments=files, web=True if args.web else None)
        except Refused as refusal:
            if refusal.reason == "cannot_see":
                model = settings.model or self.settings.model
                entry = catalogue.find(model)
                self.say("cannot_see", entry.id if entry else model, refusal.detail or "gemma-3-27b-it")
                return EXIT_ERROR
            self.say(refusal.reason if refusal.reason in MESSAGES else "internal", refusal.detail or refusal.reason)
            return EXIT_ERROR
        return printer.exit_code

    def draw(self) -> int:
        return self._with_store(self._draw)

    def _draw(self, store: ChatStore, account: Account) -> int:
        args = self.args
        chosen = self._chosen_chat(store)
        if chosen is None:
            return EXIT_ERROR
        chat_id, settings = chosen
        sessions, printer = self._sessions(store, account)
        try:
            sessions.draw(chat_id, " ".join(args.text), aspect=args.aspect, seed=args.seed, avoid=args.avoid,
                          settings=settings)
        except Refused as refusal:
            self.say(refusal.reason if refusal.reason in MESSAGES else "internal", refusal.detail or refusal.reason)
            usage = refusal.reason in ("nothing", "prompt_too_long", "bad_aspect", "bad_seed")
            return EXIT_USAGE if usage else EXIT_ERROR
        reply = printer.reply
        if printer.exit_code or reply is None or not reply.attachments:
            return printer.exit_code or EXIT_ERROR
        try:
            _write_file(args.out, store.read_attachment(reply.attachments[0]))
        except (OSError, StoreError) as error:
            self.say("out", args.out, getattr(error, "strerror", None) or str(error))
            return EXIT_ERROR
        print(f"seed: {(reply.drawing or {}).get('seed', '')}", file=self.out)
        return 0


def _write_file(path: str, data: bytes) -> None:
    """Writes `data` to `path` whole or not at all (a temp file beside it, then a rename)."""
    import tempfile

    target = os.path.abspath(path)
    fd, temp = tempfile.mkstemp(prefix=".draw-", suffix=".tmp", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


class _ReplyPrinter:
    """Prints the reply as it grows; the native API may rewrite its start, then the whole reply follows."""

    def __init__(self, cli: Cli) -> None:
        self.cli = cli
        self.printed = ""
        self.exit_code = EXIT_ERROR
        self.reply: Message | None = None

    def __call__(self, event: object) -> None:
        out = self.cli.out
        if isinstance(event, ReplyProgress):
            self._show(event.text)
        elif isinstance(event, QuestionFailed):
            self.cli.say("saved_elsewhere", event.error)
        elif isinstance(event, ReplyFinished):
            self.reply = event.reply
            if event.reply is not None:
                self._show(event.reply.text)
            if self.printed and not self.printed.endswith("\n"):
                out.write("\n")
            if event.reply is not None and event.reply.sources:
                out.write("\n" + "".join(source_href(url) + "\n" for url in event.reply.sources))
            out.flush()
            if event.error is not None:
                self._error(event.error)
            elif event.save_error is not None:
                self.cli.say("saved_elsewhere", event.save_error)
            else:
                self.exit_code = 0
        elif isinstance(event, QuestionSaved):
            pass

    def _show(self, text: str) -> None:
        out = self.cli.out
        if text.startswith(self.printed):
            out.write(text[len(self.printed):])
        else:
            out.write("\n")
            self.cli.say("changed")
            out.write(text)
        out.flush()
        self.printed = text

    def _error(self, error: BaseException) -> None:
        from desktop_chat.api.errors import ApiError

        if isinstance(error, ApiError):
            print(error.user_message(self.cli.lang), file=self.cli.err)
        else:
            self.cli.say("internal", type(error).__name__)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    cli = Cli(args, os.environ if environ is None else environ, out or sys.stdout, err or sys.stderr)
    try:
        return {"models": cli.models, "draw": cli.draw}.get(args.command, cli.ask)()
    except KeyboardInterrupt:
        return 130
