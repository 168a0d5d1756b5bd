"""The results paragraphs of the report's section II (II.1-II.5), rendered from the figures in the
report's own sentence forms, as one text document under ``data/reports/<period>/``."""

from __future__ import annotations

from pathlib import Path

from pipeline.period import ReportPeriod
from reporting.figures import Sentence, load_catalogue


def write_results_document(directory: Path, period: ReportPeriod, sentences: list[Sentence], city_name: str) -> Path:
    by_key = {s.key: s for s in sentences}
    lines = [
        f"KẾT QUẢ CÔNG TÁC DÂN VẬN - {city_name.upper()}",
        f"Kỳ báo cáo {period.label}: từ ngày {period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}",
        "(Số liệu tổng hợp tự động từ sổ sách, biểu mẫu các cơ quan, đơn vị gửi về)",
        "",
        "II. KẾT QUẢ CÔNG TÁC DÂN VẬN",
    ]
    for section in load_catalogue()["sections"]:
        lines += ["", section["title_vi"], ""]
        present = [by_key[key] for key in section["sentences"] if key in by_key]
        if not present:
            lines.append("- (Chưa đủ số liệu để tổng hợp phần này trong kỳ.)")
        lines += [f"- {sentence.text_vi[:1].upper()}{sentence.text_vi[1:].rstrip('.')}." for sentence in present]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bao-cao-ket-qua_{period.label.replace('..', '_')}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
