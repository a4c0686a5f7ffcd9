"""Command line entry point: `desktop-chat` and `python -m desktop_chat`.

Kept tiny and free of Qt imports so `--version` and argument errors answer at once; the window's
modules are imported only when the window is about to be shown.
"""

from __future__ import annotations

import argparse
import sys

from desktop_chat import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-chat",
        description="Desktop Chat: a desktop client for YandexGPT that keeps your chats on your own disk.",
    )
    parser.add_argument("--version", action="version", version=f"desktop-chat {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="keep chats in DIR (a portable install)")
    parser.add_argument("--config-dir", metavar="DIR", help="keep settings in DIR")
    parser.add_argument("--api-base", metavar="URL",
                        help="use this API base URL for this run (for example a local test server)")
    parser.add_argument("--smoke-test", action="store_true",
                        help="check that the installed application works, then exit (0 = fine)")
    return parser


CLI_COMMANDS = ("ask", "draw", "models")  # desktop_chat/cli.py
_TAKES_VALUE = ("--data-dir", "--config-dir", "--api-base")


def is_cli_command(argv: list[str]) -> bool:
    """True when the first word that is not an option (or an option's value) is a terminal command."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _TAKES_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg in CLI_COMMANDS
    return False


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if is_cli_command(words):  # desktop-chat-cli ask|models …: the terminal command, no window
        from desktop_chat.cli import main as cli_main

        return cli_main(words)
    args = build_parser().parse_args(argv)
    if args.smoke_test:
        from desktop_chat.smoke import run_smoke_test

        return run_smoke_test(args)
    from desktop_chat.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
