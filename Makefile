# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test samples accuracy bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cchc ingest samples --out out
	$(BIN)/cchc report out --html out/report.html
	$(BIN)/cchc compare out

# System packages are installed only by root on a machine with apt-get (CI,
# a container): the HTML report's tests render the page in headless Chromium,
# and the OCR tests run the real Tesseract with its Vietnamese model.  Anyone
# else runs the tests without them: the tests that need them are skipped with
# one line saying what to install.  With CI=true they are never skipped.
# The PDF producer matrix (tests/test_pdf_producers.py) prints one report
# with LibreOffice Writer in Liberation Serif 1.07 (fonts-liberation, what a
# fresh office install has), DejaVu Serif and FreeSerif (Times-metric): the
# packages missing of these are installed too (about 20 s).
APT := $(shell [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && echo yes)
PDF_PRODUCER_PACKAGES := libreoffice-writer fonts-liberation fonts-dejavu-core fonts-freefont-ttf

test: $(STAMP)
ifeq ($(APT),yes)
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	-command -v tesseract >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tesseract-ocr tesseract-ocr-vie >/dev/null)
	-@missing=$$(for p in $(PDF_PRODUCER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null)
endif
	$(BIN)/python -m pytest -q

# Speed and memory on a generated corpus of 250, 500 and 1,000 reports, all
# measured in one run (see docs/performance.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/end_to_end.py
	$(BIN)/python benchmarks/extraction_references.py
	$(BIN)/python benchmarks/extraction_counts.py

# Rebuild the DOCX and PDF samples from the text sample, and the DOCX and PDF
# gold reports from their sources (needs a TrueType font with Vietnamese
# glyphs, such as Debian's fonts-dejavu-core).
samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py
	$(BIN)/python scripts/gold_reports.py

# Accuracy of the pipeline on every hand-checked gold (see docs/accuracy.md).
accuracy: $(STAMP)
	$(BIN)/python scripts/accuracy.py

clean:
	rm -rf $(VENV) out .pytest_cache
