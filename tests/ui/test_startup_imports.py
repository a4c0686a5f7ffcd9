"""What the window loads before its first paint (issue 18): the Markdown renderer and the highlighter
(~40 ms of imports) are needed only once a message is drawn, the API types once a message is sent: they
are loaded after the paint (prewarm)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import argparse, json, sys
from PySide6.QtWidgets import QApplication
from desktop_chat.app import create_main_window
app = QApplication([])
window = create_main_window(argparse.Namespace(data_dir=sys.argv[1], config_dir=sys.argv[2], api_base=None))
window.show()
window.repaint()
app.processEvents()
print(json.dumps(sorted(sys.modules)))
window.services.store.close()
"""

AFTER_THE_PAINT = ("desktop_chat.ui.render", "desktop_chat.ui.streaming_document", "markdown_it", "pygments",
                   "desktop_chat.api.types")


def test_the_window_paints_without_loading_the_markdown_renderer(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "data"), str(tmp_path / "config")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "desktop_chat.ui.main_window" in loaded
    assert not loaded.intersection(AFTER_THE_PAINT)
