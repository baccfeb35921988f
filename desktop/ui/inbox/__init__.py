"""The conversations inbox: the list of leads who wrote, a thread as chat bubbles, the reply
box, and the auto-reply and template settings."""
