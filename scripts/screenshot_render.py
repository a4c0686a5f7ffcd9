"""Render a sample Russian reply in light and dark theme and save PNGs to docs/screenshots/.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_render.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QTextBrowser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_chat.ui.render import render_message
from desktop_chat.ui.theme import apply_theme, theme_for

SAMPLE = r"""# Ответ модели

Вот **краткий** обзор с `inline code`, ссылкой на [Яндекс](https://ya.ru) и ~~лишним~~ текстом.
Знаменитая формула $E=mc^2$ стоит прямо в строке, как и дробь $\frac{a}{b}$, а цены $5 и $10 — нет.

## Список

1. Первый пункт
2. Второй пункт
   - вложенный пункт
   - ещё один
3. Третий

| Язык   | Год  | Типизация  |
|--------|-----:|:----------:|
| Python | 1991 | динамическая |
| Rust   | 2015 | статическая |

```python
def square(x: float) -> float:
    # Квадрат числа
    return x ** 2  # возвращает x²

print(square(3))
```

Интеграл:

$$\int_0^1 x^2\,dx = \frac{1}{3}$$

> Цитата: «простота — залог надёжности».

Плохая формула: $\frac{1}{$ остаётся текстом.
"""


def shoot(app: QApplication, dark: bool, out: Path) -> None:
    apply_theme(app, "dark" if dark else "light")
    theme = theme_for(dark)
    browser = QTextBrowser()
    browser.resize(760, 1040)
    pal = browser.palette()
    pal.setColor(QPalette.ColorRole.Base, theme.assistant_bg)
    browser.setPalette(pal)
    rendered = render_message(SAMPLE, dark, copy_label="Копировать")
    rendered.add_images_to(browser.document())
    browser.setHtml(rendered.html)
    browser.show()
    app.processEvents()
    browser.grab().save(str(out))
    browser.close()


def main() -> None:
    app = QApplication(sys.argv)
    out_dir = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    out_dir.mkdir(parents=True, exist_ok=True)
    shoot(app, False, out_dir / "render-light.png")
    shoot(app, True, out_dir / "render-dark.png")
    print(f"saved {out_dir}/render-light.png and render-dark.png")


if __name__ == "__main__":
    main()
