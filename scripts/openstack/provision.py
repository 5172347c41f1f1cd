"""Provision a freshly bootstrapped local Keystone for the OpenStack acceptance tests.

Usage: /usr/bin/python3 provision.py ENV_OUT
Reads from the environment: KEYSTONE_URL (http://127.0.0.1:PORT/v3), ADMIN_PASSWORD,
CINDER_URL (http://127.0.0.1:PORT, the Keystone-protected Cinder of RegionOne),
CINDER_REGION_TWO_URL (the Keystone-protected Cinder of RegionTwo, its own database),
CINDER_PASSWORD, DEMO_PASSWORD, OTHER_PASSWORD, PROJECT_ADMIN_PASSWORD, APP_CRED_SECRET.

Creates projects `vbs-demo`, `vbs-other` and `service`; users `vbs-demo` (member of vbs-demo and
of vbs-other, so that one password reaches both projects), `vbs-other` (member of vbs-other),
`vbs-admin` (admin of vbs-demo: Cinder lists every project's backups only for the admin role) and
`cinder` (admin of service); region RegionTwo beside bootstrap's RegionOne; the catalog entries
block-storage, volumev3 (both .../v3/$(project_id)s) and volumev2 (.../v2/$(project_id)s, a path
Cinder 2023.1 no longer serves: a client that prefers v2 over v3 fails loudly) in RegionOne, and
block-storage and volumev3 in RegionTwo on the second Cinder; an application credential of the demo
user, and a project-scoped token of the demo user. Writes `export K=V` lines for run.sh to source.
Only ever talks to 127.0.0.1.
"""
import json
import os
import shlex
import sys
import urllib.error
import urllib.parse
import urllib.request

KEYSTONE = os.environ["KEYSTONE_URL"].rstrip("/")
CINDER = os.environ["CINDER_URL"].rstrip("/")
CINDER_REGION_TWO = os.environ["CINDER_REGION_TWO_URL"].rstrip("/")
for url in (KEYSTONE, CINDER, CINDER_REGION_TWO):
    if urllib.parse.urlsplit(url).hostname != "127.0.0.1":
        sys.exit("refusing to talk to a non-loopback address: %s" % url)

DOMAIN = "default"
REGION = "RegionOne"
REGION_TWO = "RegionTwo"


def call(method, path, body=None, token=None, expect=(200, 201, 204)):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(KEYSTONE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            status, headers = resp.status, resp.headers
    except urllib.error.HTTPError as err:
        raw, status, headers = err.read(), err.code, err.headers
    if status not in expect:
        sys.exit("%s %s -> %d: %s" % (method, path, status, raw[:500].decode(errors="replace")))
    return (json.loads(raw) if raw else {}), headers


def password_token(user, password, project):
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": password, "domain": {"name": "Default"}}}},
        "scope": {"project": {"name": project, "domain": {"name": "Default"}}},
    }}
    data, headers = call("POST", "/auth/tokens", body)
    return headers["X-Subject-Token"], data["token"]


def create(token, collection, singular, body):
    data, _ = call("POST", "/" + collection, {singular: body}, token=token)
    return data[singular]


