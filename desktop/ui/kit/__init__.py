"""Small pieces every screen uses: task runner, refresher, delegates, theme, formatting."""
