"""Everything cchc installs lives under the one import name `cchc`: the
folders `pipeline/` and `flows/` are installed as the packages `cchc.pipeline`
and `cchc.flows`, so that generic names cannot clash with other installed
packages, and the folder `patterns/` (data) as `cchc.patterns`, so that a wheel
carries it and the library finds it through importlib.resources wherever
cchc is installed.  pyproject.toml holds everything else; this mapping is the
one thing it cannot say."""

from setuptools import find_packages, setup

FOLDERS = {"cchc.pipeline": "pipeline", "cchc.flows": "flows"}

setup(
    packages=["cchc", "cchc.patterns"]
    + [name for package, folder in FOLDERS.items() for name in [package] + [f"{package}.{sub}" for sub in find_packages(folder)]],
    package_dir={"cchc": "cchc", "cchc.patterns": "patterns", **FOLDERS},
    package_data={"cchc.patterns": ["**/*.yaml", "*.md"]},
)
