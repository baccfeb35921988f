"""Message text: encoding and segments, merge-field templates, media links, cost."""
