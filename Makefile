# Two commands for a fresh machine (README):
#   make book   build the Jupyter Book into _build/html
#   make test   unit tests, doctests, nbval over every notebook, the -W book build, the browser test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.k8snet-installed
NBVAL_WORKERS ?= 2
# `make unit EXTRAS=test` installs only what the unit tests need (CI's other-Python jobs).
EXTRAS ?= book,test

.PHONY: book test unit notebooks site browser lint bench system-graphviz system-chromium system-cjk-font clean

# The constraints pin the whole dependency tree (resolved on Python 3.11; the same pins install on 3.12 and 3.13).
$(STAMP): pyproject.toml .ci/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c .ci/constraints.txt -e '.[$(EXTRAS)]'
	@touch $@

system-graphviz:
	@command -v dot >/dev/null 2>&1 || bash .ci/install-system-packages graphviz

system-chromium:
	@test -x "$${K8SNET_CHROMIUM:-/usr/bin/chromium}" || command -v chromium >/dev/null 2>&1 || bash .ci/install-system-packages chromium

# A CJK font, so that the browser test's screenshot of a page with the article's Chinese shows glyphs, not boxes
system-cjk-font:
	@fc-list :lang=zh 2>/dev/null | grep -q . || bash .ci/install-system-packages fonts-noto-cjk

bench: $(STAMP) system-graphviz
	$(BIN)/python benchmarks/book_build.py

book: $(STAMP) system-graphviz
	$(BIN)/jupyter-book build . --keep-going
	@echo
	@echo "The book is built: file://$(CURDIR)/_build/html/index.html"

# ruff over code, tests, benchmarks and notebooks; ruff format; mypy against .ci/mypy-baseline.json (only shrinks)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python .ci/mypy_baseline.py
	$(BIN)/python .ci/check_clean_notebooks.py

unit: $(STAMP) system-graphviz
	$(BIN)/pytest -n auto -m "not browser" tests k8snet

notebooks: $(STAMP) system-graphviz
	$(BIN)/pytest -p no:cacheprovider --nbval-lax --nbval-current-env -n $(NBVAL_WORKERS) --dist loadfile \
		-o addopts="" --nbval-sanitize-with .ci/nbval-sanitize.cfg book

site: $(STAMP) system-graphviz
	rm -rf _build/html _build/.jupyter_cache _build/jupyter_execute
	$(BIN)/jupyter-book build . -W --keep-going

browser: $(STAMP) system-chromium system-cjk-font
	$(BIN)/pytest -p no:cacheprovider -o addopts="" -m browser tests/browser

test: lint unit notebooks site browser
	@echo "make test: all green"

clean:
	rm -rf _build
