"""`annogov users`: bootstrap the first program manager, list, change roles, never lose the last manager."""

from __future__ import annotations

from pathlib import Path

import pytest

from annogov.cli import main
from annogov.store import Store
from annogov.store.channel import ChannelRepository
from governance.roles import OPERATOR, PermissionDenied, Role


def test_bootstrap_list_change_and_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'u.sqlite3'}"
    assert main(["users", "--database", url, "list"]) == 0
    assert "nobody is registered yet" in capsys.readouterr().out
    assert main(["users", "--database", url, "add", "boss@buyer.example", "--role", "program_manager"]) == 0
    assert main(["users", "--database", url, "add", "ms@buyer.example", "--role", "reviewer",
                 "--name", "M. Santos", "--data-id", "M. Santos (security)"]) == 0
    capsys.readouterr()
    assert main(["users", "--database", url, "list"]) == 0
    out = capsys.readouterr().out
    assert "boss@buyer.example" in out and "reviewer / evaluator" in out and "M. Santos (security)" in out

    assert main(["users", "--database", url, "remove", "boss@buyer.example"]) == 2
    assert "last program manager" in capsys.readouterr().err
    assert main(["users", "--database", url, "add", "boss@buyer.example", "--role", "viewer"]) == 2
    assert main(["users", "--database", url, "add", "ms@buyer.example", "--role", "program_manager"]) == 0
    assert main(["users", "--database", url, "remove", "boss@buyer.example"]) == 0
    assert main(["users", "--database", url, "remove", "boss@buyer.example"]) == 2
    assert "nobody with the login" in capsys.readouterr().err
    store = Store(url)
    with store.transaction() as s:
        assert [(u.user_id, u.role) for u in ChannelRepository(s).list_users(OPERATOR)] == [
            ("ms@buyer.example", Role.PROGRAM_MANAGER)
        ]
    store.close()


def test_an_unknown_role_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["users", "--database", f"sqlite:///{tmp_path / 'u.sqlite3'}", "add", "x@y", "--role", "king"])
    assert stop.value.code == 2 and "invalid choice: 'king'" in capsys.readouterr().err


def test_each_role_records_who_granted_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.sqlite3'}"
    assert main(["users", "--database", url, "add", "boss@buyer.example", "--role", "program_manager"]) == 0
    store = Store(url)
    with store.transaction() as s:
        repo = ChannelRepository(s)
        boss = repo.get_user("boss@buyer.example")
        assert boss is not None
        repo.save_user(boss, boss.model_copy(update={"user_id": "vic@buyer.example", "role": Role.VIEWER}))
        assert repo.granted_by(boss) == {"boss@buyer.example": "operator", "vic@buyer.example": "boss@buyer.example"}
        viewer = repo.get_user("vic@buyer.example")
        assert viewer is not None
        for call in (repo.granted_by, repo.list_users):  # who holds which role is for managers
            with pytest.raises(PermissionDenied):
                call(viewer)
    store.close()
