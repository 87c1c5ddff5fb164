# Menpiao — every target sets up what it needs on a fresh Debian machine.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
EMU_VENV ?= .venv-emupos
# emupos needs Python 3.13: the first candidate that really runs (a pyenv shim may not).
PY313 ?= $(shell for c in $$HOME/.pyenv/versions/3.13*/bin/python /root/.pyenv/versions/3.13*/bin/python \
	/usr/bin/python3.13 /usr/local/bin/python3.13 python3.13; do \
	"$$c" -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1 && { echo "$$c"; break; }; done)
SYS_PKGS := fonts-wqy-microhei xvfb libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 \
	libxcb-image0 libdbus-1-3 libfontconfig1
QM := resources/i18n/menpiao_zh_CN.qm
# The suite runs in one pytest process per core (pytest-xdist); PYTEST_ARGS="-n 0 tests/ui" for one.
PYTEST_ARGS ?= -n auto

.PHONY: run test test-anyhour bench lint sysdeps venv emupos translations screenshots clean

run: sysdeps venv $(QM)
	$(PY) main.py $(ARGS)

test: sysdeps venv emupos $(QM)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen MENPIAO_EMUPOS=$(abspath $(EMU_VENV))/bin/emupos \
		$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

# The suite with the clock at 23:30 and 07:30 venue time (libfaketime): no test depends on the hour.
test-anyhour: sysdeps venv emupos $(QM)
	.ci/anyhour 23:30 07:30 -- $(PYTEST_ARGS)

bench: sysdeps venv emupos $(QM)
	QT_QPA_PLATFORM=offscreen MENPIAO_EMUPOS=$(abspath $(EMU_VENV))/bin/emupos $(PY) -m bench

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

venv: $(VENV)/.stamp
$(VENV)/.stamp: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

emupos: $(EMU_VENV)/.stamp
$(EMU_VENV)/.stamp:
	@test -n "$(PY313)" || { echo "emupos needs Python 3.13 (set PY313=...)"; exit 1; }
	test -x $(EMU_VENV)/bin/python || $(PY313) -m venv $(EMU_VENV)
	$(EMU_VENV)/bin/python -m pip install -q 'emupos>=0.4,<0.5'
	touch $@

# Debian packages: a CJK font (or Chinese shows as boxes), Xvfb and the libraries Qt's xcb plugin loads.
sysdeps:
	@missing=$$(for p in $(SYS_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		SUDO=$$([ $$(id -u) -eq 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

translations: $(QM)
$(QM): resources/i18n/menpiao_zh_CN.ts | venv
	$(VENV)/bin/pyside6-lrelease $< -qm $@

screenshots: sysdeps venv $(QM)
	$(PY) main.py screenshots docs/screenshots

clean:
	rm -rf $(VENV) $(EMU_VENV)
