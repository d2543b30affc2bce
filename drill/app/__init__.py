"""Use cases: a practice session, the simulated learners that drive it, standing, and the
home screen's plain data. No screen, no SQL of their own."""
