"""Where the application keeps its data and settings.

One place knows the folder layout: platformdirs gives each OS's convention, and the command line
(`--data-dir`, `--config-dir`) or the environment (`DESKTOP_CHAT_DATA_DIR`, `DESKTOP_CHAT_CONFIG_DIR`)
override it for a portable install and for hermetic tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "DesktopChat"
APP_AUTHOR = "DesktopChat"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def resolve_paths(data_dir: str | os.PathLike[str] | None = None,
                  config_dir: str | os.PathLike[str] | None = None) -> AppPaths:
    """Folders from the arguments, else the environment, else the OS convention."""
    import platformdirs

    data = data_dir or os.environ.get("DESKTOP_CHAT_DATA_DIR") or platformdirs.user_data_dir(
        APP_NAME, APP_AUTHOR, roaming=True)
    config = config_dir or os.environ.get("DESKTOP_CHAT_CONFIG_DIR") or platformdirs.user_config_dir(
        APP_NAME, APP_AUTHOR, roaming=True)
    return AppPaths(Path(data).expanduser().absolute(), Path(config).expanduser().absolute())
