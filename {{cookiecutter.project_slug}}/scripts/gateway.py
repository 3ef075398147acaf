"""Run the gateway on this machine: `make dev` starts it with the services.

It renders gateway/templates/*.template the way the gateway's image does (into
conf.d/, each without its .template), filling in each ${NAME} from the
environment (honcho reads `.env`, where the native ports are), with every
service on 127.0.0.1:<SERVICE>_PORT. Then it runs nginx in the foreground with
its files under .run/gateway/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from string import Template

from scripts.native import MissingServer, require_nginx
from scripts.project import (
    PROJECT_DIR,
    has_frontend,
    identity_issues_tokens,
    project_name,
    services,
)

GATEWAY_DIR = PROJECT_DIR / "gateway"
# Built by `make frontend`, which `make dev` runs first.
FRONTEND_DIR = PROJECT_DIR / "frontend" / "dist"
RUN_DIR = PROJECT_DIR / ".run" / "gateway"
PID_FILE = RUN_DIR / "nginx.pid"
# Every answer with a 5xx, also in a file of its own: what `make load` counts (scripts.load).
SERVER_ERRORS_LOG = RUN_DIR / "server-errors.log"
PLACEHOLDER = re.compile(r"\$\{([A-Z0-9_]+)\}")
DEFAULTS = {
    "GATEWAY_PORT": "8080",
    "GATEWAY_RATE_LIMIT": "50r/s",
    "GATEWAY_BURST": "100",
    "GATEWAY_CREDENTIALS_RATE_LIMIT": "5r/s",
    # No proxy in front (the gateway listens on TCP only): nobody's X-Forwarded-For is believed.
    "GATEWAY_TRUSTED_PROXIES": "unix:",
    # Of the requests that come without a trace, the share whose trace is kept.
    "GATEWAY_TRACE_SAMPLE_PERCENT": "100",
    # What the registry says of where traces and metrics are seen: make dev tells it.
    "GATEWAY_REGISTRY_TRACES": "not set: GATEWAY_REGISTRY_TRACES",
    "GATEWAY_REGISTRY_METRICS": "not set: GATEWAY_REGISTRY_METRICS",
}

MAIN_CONFIG = Template("""\
$user
worker_processes auto;
pid $pid_file;
error_log stderr warn;
events {
    worker_connections 1024;
}
http {
    include $mime_types;
    client_body_temp_path $run_dir/client_body;
    proxy_temp_path $run_dir/proxy;
    fastcgi_temp_path $run_dir/fastcgi;
    uwsgi_temp_path $run_dir/uwsgi;
    scgi_temp_path $run_dir/scgi;
    include $run_dir/conf.d/*.conf;
    map $$status $$server_error {
        ~^5 1;
        default 0;
    }
    access_log $server_errors_log gateway_json if=$$server_error;
}
""")


def values(environment: dict[str, str]) -> dict[str, str]:
    """What each ${NAME} of the template stands for on this machine."""
    found = {name: environment.get(name, default) for name, default in DEFAULTS.items()}
    found["GATEWAY_PUBLIC_DIR"] = str(GATEWAY_DIR / "public")
    if has_frontend():
        found["GATEWAY_FRONTEND_DIR"] = str(FRONTEND_DIR)
        if not identity_issues_tokens():
            found["GATEWAY_OIDC_AUTHORITY"] = environment["JWT_ISSUER"]
            found["GATEWAY_OIDC_CLIENT_ID"] = f"{project_name()}-frontend"
    # On this machine the operators' port answers on loopback alone.
    found["GATEWAY_OPERATOR_LISTEN"] = (
        f"127.0.0.1:{environment.get('GATEWAY_OPERATOR_PORT', '8090')}"
    )
    for service in services():
        port = environment.get(f"{service.upper()}_PORT")
        if not port:
            raise SystemExit(
                f"error: {service.upper()}_PORT is not set: add it to .env (see .env.example)."
            )
        found[f"{service.upper()}_UPSTREAM"] = f"127.0.0.1:{port}"
    return found


def render(template: str, known: dict[str, str]) -> str:
    """Fill in the placeholders it knows and leave every other `$` alone, as envsubst does."""
    return PLACEHOLDER.sub(lambda match: known.get(match.group(1), match.group(0)), template)


def mime_types(nginx: str) -> Path:
    """mime.types next to nginx's own configuration: without it, JavaScript is served as text/plain."""
    version = subprocess.run([nginx, "-V"], capture_output=True, text=True, check=True).stderr
    conf_path = re.search(r"--conf-path=(\S+)", version)
    return (
        Path(conf_path.group(1)).parent / "mime.types"
        if conf_path
        else Path("/etc/nginx/mime.types")
    )


def write_config(nginx: str, environment: dict[str, str]) -> Path:
    configuration = RUN_DIR / "conf.d"
    configuration.mkdir(parents=True, exist_ok=True)
    known = values(environment)
    for template in (GATEWAY_DIR / "templates").glob("*.template"):
        (configuration / template.stem).write_text(render(template.read_text(), known))
    main = RUN_DIR / "nginx.conf"
    # Started by root, nginx would run its workers as `nobody`, who may not read the project's files.
    user = "user root;" if os.geteuid() == 0 else ""
    main.write_text(
        MAIN_CONFIG.substitute(
            user=user,
            run_dir=RUN_DIR,
            pid_file=PID_FILE,
            server_errors_log=SERVER_ERRORS_LOG,
            mime_types=mime_types(nginx),
        )
    )
    return main


def main() -> None:
    try:
        nginx = require_nginx()
    except MissingServer as missing:
        sys.exit(f"error: {missing}")
    config = write_config(nginx, dict(os.environ))
    if "--check" in sys.argv[1:]:
        subprocess.run([nginx, "-t", "-q", "-p", str(RUN_DIR), "-c", str(config)], check=True)
        return
    # exec: nginx gets honcho's signals itself, and stops with everything else.
    os.execv(nginx, [nginx, "-p", str(RUN_DIR), "-c", str(config), "-g", "daemon off;"])  # noqa: S606


if __name__ == "__main__":
    main()
