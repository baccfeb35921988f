"""The main window around the screens: banner, status bar, app services, engine bridge."""
