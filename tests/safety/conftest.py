"""Fixtures of the safety tests: the bad-input corpus, built once per run into a temporary folder."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

CORPUS_SCRIPT = Path(__file__).resolve().parents[1] / "data" / "bad" / "make_corpus.py"


def load_corpus_module():
    """Import tests/data/bad/make_corpus.py by path as `riskreg_bad_corpus` (tests/ folders are not packages)."""
    spec = importlib.util.spec_from_file_location("riskreg_bad_corpus", CORPUS_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # test modules then `import riskreg_bad_corpus`
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


corpus_module = load_corpus_module()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """Return the folder the corpus files are built into (each built on first use)."""
    return tmp_path_factory.mktemp("bad-corpus")


@pytest.fixture(scope="session")
def bases(corpus_dir):
    """Return the good register, export and template the corpus is made from."""
    return corpus_module.make_bases(corpus_dir / "bases")


@pytest.fixture
def bad_file(corpus_dir, bases):
    """Return a function building one corpus input by name (once per run) and returning its path."""

    def build(name: str) -> Path:
        return corpus_module.build_corpus(corpus_dir, {name})[name]

    return build


@pytest.fixture(scope="session")
def sample_workbook_bytes(bases) -> bytes:
    """Return the bytes of a good register workbook (imported from the sample), for tests that damage it."""
    return bases.register.read_bytes()
