"""Benchmark of attachments: text out of a 300-page PDF on a worker thread, and thumbnails of pictures.

    python bench/bench_attachments.py [--pages 300] [--pictures 200]

1. A PDF of `--pages` pages (about 2,500 characters each, generated here) is read by
   `attachments.prepare` on a worker thread, as the window does it. Meanwhile this (the "GUI") thread
   wakes every 5 ms and records how late it woke: the longest stall is what the window would feel.
   Also: the peak memory of the extraction (tracemalloc, a second run) and the process's peak RSS.
2. `attachments.thumbnail_of` of `--pictures` stored photos (1568×1176 JPEG), as a chat with that many
   pictures would make them lazily.
3. `fit_text` of the whole extracted text to a 32k-token window.
Prints readable lines, then as the LAST line one JSON object of the numbers (ms unless named otherwise).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat import attachments
from tests.attachments.files import text_pdf

WORDS = ("contract", "payment", "delivery", "party", "obligation", "term", "clause", "agreement", "supplier",
         "buyer", "price", "goods", "invoice", "schedule", "penalty", "notice", "force", "majeure", "dispute",
         "court", "law", "jurisdiction", "signature")


def page_text(number: int) -> str:
    lines = []
    for line in range(35):
        words = [WORDS[(number * 7 + line * 3 + i) % len(WORDS)] for i in range(12)]
        lines.append(f"{number}.{line} " + " ".join(words))
    return "\n".join(lines)


def extract_with_stalls(path: Path) -> tuple[float, float, attachments.Prepared, int]:
    result: list[attachments.Prepared] = []
    progress_calls = [0]

    def work() -> None:
        def progress(_fraction: float) -> None:
            progress_calls[0] += 1

        result.append(attachments.prepare(path, progress=progress))

    worker = threading.Thread(target=work)
    longest = 0.0
    started = time.perf_counter()
    worker.start()
    while worker.is_alive():
        before = time.perf_counter()
        time.sleep(0.005)
        longest = max(longest, time.perf_counter() - before - 0.005)
    worker.join()
    return time.perf_counter() - started, longest, result[0], progress_calls[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--pictures", type=int, default=200)
    args = parser.parse_args()
    results: dict[str, float | int] = {"pages": args.pages}
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "big.pdf"
        path.write_bytes(text_pdf([page_text(n) for n in range(args.pages)]))
        results["pdf_mb"] = round(path.stat().st_size / 1024 / 1024, 2)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds, stall, item, calls = extract_with_stalls(path)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results.update(extract_ms=round(seconds * 1000, 1), pages_per_s=round(args.pages / seconds, 1),
                       gui_longest_stall_ms=round(stall * 1000, 2), progress_calls=calls,
                       text_chars=len(item.text), peak_rss_mb=round(rss_after / 1024, 1),
                       rss_growth_mb=round((rss_after - rss_before) / 1024, 1))
        print(f"{args.pages}-page PDF ({results['pdf_mb']} MB): text out in {seconds:.2f} s "
              f"({results['pages_per_s']} pages/s), {len(item.text):,} characters; "
              f"longest stall of the waiting thread {stall * 1000:.1f} ms; {calls} progress calls")
        tracemalloc.start()
        attachments.prepare(path)
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results["extract_peak_mb"] = round(peak / 1024 / 1024, 1)
        print(f"peak memory of the extraction (tracemalloc): {results['extract_peak_mb']} MB; "
              f"process peak RSS {results['peak_rss_mb']} MB")
        started = time.perf_counter()
        fit = attachments.fit_text(item.text, 30000, "yandexgpt")
        results["fit_32k_ms"] = round((time.perf_counter() - started) * 1000, 1)
        print(f"fit_text to 30,000 tokens: kept {fit.kept_fraction:.0%} in {results['fit_32k_ms']} ms")

    from PIL import Image, ImageFilter

    buffer = io.BytesIO()  # a photo-like picture: smooth areas and some detail
    Image.effect_noise((1568, 1176), 64).convert("RGB").filter(ImageFilter.GaussianBlur(2)).save(
        buffer, "JPEG", quality=85)
    photo = buffer.getvalue()
    started = time.perf_counter()
    for _ in range(args.pictures):
        assert attachments.thumbnail_of(photo)
    seconds = time.perf_counter() - started
    results.update(pictures=args.pictures, thumbnails_ms=round(seconds * 1000, 1),
                   thumbnail_each_ms=round(seconds * 1000 / args.pictures, 2))
    print(f"{args.pictures} thumbnails of 1568×1176 JPEGs: {seconds * 1000:.0f} ms "
          f"({results['thumbnail_each_ms']} ms each)")
    results.update(load_chat_200_pictures(args.pictures, photo))
    print(json.dumps(results))
    return 0


def load_chat_200_pictures(count: int, photo: bytes) -> dict[str, float]:
    """Opening a chat with `count` pictures reads only their records, never the files."""
    from desktop_chat.store import ChatStore, Message

    with tempfile.TemporaryDirectory() as temp:
        store = ChatStore(Path(temp), auto_backup=False, search_in_background=False)
        store.open()
        chat = store.create_chat("pictures")
        for n in range(count):
            item = attachments.prepare_bytes(photo[:-2] + bytes([n % 256, n // 256]) + photo[-2:], f"photo {n}.jpg")
            store.put_attachment(item.data, item.mime, item.sha256)
            store.append_message(chat.id, Message.new("user", f"picture {n}", attachments=[item.to_ref()]))
            store.append_message(chat.id, Message.new("assistant", f"I see picture {n}."))
        store.close()
        store = ChatStore(Path(temp), auto_backup=False, search_in_background=False)
        store.open()
        started = time.perf_counter()
        loaded = store.load_chat(chat.id)
        seconds = time.perf_counter() - started
        store.close()
    assert sum(len(m.attachments) for m in loaded.messages) == count
    print(f"load_chat of a chat with {count} pictures ({len(loaded.messages)} messages): {seconds * 1000:.1f} ms")
    return {"load_chat_pictures_ms": round(seconds * 1000, 2)}


if __name__ == "__main__":
    sys.exit(main())
