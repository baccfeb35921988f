"""Two-way texting: the conversations inbox, answers and keyword auto-replies (sent by the
engine like any message), and saved messages (templates)."""
