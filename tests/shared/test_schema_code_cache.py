"""Compiled schema validators kept on disk (shared.ob.code_store, shared.runtime.code_cache).

A validator built from kept code must judge exactly as one compiled by
``fastjsonschema.compile`` (the way every process compiled them before); a warm cache
must spare a new process the generator; and a cache that is corrupt, foreign,
missing, read-only or full must cost nothing but the time it would have saved.
"""

from __future__ import annotations

import copy
import errno
import json
import marshal
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest

from shared.ob import code_store, schema_engine
from shared.ob.code_store import CodeKey
from shared.ob.schema_engine import (
    _DRAFT7,
    FORMAT_CHECKS,
    KINDS,
    VARIANTS,
    code_key,
    fast_def_validator,
    fast_validator,
    load_schema,
    one_of_to_any_of,
)
from shared.runtime import code_cache
from shared.runtime.code_cache import DiskCodeStore, cache_dir, install_code_cache
from tests.conftest import VECTORS, load_vector

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = VECTORS / "ob3" / "1edtech-validator"
DCC = VECTORS / "dcc" / "vc-test-fixtures" / "verifiableCredentials"
DEFS = ("Achievement", "ProfileRef", "CredentialStatus")


def transformed(kind: str, variant: str) -> dict[str, Any]:
    """The schema as ``fast_validator`` compiles it."""
    source = load_schema(kind, variant)  # type: ignore[arg-type]
    schema: dict[str, Any] = one_of_to_any_of(copy.deepcopy(source), source)
    schema["$schema"] = _DRAFT7
    return schema


def todays(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """The validator as ``fastjsonschema.compile`` builds it (the path before the cache)."""
    validate: Callable[[Any], Any] = fastjsonschema.compile(
        schema,
        handlers={"http": schema_engine._refuse_fetch, "https": schema_engine._refuse_fetch},
        formats=FORMAT_CHECKS,
        use_default=False,
    )
    return validate


def outcome(validate: Callable[[Any], Any], document: Any) -> tuple[Any, ...]:
    """What a validator says of ``document``: what it returns or everything it raises."""
    try:
        returned = validate(document)
    except fastjsonschema.JsonSchemaValueException as exc:
        return ("invalid", type(exc), exc.message, exc.name, exc.rule, exc.value, exc.definition)
    return ("valid", returned is document, returned)


def documents() -> Iterator[Any]:
    """Every OB 3.0 test vector, and invalid variations of a simple and a complete one."""
    for folder in (VALIDATOR, DCC):
        for path in sorted(folder.rglob("*.json")):
            yield json.loads(path.read_text("utf-8"))
    yield load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")["signedCredential"]
    for name in ("simple.json", "complete.json"):
        base = load_vector(f"ob3/1edtech-validator/{name}")
        for where in (base, base["credentialSubject"], base["credentialSubject"]["achievement"]):
            for key in list(where):
                for broken in (None, 12345, "not a date", [], {}):
                    saved = where[key]
                    where[key] = broken
                    yield copy.deepcopy(base)
                    where[key] = saved
                del where[key]
                yield copy.deepcopy(base)
                where[key] = saved
    yield from (None, [], "credential", 3.5, {})


DOCUMENTS = list(documents())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DiskCodeStore]:
    disk = DiskCodeStore(tmp_path / "cache")
    code_store.install(disk)
    yield disk
    code_store.install(None)


