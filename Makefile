# The two commands of the README. Each installs what is missing first.
.PHONY: letters test setup

setup:
	@scripts/setup

letters: setup
	.venv/bin/jtai-letters render responses/ -o out/

test: setup
	.venv/bin/ruff check jtai_letters tests
	.venv/bin/ruff format --check jtai_letters tests
	.venv/bin/mypy jtai_letters
	.venv/bin/python -m pytest
