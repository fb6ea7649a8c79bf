"""The folder `patterns/` (data, at the top of the repository) is installed
as the package `cchc.patterns`, so that a wheel carries it and the library
finds it through importlib.resources wherever cchc is installed.  pyproject.toml
holds everything else; this mapping is the one thing it cannot say."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["pipeline", "pipeline.*", "flows", "flows.*", "cchc", "cchc.*"])
    + ["cchc.patterns"],
    package_dir={"cchc.patterns": "patterns"},
    package_data={"cchc.patterns": ["**/*.yaml", "*.md"]},
)
