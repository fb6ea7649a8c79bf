"""Imported by the worker pool's forkserver, before it forks any worker.

A worker's first file used to cost it about a second more than the next:
importing spaCy, loading and checking the patterns, compiling them and
building the figure grammar.  Reading one short report here does all of
that once, in the forkserver, so that every worker is forked with it done
and the cost is paid while the run's other start-up (Prefect) goes on.

The report is made up and written to a temporary file; nothing of it
reaches any output.  A failure here is left for the first real file to
meet and report in its own row.
"""

from __future__ import annotations

import os
import tempfile

from cchc.pipeline.run.process import process_file

# A short report with what each step looks for: a header, a dated document
# cited by number, figures with units, a reform area.
_REPORT = """ỦY BAN NHÂN DÂN
HUYỆN MẪU
Số: 12/BC-UBND
Mẫu, ngày 15 tháng 6 năm 2023

BÁO CÁO
Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2023

I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH
Ủy ban nhân dân huyện ban hành Kế hoạch số 25/KH-UBND ngày 10/01/2023 về cải cách hành chính năm 2023.
II. CẢI CÁCH THỦ TỤC HÀNH CHÍNH
Tiếp nhận 1.246 hồ sơ, đã giải quyết 1.200 hồ sơ, đạt 96,3%; ban hành 32 văn bản.

Nơi nhận:
- UBND tỉnh;
- Lưu: VT.
CHỦ TỊCH
Nguyễn Văn A
"""


def warm() -> None:
    handle, path = tempfile.mkstemp(prefix="cchc-warm-", suffix=".txt")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(_REPORT)
        process_file(path)
    except Exception:  # noqa: BLE001 - see the module's docstring
        pass
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


warm()
