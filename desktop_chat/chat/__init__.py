"""The conversation below the window: sessions (the use cases) and the request plan. No Qt here."""
