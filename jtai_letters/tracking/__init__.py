"""What was promised, across letters: the register, the progress report, the deadlines calendar."""
