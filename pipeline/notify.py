"""Mail to the office when the nightly fails or leaves a clerk's file unread.

An Airflow notifier (``RunMailNotifier``) sends it over SMTP through the Airflow connection
``laichau_smtp`` (configured like any connection: ``AIRFLOW_CONN_LAICHAU_SMTP`` or the UI), to the
addresses in ``LAICHAU_NOTIFY_TO`` or the connection's extra ``to``. Without that connection the
notifier only logs, so a machine without mail runs the same DAG.

What a mail holds is what a clerk or data engineer acts on: the run, the failed task and its error,
the quarantined files with their error reports (file, sheet, row, column, rule, what to do), the
submissions validation rejected. Error reports and messages of this pipeline name locations and
rules only, never a cell's value, so no personal value travels by mail; the error text of a failed
task is cut to its first lines as a further guard.
"""

from __future__ import annotations

import html
import json
import logging
import os
from pathlib import Path
from typing import Any

from airflow.sdk import BaseNotifier

log = logging.getLogger(__name__)

CONNECTION_ID = "laichau_smtp"
RECIPIENTS_ENV = "LAICHAU_NOTIFY_TO"
# An error report can be long (one line per bad cell): the mail shows its head and says where the rest is.
MAX_REPORT_LINES = 40
MAX_ERROR_CHARS = 600


def _recipients(extra: dict[str, Any]) -> list[str]:
    raw = os.environ.get(RECIPIENTS_ENV) or extra.get("to") or ""
    return [address.strip() for address in str(raw).replace(";", ",").split(",") if address.strip()]


def _report_head(report: str | None) -> list[str]:
    if not report or not Path(report).is_file():
        return []
    lines = Path(report).read_text(encoding="utf-8", errors="replace").splitlines()
    head = lines[:MAX_REPORT_LINES]
    if len(lines) > MAX_REPORT_LINES:
        head.append(f"… ({len(lines) - MAX_REPORT_LINES} dòng nữa / more lines: {report})")
    return head


def compose(
    *,
    dag_id: str,
    run_id: str,
    failed_task: str | None = None,
    error: str | None = None,
    quarantined: list[dict] | None = None,
    rejected: list[dict] | None = None,
    nothing_sent: list[str] | None = None,
) -> tuple[str, str] | None:
    """(subject, HTML body) of the run's mail, or None when there is nothing to tell: a run that
    succeeded with every file read needs no mail. Quarantined files already reported by an earlier
    run (``new`` false) are listed only beside a new problem, not mailed night after night."""
    quarantined = quarantined or []
    rejected = rejected or []
    nothing_sent = nothing_sent or []
    new_files = [q for q in quarantined if q.get("new", True)]
    if not (failed_task or new_files or rejected or nothing_sent):
        return None
    parts: list[str] = []
    if failed_task:
        subject = f"[Dân vận] Lần chạy hằng đêm bị lỗi ở bước {failed_task} / Nightly run failed at {failed_task}"
        first_lines = "\n".join((error or "").splitlines()[:8])[:MAX_ERROR_CHARS]
        parts.append(
            f"<p>Lần chạy <b>{html.escape(run_id)}</b> của <b>{html.escape(dag_id)}</b> dừng ở bước "
            f"<b>{html.escape(failed_task)}</b>; kho dữ liệu đã công bố trước đó vẫn giữ nguyên.<br>"
            f"Run <b>{html.escape(run_id)}</b> of <b>{html.escape(dag_id)}</b> stopped at task "
            f"<b>{html.escape(failed_task)}</b>; the previously published warehouse is unchanged.</p>"
            f"<pre>{html.escape(first_lines)}</pre>"
            "<p>Xem nhật ký của bước này trong Airflow. / See the task's log in Airflow.</p>"
        )
    else:
        count = len(new_files) + len(rejected)
        subject = f"[Dân vận] {count} tệp cần sửa / {count} file(s) to fix"
        parts.append(
            f"<p>Lần chạy <b>{html.escape(run_id)}</b> đã công bố số liệu, nhưng các tệp dưới đây chưa được "
            f"tính: hãy báo đơn vị gửi sửa và gửi lại.<br>Run <b>{html.escape(run_id)}</b> published its "
            "figures, but the files below were not counted: ask their senders to fix and resend them.</p>"
        )
    if quarantined:
        parts.append("<h3>Tệp bị cách ly (không đọc được) / Quarantined files (unreadable)</h3><ul>")
        for q in quarantined:
            state = "mới / new" if q.get("new", True) else "vẫn chưa sửa / still not fixed"
            parts.append(
                f"<li><b>{html.escape(str(q['file']))}</b> — {q.get('errors', 0)} lỗi / error(s) "
                f"({html.escape(', '.join(q.get('rules', [])))}; {state})"
                f"<pre>{html.escape(chr(10).join(_report_head(q.get('report'))))}</pre></li>"
            )
        parts.append("</ul>")
    if rejected:
        parts.append("<h3>Bài gửi bị loại khi kiểm tra / Submissions rejected by validation</h3><ul>")
        for r in rejected:
            checks = "; ".join(r.get("checks", []))
            parts.append(
                f"<li><b>{html.escape(str(r['file']))}</b> — {html.escape(checks)} ({r.get('rows', 0)} dòng / rows)"
                f"<pre>{html.escape(chr(10).join(_report_head(r.get('report'))))}</pre></li>"
            )
        parts.append("</ul>")
    if nothing_sent:
        parts.append(
            "<h3>Chưa đơn vị nào gửi số liệu cho / Nothing was sent for</h3><ul>"
            + "".join(f"<li>{html.escape(name)}</li>" for name in nothing_sent)
            + "</ul>"
        )
    return subject, "\n".join(parts)