def main():
    out_path = sys.argv[1]
    # The database is fresh (run.sh makes a new one each run): create without looking first.
    admin_token, admin_body = password_token("admin", os.environ["ADMIN_PASSWORD"], "admin")
    data, _ = call("GET", "/roles", token=admin_token)
    roles = {r["name"]: r["id"] for r in data["roles"]}     # bootstrap made admin, member, reader

    projects = {}
    for name, desc in (("service", "service users"),
                       ("vbs-demo", "vbs acceptance tests: the project under test"),
                       ("vbs-other", "vbs acceptance tests: backups that must stay invisible")):
        projects[name] = create(admin_token, "projects", "project",
                                {"name": name, "domain_id": DOMAIN, "description": desc,
                                 "enabled": True})["id"]

    users = {}
    for name, password, project, role in (
            ("cinder", os.environ["CINDER_PASSWORD"], "service", "admin"),
            ("vbs-demo", os.environ["DEMO_PASSWORD"], "vbs-demo", "member"),
            ("vbs-other", os.environ["OTHER_PASSWORD"], "vbs-other", "member"),
            ("vbs-admin", os.environ["PROJECT_ADMIN_PASSWORD"], "vbs-demo", "admin")):
        users[name] = create(admin_token, "users", "user",
                             {"name": name, "domain_id": DOMAIN, "password": password,
                              "default_project_id": projects[project], "enabled": True})["id"]
        call("PUT", "/projects/%s/users/%s/roles/%s" % (projects[project], users[name], roles[role]),
             token=admin_token)
    # The demo user reaches the other project too (a token rescoped from the same password).
    call("PUT", "/projects/%s/users/%s/roles/%s" % (projects["vbs-other"], users["vbs-demo"],
                                                    roles["member"]), token=admin_token)

    create(admin_token, "regions", "region", {
        "id": REGION_TWO, "description": "vbs acceptance tests: a second Cinder"})

    # Catalog. Keystone substitutes $(project_id)s with the token's project.
    both = ((REGION, CINDER), (REGION_TWO, CINDER_REGION_TWO))
    catalog = (("block-storage", "cinder", "/v3/$(project_id)s", both),
               ("volumev3", "cinderv3", "/v3/$(project_id)s", both),
               ("volumev2", "cinderv2", "/v2/$(project_id)s", both[:1]))
    for stype, sname, path, regions in catalog:
        svc = create(admin_token, "services", "service", {
            "type": stype, "name": sname, "enabled": True,
            "description": "Cinder (vbs acceptance tests)"})
        for region, base in regions:
            for interface in ("public", "internal", "admin"):
                create(admin_token, "endpoints", "endpoint", {
                    "service_id": svc["id"], "interface": interface, "region_id": region,
                    "url": base + path, "enabled": True})

    demo_token, demo_body = password_token("vbs-demo", os.environ["DEMO_PASSWORD"], "vbs-demo")
    app_cred_name = "vbs-acc"
    cred, _ = call("POST", "/users/%s/application_credentials" % users["vbs-demo"], {
        "application_credential": {
            "name": app_cred_name, "secret": os.environ["APP_CRED_SECRET"],
            "description": "vbs acceptance tests"}}, token=demo_token)
    cred = cred["application_credential"]

    env = {
        "VBS_ACC_OS_AUTH_URL": KEYSTONE,
        "VBS_ACC_OS_REGION_NAME": REGION,
        "VBS_ACC_OS_USERNAME": "vbs-demo",
        "VBS_ACC_OS_USER_ID": users["vbs-demo"],
        "VBS_ACC_OS_PASSWORD": os.environ["DEMO_PASSWORD"],
        "VBS_ACC_OS_PROJECT_NAME": "vbs-demo",
        "VBS_ACC_OS_PROJECT_ID": projects["vbs-demo"],
        "VBS_ACC_OS_USER_DOMAIN_NAME": "Default",
        "VBS_ACC_OS_PROJECT_DOMAIN_NAME": "Default",
        "VBS_ACC_OS_DOMAIN_ID": DOMAIN,
        "VBS_ACC_OS_APP_CRED_ID": cred["id"],
        "VBS_ACC_OS_APP_CRED_NAME": app_cred_name,
        "VBS_ACC_OS_APP_CRED_SECRET": os.environ["APP_CRED_SECRET"],
        "VBS_ACC_OS_TOKEN": demo_token,
        "VBS_ACC_OS_TOKEN_EXPIRES_AT": demo_body["expires_at"],
        "VBS_ACC_OTHER_PROJECT_NAME": "vbs-other",
        "VBS_ACC_OTHER_PROJECT_ID": projects["vbs-other"],
        "VBS_ACC_OTHER_USERNAME": "vbs-other",
        "VBS_ACC_OTHER_USER_ID": users["vbs-other"],
        "VBS_ACC_OTHER_PASSWORD": os.environ["OTHER_PASSWORD"],
        "VBS_ACC_OS_ADMIN_USERNAME": "vbs-admin",
        "VBS_ACC_OS_ADMIN_USER_ID": users["vbs-admin"],
        "VBS_ACC_OS_ADMIN_PASSWORD": os.environ["PROJECT_ADMIN_PASSWORD"],
        "VBS_ACC_REGION_TWO": REGION_TWO,
        "VBS_ACC_ADMIN_USER_ID": admin_body["user"]["id"],
        "VBS_ACC_CINDER_SERVICE_USER_ID": users["cinder"],
    }
    with open(out_path, "w") as out:
        for key, value in env.items():
            out.write("export %s=%s\n" % (key, shlex.quote(value)))


if __name__ == "__main__":
    main()
