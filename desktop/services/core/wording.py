"""Service messages are lower-case clauses ("step 1 has no text"); on screen they are
sentences."""


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    finished = text[-1] in ".!?…" or text.endswith((".)", "?)"))
    return text if finished else text + "."


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a message to the user."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
