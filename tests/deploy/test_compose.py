"""Deployment hygiene of docker-compose.yml and its images (issue #13): the application and
Rasa's tracker store use separate database roles, the application's role is not the tables'
owner, no secret is on a container's command line, and `.env` is ignored by git and Docker."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
INIT_SCRIPT = ROOT / "deploy" / "postgres-init.sh"
# Environment variables that hold secrets, by their names.
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY\b")


def env(service: str) -> dict[str, str]:
    return {name: str(value) for name, value in SERVICES[service]["environment"].items()}


def role(url: str) -> str:
    found = make_url(url.replace("${", "").replace(":?", "_").replace("}", ""))
    return str(found.username)


def test_the_app_and_the_tracker_store_use_separate_roles() -> None:
    app_roles = {role(env(name)["DATABASE_URL"]) for name in ("actions", "bot")}
    assert app_roles == {"consultoria_app"}
    assert role(env("migrate")["DATABASE_URL"]) == "consultoria_owner"
    tracker = env("rasa")["TRACKER_DB_USER"]
    assert tracker == "rasa_tracker"
    superuser = env("postgres")["POSTGRES_USER"]
    assert len({"consultoria_app", "consultoria_owner", tracker, superuser}) == 4
    # The erasure deletes Rasa's rows as the application's role, not as the tracker's owner.
    assert role(env("actions")["TRACKER_STORE_URL"]) == "consultoria_app"
    # Each role has its own password variable; the superuser's is used by no process.
    passwords = {
        "consultoria_app": "APP_DB_PASSWORD",
        "consultoria_owner": "MIGRATION_DB_PASSWORD",
        "rasa_tracker": "TRACKER_DB_PASSWORD",
    }
    assert passwords["consultoria_app"] in env("actions")["DATABASE_URL"]
    assert passwords["consultoria_owner"] in env("migrate")["DATABASE_URL"]
    assert passwords["rasa_tracker"] in env("rasa")["TRACKER_DB_PASSWORD"]
    for name in ("actions", "bot", "rasa", "migrate"):
        assert "POSTGRES_PASSWORD" not in str(SERVICES[name].get("environment"))


def test_the_schema_is_migrated_by_its_owner_before_the_app_starts() -> None:
    assert SERVICES["migrate"]["command"] == ["consultoria", "db", "upgrade"]
    for name in ("actions", "bot"):
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    dockerfile = (ROOT / "deploy" / "app.Dockerfile").read_text("utf-8")
    commands = [line for line in dockerfile.splitlines() if line.startswith("CMD")]
    assert not any("upgrade" in line for line in commands)  # the app role could not migrate


def test_the_app_role_gets_row_privileges_only() -> None:
    script = INIT_SCRIPT.read_text("utf-8")
    grants = re.findall(r"GRANT ([A-Z, ]+) ON (\w+)[^;]*?TO \"\$app\"", script, re.DOTALL)
    assert grants, "deploy/postgres-init.sh grants the application role nothing"
    granted = {privilege.strip() for names, _ in grants for privilege in names.split(",")}
    assert granted <= {"SELECT", "INSERT", "UPDATE", "DELETE", "USAGE", "CONNECT", "EXECUTE"}
    assert 'OWNER "$owner"' in script and 'OWNER "$tracker"' in script
    mounted = SERVICES["postgres"]["volumes"]
    assert "./deploy/postgres-init.sh:/docker-entrypoint-initdb.d/10-roles.sh:ro" in mounted


def _command_lines() -> dict[str, str]:
    """Every command a container runs: compose's command, entrypoint and health checks, and the
    images' CMD and HEALTHCHECK lines."""
    lines: dict[str, str] = {}
    for name, service in SERVICES.items():
        for key in ("command", "entrypoint"):
            if key in service:
                lines[f"{name}.{key}"] = str(service[key])
        if "healthcheck" in service:
            lines[f"{name}.healthcheck"] = str(service["healthcheck"]["test"])
    for dockerfile in (ROOT / "deploy").glob("*.Dockerfile"):
        text = dockerfile.read_text("utf-8").replace("\\\n", " ")
        for number, line in enumerate(text.splitlines()):
            if re.match(r"\s*(CMD|ENTRYPOINT|HEALTHCHECK)", line):
                lines[f"{dockerfile.name}:{number}"] = line
    return lines


def test_no_secret_is_on_a_command_line() -> None:
    lines = _command_lines()
    assert "rasa.Dockerfile" in " ".join(lines), "the Rasa image's CMD was not read"
    for where, line in lines.items():
        assert not SECRET_NAME.search(line), f"{where} names a secret: {line}"
        assert "--auth-token" not in line, where
    # Secrets reach the containers as environment variables only.
    for name, service in SERVICES.items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(variable) and variable != "REDIS_PASSWORD":
                assert str(value).startswith("${"), f"{name}.{variable} is written in the file"


def test_the_rasa_token_is_handed_over_inside_the_process() -> None:
    # deploy/ is not a package: the container runs the file as a script.
    spec = importlib.util.spec_from_file_location("rasa_run", ROOT / "deploy" / "rasa_run.py")
    assert spec is not None and spec.loader is not None
    rasa_run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rasa_run)
    assert rasa_run.arguments({"RASA_API_TOKEN": "t0k3n"})[-2:] == ["--auth-token", "t0k3n"]
    assert "--auth-token" not in rasa_run.arguments({})


def test_dot_env_is_ignored_by_git_and_docker() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", ".env"], cwd=ROOT, check=False
    ).returncode
    assert ignored == 0, ".env is not ignored by git"
    tracked = subprocess.run(
        ["git", "ls-files", "--", ".env", "*.env"],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert tracked.stdout == ""
    assert ".env" in (ROOT / ".dockerignore").read_text("utf-8").split()
