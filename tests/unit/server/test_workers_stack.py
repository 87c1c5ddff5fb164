"""`main.py server` runs uvicorn's compiled stack (httptools, uvloop) when it is installed, and
falls back part by part to the pure-Python h11 and asyncio loop when it is not."""

import sys

from uvicorn.config import HTTP_PROTOCOLS, LOOP_FACTORIES

from server.workers import fast_stack


def test_the_compiled_stack_when_installed():
    assert fast_stack() == {"http": "httptools", "loop": "uvloop"}  # project dependencies


def test_each_missing_part_falls_back_to_pure_python(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if not installed: import fails
    assert fast_stack() == {"http": "httptools", "loop": "asyncio"}
    monkeypatch.setitem(sys.modules, "httptools", None)
    stack = fast_stack()
    assert stack == {"http": "h11", "loop": "asyncio"}
    assert stack["http"] in HTTP_PROTOCOLS and stack["loop"] in LOOP_FACTORIES
