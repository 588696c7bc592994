# Two commands for a fresh machine (README):
#   make book   build the Jupyter Book into _build/html, its Chinese edition into _build/html/zh-cn (both from the
#               same notebooks) and its JupyterLite edition into _build/html/lite
#   make test   unit tests, doctests, nbval over every notebook, the -W book build, the browser test, and
#               the launch paths (Binder, Colab, JupyterLite) in fresh virtual environments
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.k8snet-installed
NBVAL_WORKERS ?= 2
# `make unit EXTRAS=test` installs only what the unit tests need (CI's other-Python jobs).
EXTRAS ?= book,test

.PHONY: book test unit notebooks site browser lint bench system-graphviz system-chromium system-cjk-font clean \
	lite launch-check install-cell install-cell-check system-npm catalogs catalogs-status editions

# The constraints pin the whole dependency tree (resolved on Python 3.11; the same pins install on 3.12 and 3.13).
$(STAMP): pyproject.toml .ci/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c .ci/constraints.txt -e '.[$(EXTRAS)]'
	@touch $@

system-graphviz:
	@command -v dot >/dev/null 2>&1 || bash .ci/install-system-packages graphviz

# npm packs the Pyodide runtime for the JupyterLite edition (npm registry only).
system-npm:
	@command -v npm >/dev/null 2>&1 || bash .ci/install-system-packages npm

system-chromium:
	@test -x "$${K8SNET_CHROMIUM:-/usr/bin/chromium}" || command -v chromium >/dev/null 2>&1 || bash .ci/install-system-packages chromium

# A CJK font, so that the browser test's screenshot of a page with the article's Chinese shows glyphs, not boxes
system-cjk-font:
	@fc-list :lang=zh 2>/dev/null | grep -q . || bash .ci/install-system-packages fonts-noto-cjk

bench: $(STAMP) system-graphviz
	$(BIN)/python benchmarks/book_build.py

# The translated editions (book/_ext/k8snet_i18n.py): each is built from the same notebooks with Sphinx's
# `language` set, its messages from locale/<lang>/LC_MESSAGES/, into _build/html/<folder> (zh_CN: zh-cn).
EDITIONS ?= zh_CN

book: $(STAMP) system-graphviz system-npm
	$(BIN)/jupyter-book build . --keep-going
	$(MAKE) editions
	$(BIN)/python book/_lite/k8snet_lite.py
	@echo
	@echo "The book is built: file://$(CURDIR)/_build/html/index.html (中文版: _build/html/zh-cn/index.html)"

# Only the translated editions (after the English one: they go into its _build/html). W=1: warnings are errors.
editions: $(STAMP) system-graphviz
	@for lang in $(EDITIONS); do $(BIN)/python book/_ext/k8snet_i18n.py build $$lang $(if $(W),-W) || exit 1; done

# After changing a chapter (or a _() message of the library): refresh every catalog from the sources. New messages
# come in untranslated, changed ones fuzzy; translate them in the .po files (README, "Translations").
catalogs: $(STAMP)
	$(BIN)/python book/_ext/k8snet_i18n.py update $(EDITIONS)

catalogs-status: $(STAMP)
	$(BIN)/python book/_ext/k8snet_i18n.py status $(EDITIONS)

# ruff over code, tests, benchmarks and notebooks; ruff format; mypy against .ci/mypy-baseline.json (only shrinks)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python .ci/mypy_baseline.py
	$(BIN)/python .ci/check_clean_notebooks.py

unit: $(STAMP) system-graphviz
	$(BIN)/pytest -n auto -m "not browser and not launch" tests k8snet

# nbval once per edition's language: the library prints its prose in K8SNET_LANGUAGE, and every hidden check
# must hold in each edition
notebooks: $(STAMP) system-graphviz
	@for lang in en $(EDITIONS); do echo "nbval, K8SNET_LANGUAGE=$$lang"; \
		K8SNET_LANGUAGE=$$lang $(BIN)/pytest -p no:cacheprovider --nbval-lax --nbval-current-env \
		-n $(NBVAL_WORKERS) --dist loadfile -o addopts="" --nbval-sanitize-with .ci/nbval-sanitize.cfg book \
		|| exit 1; done

# The repository and launch buttons come from K8SNET_REPOSITORY=owner/name and K8SNET_BRANCH (unset: none shown).
site: $(STAMP) system-graphviz system-npm
	rm -rf _build/html _build/.doctrees _build/.jupyter_cache _build/jupyter_execute $(foreach lang,$(EDITIONS),_build/$(lang))
	$(BIN)/jupyter-book build . -W --keep-going
	$(MAKE) editions W=1
	$(BIN)/python book/_lite/k8snet_lite.py

# The JupyterLite edition into _build/html/lite (book/_lite/README.md); `make book` and `make site` build it too.
lite: $(STAMP) system-npm
	$(BIN)/python book/_lite/k8snet_lite.py

browser: $(STAMP) system-chromium system-cjk-font
	$(BIN)/pytest -p no:cacheprovider -o addopts="" -m browser tests/browser

# Binder's pip step and every chapter in a fresh venv, every chapter as Colab runs it (fresh venv without k8snet,
# the install cell pointed at a copy of the checkout), the JupyterLite build's offline checks (a chapter runs in
# it with the network off). About 4 minutes alone with warm pip/npm caches (the venvs reuse pip's cache).
launch-check: $(STAMP) system-graphviz system-chromium system-npm
	$(BIN)/pytest -p no:cacheprovider --import-mode=importlib -o addopts="" -m launch tests/launch

# Write the chapters' install cell (what Colab installs k8snet from): REPOSITORY=owner/name; without it, the
# repository the chapters already name (a new chapter is brought in line), else the origin remote.
install-cell: $(STAMP)
	$(BIN)/python book/_ext/k8snet_launch.py install-cell $(if $(REPOSITORY),--repository $(REPOSITORY))

install-cell-check: $(STAMP)
	$(BIN)/python book/_ext/k8snet_launch.py install-cell-check $(if $(REPOSITORY),--expected $(REPOSITORY))

test: lint unit notebooks site browser launch-check
	@echo "make test: all green"

clean:
	rm -rf _build
