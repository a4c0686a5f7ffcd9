"""Generates a realistic test chat store: many chats of Russian and English messages.

    python bench/make_store.py DIR --chats 1000 --messages 100000 [--big-chat 5000] [--seed 1] [--raw]

Chat files are written directly in the store's format (fast: no fsync per message), then the store
is opened once so the start-up index and the search index exist, as after a normal session
(`--raw` skips that, e.g. to time a first start). DIR must be empty or missing.
Also importable: `make_store(path, chats=..., messages=...)` (the store benchmark uses it).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.store.chatfile import CHAT_SUFFIX, chat_file_bytes
from desktop_chat.store.model import ChatSettings, Message, new_id
from desktop_chat.store.store import CHATS_DIR, ChatStore

_RU_TEXT = (
    "привет как дела сделать можно нужно почему когда где файл код функция ошибка список данные пример "
    "текст письмо работа проект отчёт задача вопрос ответ время день неделя город ёлка зелёный большой "
    "маленький новый старый быстро медленно хорошо плохо спасибо пожалуйста объясни напиши переведи "
    "сравни посчитай таблица строка число деньги бюджет встреча клиент договор рецепт борщ поездка Москва "
    "Петербург Казань погода книга фильм музыка школа учитель студент экзамен алгоритм сервер база запрос "
    "пользователь интерфейс окно кнопка настройки "
)
_EN_TEXT = (
    "hello how are you make could should why when where file code function error list data example text "
    "letter work project report task question answer time day week city tree green big small new old "
    "quickly slowly good bad thanks please explain write translate compare count table row number money "
    "budget meeting client contract recipe trip London Berlin weather book film music school teacher "
    "student exam algorithm server database query user interface window button settings "
)
RU_WORDS = tuple(_RU_TEXT.split())
EN_WORDS = tuple(_EN_TEXT.split())
CODE = ("```python\ndef total(items):\n    return sum(item.price for item in items)\n```",
        "```sql\nSELECT name, count(*) FROM orders GROUP BY name;\n```",
        "```bash\ngrep -rn \"TODO\" src/ | wc -l\n```")
TITLES_RU = ("Письмо клиенту", "Рецепт борща", "Помощь с кодом", "Перевод статьи", "План поездки",
             "Бюджет на месяц", "Подготовка к экзамену", "Идеи для проекта", "Вопрос про SQL")
TITLES_EN = ("Cover letter", "Python help", "Trip to Berlin", "Meeting notes", "Weekly report",
             "SQL question", "Book summary", "Budget plan")


def _sentence(rng: random.Random, words: tuple[str, ...], lo: int, hi: int) -> str:
    # Zipf-like: early words are much more common, like real text.
    count = rng.randint(lo, hi)
    picked = [words[min(int(rng.paretovariate(1.2)) - 1, len(words) - 1)] if rng.random() < 0.5
              else rng.choice(words) for _ in range(count)]
    text = " ".join(picked)
    return text[0].upper() + text[1:] + rng.choice((".", ".", "?", "!"))


def _text(rng: random.Random, role: str, russian: bool) -> str:
    words = RU_WORDS if russian else EN_WORDS
    if rng.random() < 0.1:  # people mix languages
        words = RU_WORDS + EN_WORDS
    if role == "user":
        return " ".join(_sentence(rng, words, 3, 14) for _ in range(rng.randint(1, 3)))
    paragraphs = []
    for _ in range(rng.randint(1, 4)):
        paragraphs.append(" ".join(_sentence(rng, words, 5, 18) for _ in range(rng.randint(1, 4))))
    if rng.random() < 0.3:
        paragraphs.append("\n".join(f"- {_sentence(rng, words, 2, 6)}" for _ in range(rng.randint(2, 5))))
    if rng.random() < 0.15:
        paragraphs.append(rng.choice(CODE))
    return "\n\n".join(paragraphs)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` messages over `parts` chats, uneven like real use, each chat at least 2."""
    if parts <= 0:
        return []
    weights = [rng.paretovariate(1.5) for _ in range(parts)]
    scale = max(total - 2 * parts, 0) / sum(weights)
    counts = [2 + int(w * scale) for w in weights]
    counts[0] += total - sum(counts)
    return [max(c, 0) for c in counts]


def make_store(path: Path, *, chats: int = 1000, messages: int = 100_000, big_chat: int = 0,
               seed: int = 1, prepare: bool = True) -> list[str]:
    """Writes the store; returns the chat ids (the big chat, when asked for, first)."""
    rng = random.Random(seed)
    chats_dir = Path(path) / CHATS_DIR
    chats_dir.mkdir(parents=True, exist_ok=True)
    if any(chats_dir.iterdir()):
        raise SystemExit(f"{chats_dir} is not empty")
    counts = ([big_chat] if big_chat else []) + _split(messages - big_chat, chats - (1 if big_chat else 0), rng)
    now = time.time()
    ids: list[str] = []
    for count in counts:
        chat_id = new_id()
        russian = rng.random() < 0.7
        created = now - rng.uniform(0, 365 * 24 * 3600)
        t = created
        items: list[Message] = []
        for number in range(count):
            role = "user" if number % 2 == 0 else "assistant"
            t += rng.uniform(5, 600)
            items.append(Message.new(role, _text(rng, role, russian), created_at=min(t, now),
                                     model="yandexgpt-lite" if role == "assistant" else ""))
        title = rng.choice(TITLES_RU if russian else TITLES_EN)
        settings = ChatSettings(system_prompt="Отвечай кратко." if rng.random() < 0.2 else "")
        data = chat_file_bytes(chat_id, created, title, rng.random() < 0.02, settings, items)
        (chats_dir / (chat_id + CHAT_SUFFIX)).write_bytes(data)
        ids.append(chat_id)
    if prepare:
        store = ChatStore(path, auto_backup=False, search_in_background=False)
        store.open()
        store.close()
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--big-chat", type=int, default=0, help="one chat with this many messages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--raw", action="store_true", help="only chat files: no index, no search index")
    args = parser.parse_args(argv)
    if args.big_chat > args.messages:
        parser.error("--big-chat cannot exceed --messages")
    started = time.perf_counter()
    make_store(args.dir, chats=args.chats, messages=args.messages, big_chat=args.big_chat,
               seed=args.seed, prepare=not args.raw)
    print(f"{args.chats} chats, {args.messages} messages in {args.dir} "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
