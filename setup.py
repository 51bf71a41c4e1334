"""For scrapyd-deploy only, which builds its egg with ``python setup.py bdist_egg`` and writes a
setup.py of its own (with another name, version and package list) when there is none. Every
setting lives in pyproject.toml; install with ``pip install -e .``."""

from setuptools import setup

setup()