def generated(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Count the generator's runs from now on (fastjsonschema's code generation)."""
    calls: list[object] = []
    real = fastjsonschema.compile_to_code

    def counting(*args: Any, **kwargs: Any) -> str:
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(fastjsonschema, "compile_to_code", counting)
    return calls


def fresh_def(name: str = "CredentialStatus") -> Callable[[Any], Any]:
    """A ``$defs`` validator built now (not the process's memoized one)."""
    return fast_def_validator.__wrapped__("achievement", "formal", name)  # type: ignore[attr-defined,no-any-return]


STATUS_OK = load_vector("ob3/1edtech-validator/credential-status-revoked.json")["credentialStatus"]
STATUS_BAD = {**STATUS_OK, "type": 7}


def judges_status_entries(validate: Callable[[Any], Any]) -> bool:
    assert outcome(validate, STATUS_OK)[0] == "valid"
    assert outcome(validate, STATUS_BAD)[:5] == outcome(todays_status(), STATUS_BAD)[:5]
    return True


_TODAYS_STATUS: list[Callable[[Any], Any]] = []


def todays_status() -> Callable[[Any], Any]:
    if not _TODAYS_STATUS:
        schema = transformed("achievement", "formal")
        part = {"$schema": _DRAFT7, "$ref": "#/$defs/CredentialStatus", "$defs": schema["$defs"]}
        _TODAYS_STATUS.append(todays(part))
    return _TODAYS_STATUS[0]


# -- the same judgement ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("kind", KINDS)
def test_kept_validators_judge_as_todays(
    kind: str, variant: str, store: DiskCodeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generated then kept, and loaded back: same results and same exceptions as
    ``fastjsonschema.compile`` on the vectors and on invalid documents."""
    reference = todays(transformed(kind, variant))
    built = fast_validator.__wrapped__(kind, variant)  # generated, and put in the store
    calls = generated(monkeypatch)
    loaded = fast_validator.__wrapped__(kind, variant)
    assert calls == []  # the second came from the store
    assert loaded.__name__ == reference.__name__
    verdicts = {"valid": 0, "invalid": 0}
    for document in DOCUMENTS:
        expected = outcome(reference, document)
        assert outcome(built, document) == expected
        assert outcome(loaded, document) == expected
        verdicts[expected[0]] += 1
    assert verdicts["invalid"] > 50
    if kind == "achievement":
        assert verdicts["valid"] > 20


@pytest.mark.parametrize("name", DEFS)
def test_kept_definition_validators_judge_as_todays(
    name: str, store: DiskCodeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = transformed("achievement", "formal")
    reference = todays({"$schema": _DRAFT7, "$ref": f"#/$defs/{name}", "$defs": schema["$defs"]})
    fresh_def(name)
    calls = generated(monkeypatch)
    loaded = fresh_def(name)
    assert calls == []
    parts: list[Any] = [None, 5, "x", {}, STATUS_OK, STATUS_BAD]
    for document in DOCUMENTS[:40]:
        if isinstance(document, dict):
            subject = document.get("credentialSubject", {})
            parts += [document.get("issuer"), document.get("credentialStatus")]
            parts += [subject.get("achievement") if isinstance(subject, dict) else None]
    for part in parts:
        assert outcome(loaded, part) == outcome(reference, part)


# -- a warm cache spares a new process the generator ------------------------------------

PROCESS = """
import json, sys
import fastjsonschema.generator as generator

runs = []
real = generator.CodeGenerator.generate_func_code


def counted(self):
    runs.append(1)
    return real(self)


generator.CodeGenerator.generate_func_code = counted
from shared.runtime.code_cache import install_code_cache
install_code_cache()
from shared.credentials.warm import warm_up
from shared.ob.schema import validate_credential_schema
from shared.ob.schema_engine import fast_def_validator
warm_up()
fast_def_validator("achievement", "formal", "Achievement")
badge = json.load(open(sys.argv[1], encoding="utf-8"))
valid = validate_credential_schema(badge)
badge["credentialSubject"]["achievement"]["criteria"] = 5
invalid = validate_credential_schema(badge)
print(json.dumps({
    "generated": len(runs),
    "valid": [issue.message for issue in valid if issue.is_error],
    "invalid": [issue.path for issue in invalid if issue.is_error],
}))
"""


def run_process(cache: Path) -> dict[str, Any]:
    """A fresh interpreter compiling what a verifier worker and the builder compile."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RUGZAK_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROCESS, str(VALIDATOR / "simple.json")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr == ""  # never a word, never a traceback
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_a_second_process_loads_validators_without_generating(tmp_path: Path) -> None:
    cache = tmp_path / "new" / "cache"  # missing: made on first use
    first = run_process(cache)
    assert first["generated"] > 0
    second = run_process(cache)
    assert second["generated"] == 0
    assert second["valid"] == first["valid"] == []
    assert second["invalid"] == first["invalid"] == ["$.credentialSubject.achievement.criteria"]
    folder = cache / "validators"
    names = sorted(path.name.split(".")[0] for path in folder.iterdir())
    assert names == [
        "achievement-formal",
        "achievement-formal-Achievement",
        "achievement-jsonld",
        "endorsement-formal",
        "endorsement-jsonld",
    ]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()} == {0o600}


@pytest.mark.slow
def test_a_cache_that_cannot_be_made_costs_only_time(tmp_path: Path) -> None:
    """A cache folder under a file: neither readable nor writable; nothing said."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    result = run_process(blocker / "cache")
    assert result["generated"] > 0
    assert result["invalid"] == ["$.credentialSubject.achievement.criteria"]


# -- damaged, foreign, stale, unwritable ----------------------------------------------


def kept_file(store: DiskCodeStore, slot: str) -> Path:
    (path,) = store.folder.glob(f"{slot}.*.code")
    return path


def test_a_corrupt_file_is_ignored_and_replaced(
    store: DiskCodeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_def()
    path = kept_file(store, "achievement-formal-CredentialStatus")
    whole = path.read_bytes()
    for damaged in (whole[: len(whole) // 2], whole[:-1] + bytes([whole[-1] ^ 1]), b"", b"x"):
        path.write_bytes(damaged)
        calls = generated(monkeypatch)
        assert judges_status_entries(fresh_def())
        assert len(calls) == 1  # not loaded: compiled again
        assert path.read_bytes() != damaged  # and replaced
        monkeypatch.undo()
    calls = generated(monkeypatch)
    assert judges_status_entries(fresh_def())
    assert calls == []


def test_a_file_of_another_key_is_not_loaded(
    store: DiskCodeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Achievement validator's file holding the status entry's code (copied, or a
    schema changed without the name): its checksum covers the key, so it is refused."""
    fresh_def("CredentialStatus")
    fresh_def("Achievement")
    achievement = kept_file(store, "achievement-formal-Achievement")
    achievement.write_bytes(kept_file(store, "achievement-formal-CredentialStatus").read_bytes())
    calls = generated(monkeypatch)
    validate = fresh_def("Achievement")
    assert len(calls) == 1
    assert outcome(validate, STATUS_OK)[0] == "invalid"  # a status entry is no achievement
    simple = load_vector("ob3/1edtech-validator/simple.json")
    assert outcome(validate, simple["credentialSubject"]["achievement"])[0] == "valid"


def test_marshal_data_that_is_not_a_validator_is_compiled_afresh(
    store: DiskCodeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Right checksum, wrong content (a store of another program under our key)."""
    schema = transformed("achievement", "formal")
    part = {"$schema": _DRAFT7, "$ref": "#/$defs/CredentialStatus", "$defs": schema["$defs"]}
    key = code_key(part, "achievement-formal-CredentialStatus")
    for kept in (("validate", 5), ("nope", compile("", "", "exec")), "validate"):
        store.put(key, marshal.dumps(kept))
        calls = generated(monkeypatch)
        assert judges_status_entries(fresh_def())
        assert len(calls) == 1
        monkeypatch.undo()


def test_writing_a_key_removes_that_schemas_older_keys_only(store: DiskCodeStore) -> None:
    fresh_def("Achievement")
    store.folder.mkdir(parents=True, exist_ok=True)
    stale = store.folder / f"achievement-formal-CredentialStatus.{'0' * 64}.code"
    stale.write_bytes(b"old")
    other = kept_file(store, "achievement-formal-Achievement")
    fresh_def("CredentialStatus")
    assert not stale.exists()
    assert other.exists()
    assert len(list(store.folder.iterdir())) == 2


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES])
def test_an_unwritable_cache_compiles_in_memory(
    code: int, store: DiskCodeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(code_cache, "atomic_write", refuse)
    assert judges_status_entries(fresh_def())
    assert list(store.folder.iterdir()) == []
    assert judges_status_entries(fresh_def())


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anyway")
def test_a_read_only_folder_compiles_in_memory(store: DiskCodeStore) -> None:
    store.folder.mkdir(parents=True, mode=0o700)
    store.folder.chmod(0o500)
    try:
        assert judges_status_entries(fresh_def())
        assert list(store.folder.iterdir()) == []
    finally:
        store.folder.chmod(0o700)


def test_a_cache_path_that_is_a_file_compiles_in_memory(store: DiskCodeStore) -> None:
    """A cache that cannot be made even by root (its path is taken by a file): the
    validators are compiled in memory, without a word and without a traceback."""
    store.folder.parent.mkdir(parents=True, exist_ok=True)
    store.folder.write_bytes(b"not a folder")
    assert judges_status_entries(fresh_def())
    assert store.folder.read_bytes() == b"not a folder"


def test_a_folder_others_may_write_to_is_not_used(
    store: DiskCodeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Code loaded from a folder anyone may write to would be anyone's code."""
    fresh_def()
    store.folder.chmod(0o777)
    calls = generated(monkeypatch)
    assert judges_status_entries(fresh_def())
    assert len(calls) == 1
    store.folder.chmod(0o700)
    monkeypatch.undo()
    calls = generated(monkeypatch)
    fresh_def()
    assert calls == []


def test_a_missing_folder_is_made_private(tmp_path: Path) -> None:
    store = DiskCodeStore(tmp_path / "deep" / "er")
    code_store.install(store)
    assert judges_status_entries(fresh_def())
    for folder in (tmp_path / "deep", tmp_path / "deep" / "er", store.folder):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


# -- the key ---------------------------------------------------------------------------


def test_the_key_changes_with_everything_the_code_depends_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema = {"$schema": _DRAFT7, "type": "object", "properties": {"a": {}, "b": {}}}
    base = code_key(schema, "s")
    assert code_key(copy.deepcopy(schema), "s") == base
    reordered = {"$schema": _DRAFT7, "type": "object", "properties": {"b": {}, "a": {}}}
    assert code_key(reordered, "s").digest != base.digest  # key order orders the checks
    assert code_key({**schema, "required": ["a"]}, "s").digest != base.digest
    assert code_key(schema, "t") == CodeKey("t", base.digest)
    changes: list[tuple[object, str, object]] = [
        (fastjsonschema, "VERSION", "0.0.1"),
        (schema_engine.importlib.util, "MAGIC_NUMBER", b"\x00\x00\r\n"),
        (schema_engine, "TRANSFORM_VERSION", schema_engine.TRANSFORM_VERSION + 1),
        (schema_engine, "FORMAT_CHECKS", {**FORMAT_CHECKS, "email": bool}),
    ]
    for target, name, value in changes:
        with monkeypatch.context() as patch:
            patch.setattr(target, name, value)
            assert code_key(schema, "s").digest != base.digest, name


# -- where ------------------------------------------------------------------------------


def test_the_folder_is_the_override_else_the_users_cache(tmp_path: Path) -> None:
    assert cache_dir({"RUGZAK_CACHE_DIR": str(tmp_path)}) == tmp_path
    default = cache_dir({})
    assert "rugzak" in default.parts
    assert cache_dir({"RUGZAK_CACHE_DIR": ""}) == default


def test_the_test_suite_keeps_its_cache_to_itself(private_code_cache: Path) -> None:
    assert os.environ["RUGZAK_CACHE_DIR"] == str(private_code_cache)
    install_code_cache()
    store = code_store.installed()
    assert isinstance(store, DiskCodeStore)
    assert store.folder == private_code_cache / "validators"


def test_without_a_store_nothing_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    assert code_store.installed() is None
    calls = generated(monkeypatch)
    assert judges_status_entries(fresh_def())
    assert judges_status_entries(fresh_def())
    assert len(calls) == 2
