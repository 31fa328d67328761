"""`file` sources read only regular files inside the import folders, within the size cap,
and their errors never quote what the file holds (issue 12, finding 1)."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import MINIMAL_COMPANY, make_settings
from trendwatch.collect.run import collect_sources
from trendwatch.config.check import check_text
from trendwatch.config.load import load_settings
from trendwatch.errors import ConfigError

COMPANY = '[company]\nname = "Acme"\n'
SECRET_LINE = "AWS_SECRET_ACCESS_KEY=s3cr3t-from-the-environment"


def storage(*dirs, extra: str = "") -> str:
    return f"[storage]\nimport_dirs = {json.dumps([str(d) for d in dirs])}\n{extra}"


def file_source(name: str, path, extra: str = "") -> str:
    return f'[[sources]]\nkind = "file"\nname = "{name}"\npath = "{path}"\n{extra}'


def test_proc_environ_is_refused_at_config_time_naming_source_and_key():
    with pytest.raises(ConfigError) as caught:
        make_settings(file_source("evil", "/proc/self/environ"))
    message = str(caught.value)
    assert "sources[0].path: source 'evil': /proc/self/environ (a link to /proc/" in message
    assert "is under /proc, which holds no exports" in message
    line = MINIMAL_COMPANY.count("\n") + 1 + 4  # [company], a blank line, then the 4th line
    assert f"test.toml:{line}: sources[0].path" in message


def test_kernel_folders_stay_refused_even_when_listed_as_import_dirs():
    with pytest.raises(ConfigError, match=r"sources\[0\]\.path: .*under /proc, which holds no exports"):
        make_settings(storage("/") + file_source("evil", "/proc/self/environ"))
    with pytest.raises(ConfigError, match=r"sources\[0\]\.path: .*outside the import folders"):
        make_settings(file_source("keys", "~/.ssh/id_ed25519"))


def test_check_config_reports_a_path_outside_the_import_folders(tmp_path):
    outside = tmp_path / "elsewhere" / "x.jsonl"
    config = tmp_path / "conf" / "feeds.toml"
    text = COMPANY + file_source("stray", outside)
    check = check_text(text, config)
    assert not check.ok
    assert any("sources[0].path" in p and "'stray'" in p and str(outside) in p for p in check.problems)


def test_import_dirs_and_relative_paths_are_relative_to_the_config_file(tmp_path, monkeypatch):
    conf = tmp_path / "conf"
    (conf / "exports").mkdir(parents=True)
    (conf / "feeds.toml").write_text(COMPANY + storage("exports") + file_source("rel", "exports/a.jsonl"))
    monkeypatch.chdir(tmp_path)  # not the config's folder: the paths must not depend on it
    settings = load_settings(conf / "feeds.toml")
    assert settings.storage.import_roots() == [(conf / "exports").resolve()]
    assert settings.sources[0].path == str((conf / "exports" / "a.jsonl").resolve())


async def test_symlink_out_of_the_import_folder_is_refused_at_fetch_time(tmp_path, store, now):
    inside = tmp_path / "imports"
    inside.mkdir()
    secret_file = tmp_path / "private.csv"
    secret_file.write_text(SECRET_LINE + "\n")
    link = inside / "export.csv"
    link.write_text("title\nplaceholder\n")  # valid when the config is checked
    settings = make_settings(storage(inside) + file_source("linked", link, 'format = "csv"\n'))
    link.unlink()
    link.symlink_to(secret_file)  # swapped for a link pointing out afterwards
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error" and "outside the import folders" in outcome.message
    assert "s3cr3t" not in outcome.message


async def test_a_folder_source_skips_links_pointing_out_and_reads_the_rest(tmp_path, store, now):
    inside = tmp_path / "imports"
    inside.mkdir()
    (inside / "good.jsonl").write_text('{"id": "g1", "title": "Cargo bikes win"}\n')
    outside = tmp_path / "private.jsonl"
    outside.write_text(json.dumps({"id": "s", "title": SECRET_LINE}) + "\n")
    (inside / "leak.jsonl").symlink_to(outside)
    settings = make_settings(storage(inside) + file_source("folder", inside))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.new_items == 1
    assert f"leak.jsonl (a link to {outside}) is outside the import folders" in outcome.message
    assert "s3cr3t" not in outcome.message


async def test_fifo_is_refused_without_hanging(tmp_path, store, now):
    inside = tmp_path / "imports"
    inside.mkdir()
    fifo = inside / "pipe.jsonl"
    os.mkfifo(fifo)  # an open() for reading would block until a writer comes
    settings = make_settings(storage(inside) + file_source("fifo", fifo))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error" and "not a regular file" in outcome.message


async def test_a_file_above_the_size_cap_is_refused_naming_size_and_cap(tmp_path, store, now):
    inside = tmp_path / "imports"
    inside.mkdir()
    big = inside / "big.jsonl"
    big.write_text('{"id": "b", "title": "A title long enough to pass the cap"}\n')
    settings = make_settings(storage(inside, extra='import_max_bytes = "20B"\n') + file_source("big", big))
    outcome = (await collect_sources(store, settings, now=now))[0]
    size = big.stat().st_size
    assert outcome.status == "error"
    assert f"{size} bytes" in outcome.message and "import_max_bytes = 20" in outcome.message


async def test_csv_errors_name_file_and_line_but_never_the_content(tmp_path, store, now):
    inside = tmp_path / "imports"
    inside.mkdir()
    dump = inside / "environ.csv"
    # an environment dump read as CSV: its first line would be the "header"
    dump.write_bytes(b"\0".join([SECRET_LINE.encode(), b"HOME=/root", b"PATH=/usr/bin"]))
    settings = make_settings(storage(inside) + file_source("dump", dump, 'format = "csv"\n'))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.status == "error" and f"{dump}:1:" in outcome.message
    assert "expected a header line" in outcome.message
    for leaked in ("s3cr3t", "AWS_SECRET", "HOME=", "/usr/bin"):
        assert leaked not in outcome.message


async def test_bad_json_lines_say_line_and_column_not_the_text(tmp_path, store, now):
    inside = tmp_path / "imports"
    inside.mkdir()
    posts = inside / "posts.jsonl"
    posts.write_text('{"id": "1", "title": "Fine"}\n' + SECRET_LINE + "\n")
    settings = make_settings(storage(inside) + file_source("posts", posts))
    outcome = (await collect_sources(store, settings, now=now))[0]
    assert outcome.new_items == 1
    assert f"{posts}:2: not valid JSON (line 1, column 1: Expecting value)" in outcome.message
    assert "s3cr3t" not in outcome.message
