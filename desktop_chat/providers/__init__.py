"""Chat APIs behind one small protocol (see base.py). No Qt here."""
