"""The composer: a new sequence from leads, steps and a schedule."""
