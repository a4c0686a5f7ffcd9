"""The formula worker process: reads one JSON request a line on stdin, writes one JSON reply a line.

Request: [id, latex, display, color, font_px, dpr]. Reply: [id, svg or null, seconds]. Pure Python
(ziamath); the parent draws the SVG. Started by formula_pool as `python -m desktop_chat.ui.formula_worker`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys


def main() -> None:
    # Below the app's priority: on a busy machine (two cores, a reply streaming in) the window's thread
    # gets the processor first; a formula shows its source a moment longer instead.
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(10)
    from desktop_chat.ui import formula_svg

    for line in sys.stdin:
        try:
            job, latex, display, color, font_px, dpr = json.loads(line)
            svg, seconds = formula_svg.timed_formula_svg((latex, bool(display), color, float(font_px), float(dpr)))
        except Exception:  # a malformed request: answer "cannot render" rather than die
            job, svg, seconds = (json.loads(line)[0] if line.strip().startswith("[") else -1), None, 0.0
        sys.stdout.write(json.dumps([job, svg, seconds]) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