def send(subject: str, body: str, conn_id: str = CONNECTION_ID) -> bool:
    """Send through the Airflow SMTP connection; False (and a log line) when none is configured."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        extra = BaseHook.get_connection(conn_id).extra_dejson
    except AirflowNotFoundException:
        log.info("No Airflow connection %r: the run's mail is not sent (%s)", conn_id, subject)
        return False
    to = _recipients(extra)
    if not to:
        log.warning("Connection %r has no recipients (%s or extra 'to'): mail not sent", conn_id, RECIPIENTS_ENV)
        return False
    with SmtpHook(smtp_conn_id=conn_id) as hook:
        hook.send_email_smtp(to=to, subject=subject, html_content=body, from_email=extra.get("from_email") or to[0])
    log.info("Mailed %s: %s", ", ".join(to), subject)
    return True


def _xcom(context: dict, task_id: str) -> dict:
    try:
        value = context["ti"].xcom_pull(task_ids=task_id)
    except Exception:  # a task that never ran has no XCom; the mail goes without its part
        return {}
    return value if isinstance(value, dict) else {}


class RunMailNotifier(BaseNotifier):
    """On a task's failure (``on_failure_callback``): the failed task and its error. After the
    report (``on_success_callback`` of the last stage): the files that were not counted. Each
    mail also lists the files this run quarantined or rejected, from the ingest and validate
    tasks' results."""

    template_fields = ()

    def __init__(self, conn_id: str = CONNECTION_ID):
        super().__init__()
        self.conn_id = conn_id

    def notify(self, context: dict) -> None:
        ti = context["ti"]
        exception = context.get("exception")
        failed = exception is not None or str(getattr(ti, "state", "")).endswith("failed")
        summary = _xcom(context, "report")
        if not summary:
            summary = _run_summary(context)
        message = compose(
            dag_id=ti.dag_id,
            run_id=context["run_id"],
            failed_task=ti.task_id if failed else None,
            error=str(exception) if exception is not None else None,
            quarantined=_xcom(context, "ingest").get("quarantined") or summary.get("quarantined"),
            rejected=_xcom(context, "validate").get("rejected") or summary.get("rejected"),
            nothing_sent=summary.get("nothing_sent"),
        )
        if message is None:
            return
        try:
            send(*message, conn_id=self.conn_id)
        except Exception:  # mail must never turn a run's result into another one
            log.exception("The run's mail could not be sent")


def _run_summary(context: dict) -> dict:
    """The report stage's summary file, for a report task whose XCom is not readable yet."""
    from pipeline.paths import DataPaths
    from pipeline.stages import _safe_run_name

    file = DataPaths.from_env().runs / f"{_safe_run_name(context['run_id'])}.json"
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
