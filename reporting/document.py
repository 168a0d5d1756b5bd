"""The results paragraphs of the report's section II (II.1-II.5), rendered from the figures in the
report's own sentence forms, as one text document under ``data/reports/<code>_<start>_<end>/``."""

from __future__ import annotations

from pathlib import Path

from pipeline.report_requests import ReportRequest
from reporting.figures import Sentence, load_catalogue


def write_results_document(directory: Path, request: ReportRequest, sentences: list[Sentence], incomplete: str | None) -> Path:
    """``incomplete``: the completeness line when not every register owed was sent; the document
    then says so before its figures, so nobody signs a partial count as the whole."""
    period = request.period
    by_key = {s.key: s for s in sentences}
    lines = [
        f"KẾT QUẢ CÔNG TÁC DÂN VẬN - {request.unit_name.upper()}",
        f"{period.label_vi}: từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}",
        "(Số liệu tổng hợp tự động từ sổ sách, biểu mẫu các cơ quan, đơn vị gửi về)",
    ]
    if incomplete:
        lines.append(f"LƯU Ý: SỐ LIỆU CHƯA ĐẦY ĐỦ - {incomplete}.")
    lines += ["", "II. KẾT QUẢ CÔNG TÁC DÂN VẬN"]
    for section in load_catalogue()["sections"]:
        lines += ["", section["title_vi"], ""]
        present = [by_key[key] for key in section["sentences"] if key in by_key]
        if not present:
            lines.append("- (Chưa đủ số liệu để tổng hợp phần này trong kỳ.)")
        lines += [f"- {sentence.text_vi[:1].upper()}{sentence.text_vi[1:].rstrip('.')}." for sentence in present]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bao-cao-ket-qua_{request.slug}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
