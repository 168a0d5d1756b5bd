"""The dbt docs site is generated again only when the dbt project changed (issue 9: a nightly on
the same project does not pay for a second full parse)."""

from pipeline.dbt import dbt_docs, project_digest
from pipeline.paths import DataPaths
from tests.dag_runs import copy_build


def test_docs_are_generated_once_per_project_version(sample_build, tmp_path):
    _, build = sample_build
    paths = DataPaths(tmp_path / "data")
    copy = copy_build(build, paths.root)

    site = dbt_docs(paths, copy)
    stamp = site.with_name("project-digest.txt")
    assert "<html" in site.read_text(encoding="utf-8")[:2000].lower()
    assert stamp.read_text(encoding="utf-8").strip() == project_digest()
    made = site.stat().st_mtime_ns

    assert dbt_docs(paths, copy) == site
    assert site.stat().st_mtime_ns == made  # same project: the site is kept, dbt is not run

    stamp.write_text("another-project\n", encoding="utf-8")  # as after an edit of a model
    dbt_docs(paths, copy)
    assert site.stat().st_mtime_ns != made
    assert stamp.read_text(encoding="utf-8").strip() == project_digest()


def test_the_digest_follows_the_project_files(tmp_path):
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "a.sql").write_text("select 1", encoding="utf-8")
    (project / "target").mkdir()
    first = project_digest(project)
    (project / "target" / "manifest.json").write_text("{}", encoding="utf-8")  # dbt's output: ignored
    assert project_digest(project) == first
    (project / "models" / "a.sql").write_text("select 2", encoding="utf-8")
    assert project_digest(project) != first
