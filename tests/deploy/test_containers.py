"""These machines cannot run containers, so the image is held to the path the VM takes: its
build is deploy/build (tested in a fresh checkout by test_release.py), its nginx is
deploy/nginx/samhjalp.conf (run by test_nginx.py) changed only where the Containerfile says,
and compose runs the Procfile's commands."""

import re

from .checkout import ROOT, procfile_line

CONTAINERFILE = (ROOT / "Containerfile").read_text()
COMPOSE = (ROOT / "deploy" / "compose.yaml").read_text()
SITE = (ROOT / "deploy" / "nginx" / "samhjalp.conf").read_text()


def test_the_image_is_built_by_deploy_build():
    assert re.search(r"(?m)^RUN deploy/build$", CONTAINERFILE)
    ignored = (ROOT / ".dockerignore").read_text().split()
    # Built inside the image, never copied in from a developer's tree.
    assert {".venv", "staticfiles", "*.mo", ".env"} <= set(ignored)


def test_the_image_s_nginx_site_is_the_vm_s_with_its_upstream_changed():
    edits = re.findall(r"-e '(?:s/([^/]+)/[^/]*/|/([^/]+)/d)'", CONTAINERFILE)
    assert len(edits) == 3
    for substituted, deleted in edits:
        line = (substituted or deleted).replace("\\.", ".")
        assert line in SITE, f"the Containerfile edits {line!r}, which the site no longer has"


def test_compose_runs_every_part_with_the_procfile_s_commands():
    services = set(re.findall(r"(?m)^  ([a-z]+):$", COMPOSE.split("\nservices:\n", 1)[1]))
    assert {"postgres", "redis", "release", "web", "worker", "nginx"} <= services
    release = procfile_line("release").split(" && ", 1)[1]  # deploy/build ran in the image
    assert release in COMPOSE
    assert procfile_line("worker").replace(" && ", " && exec ") in COMPOSE
