"""Smoke check of the local OpenStack before the Go tests run, with plain HTTP on 127.0.0.1.

Usage: /usr/bin/python3 smoke.py [--facts]
Reads the VBS_ACC_* environment that run.sh exports. Fails (exit 1) when an auth method, a region,
the admin's view or the listing does not work as the acceptance tests expect. With --facts it also prints what the real
Keystone and Cinder do with pagination, microversions and bad input (the facts DESIGN.md records).
"""
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

E = os.environ
FACTS = "--facts" in sys.argv
FAILED = []


def request(method, url, body=None, headers=None):
    if urllib.parse.urlsplit(url).hostname != "127.0.0.1":
        raise SystemExit("refusing to send a request to %s" % url)
    req = urllib.request.Request(url, method=method,
                                 data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Accept", "application/json")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw, status, hdrs = resp.read(), resp.status, resp.headers
    except urllib.error.HTTPError as err:
        raw, status, hdrs = err.read(), err.code, err.headers
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = raw.decode(errors="replace")
    return status, data, hdrs


def check(ok, what):
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        FAILED.append(what)


def fact(what, value):
    if FACTS:
        print("fact %s: %s" % (what, value))


def token(identity, scope=True, project=None):
    auth = {"identity": identity}
    if scope:
        auth["scope"] = {"project": {"id": project or E["VBS_ACC_OS_PROJECT_ID"]}}
    status, data, hdrs = request("POST", E["VBS_ACC_OS_AUTH_URL"] + "/auth/tokens", {"auth": auth})
    return status, hdrs.get("X-Subject-Token"), data


def main():
    total = int(E["VBS_ACC_SEEDED_TOTAL"])
    project = E["VBS_ACC_OS_PROJECT_ID"]

    status, tok, body = token({"methods": ["password"], "password": {"user": {
        "name": E["VBS_ACC_OS_USERNAME"], "password": E["VBS_ACC_OS_PASSWORD"],
        "domain": {"name": E["VBS_ACC_OS_USER_DOMAIN_NAME"]}}}})
    check(status == 201 and tok, "Keystone password auth -> token (%s)" % status)
    def public(region):
        return {svc["type"]: [ep["url"] for ep in svc["endpoints"]
                              if ep["interface"] == "public" and ep["region_id"] == region]
                for svc in body["token"]["catalog"]}
    catalog = public(E["VBS_ACC_OS_REGION_NAME"])
    expected = E["VBS_ACC_CINDER_ENDPOINT"]
    check(catalog.get("block-storage") == [expected] and catalog.get("volumev3") == [expected],
          "catalog: block-storage and volumev3 -> %s" % expected)
    fact("catalog", json.dumps(catalog, sort_keys=True))
    two = public(E["VBS_ACC_REGION_TWO"])
    expected_two = E["VBS_ACC_REGION_TWO_CINDER_URL"] + "/v3/" + project
    check(two.get("block-storage") == [expected_two] and two.get("volumev3") == [expected_two]
          and not two.get("volumev2"),
          "catalog %s: block-storage and volumev3 -> %s" % (E["VBS_ACC_REGION_TWO"], expected_two))
    st, data, _ = request("GET", expected_two + "/backups/detail", headers={"X-Auth-Token": tok})
    names = [b["name"] for b in data["backups"]] if st == 200 else []
    check(len(names) == int(E["VBS_ACC_REGION_TWO_TOTAL"]) and
          all(n.startswith(E["VBS_ACC_REGION_TWO_NAME_PREFIX"]) for n in names),
          "%s's Cinder lists its own %s demo backups (%s)" % (E["VBS_ACC_REGION_TWO"], E["VBS_ACC_REGION_TWO_TOTAL"], st))

    for name, identity in (
            ("token (rescope)", {"methods": ["token"], "token": {"id": E["VBS_ACC_OS_TOKEN"]}}),
            ("application credential by id", {"methods": ["application_credential"],
                                              "application_credential": {
                                                  "id": E["VBS_ACC_OS_APP_CRED_ID"],
                                                  "secret": E["VBS_ACC_OS_APP_CRED_SECRET"]}}),
            ("application credential by name", {"methods": ["application_credential"],
                                                "application_credential": {
                                                    "name": E["VBS_ACC_OS_APP_CRED_NAME"],
                                                    "secret": E["VBS_ACC_OS_APP_CRED_SECRET"],
                                                    "user": {"name": E["VBS_ACC_OS_USERNAME"],
                                                             "domain": {"name": "Default"}}}})):
        st, t, _ = token(identity, scope=not name.startswith("application"))
        check(st == 201 and t, "Keystone %s -> token (%s)" % (name, st))

    st, _, data = token({"methods": ["password"], "password": {"user": {
        "name": E["VBS_ACC_OS_USERNAME"], "password": "wrong",
        "domain": {"name": "Default"}}}})
    check(st == 401, "Keystone bad password -> 401")
    fact("bad password body", json.dumps(data))

    base = E["VBS_ACC_CINDER_ENDPOINT"] + "/backups/detail"
    auth = {"X-Auth-Token": tok}
    st, data, hdrs = request("GET", base + "?limit=1000", headers=auth)
    n = len(data["backups"]) if st == 200 else -1
    check(st == 200 and n == min(1000, total), "Cinder (keystone) list limit=1000 -> %s, %d backups" % (st, n))
    links = data.get("backups_links") if st == 200 else None
    fact("next link (limit=1000)", json.dumps(links))
    fact("response headers", dict(hdrs))

    st, data, hdrs = request("GET", base + "?limit=10&offset=5&sort_dir=asc", headers=auth)
    fact("next link (limit=10&offset=5&sort_dir=asc)", json.dumps(data.get("backups_links")))
    st, data, _ = request("GET", base, headers=auth)
    fact("no limit: page size / link", "%d / %s" % (len(data["backups"]), json.dumps(data.get("backups_links"))))

    st, data, _ = request("GET", E["VBS_ACC_CINDER_URL"] + "/")
    fact("version document status", st)
    for v in (data or {}).get("versions", []):
        fact("version", "%s %s min %s max %s links %s" % (v.get("id"), v.get("status"), v.get("min_version"),
                                                          v.get("version"), v.get("links")))

    known = E["VBS_ACC_KNOWN_BACKUP_ID"]
    for mv in (None, "3.43", "3.64", "3.70", "3.71", "3.999"):
        h = dict(auth)
        if mv:
            h["OpenStack-API-Version"] = "volume " + mv
        st, data, hdrs = request("GET", base + "?name=vbs-acc-known", headers=h)
        b = data["backups"][0] if st == 200 and data["backups"] else data
        fact("microversion %s (member token)" % mv, "%s %s %s" % (st, hdrs.get("OpenStack-API-Version"),
                                                                   json.dumps(b, sort_keys=True)))
    st, data, _ = request("GET", base + "?name=vbs-acc-known",
                          headers=dict(auth, **{"OpenStack-API-Version": "volume 3.64"}))
    check(st == 200 and [b["id"] for b in data["backups"]] == [known], "Cinder name filter finds the known backup")
    check(st == 200 and data["backups"][0].get("metadata") == {"env": "acc", "owner": "vbs"},
          "microversion 3.64 shows the known backup's metadata")

    noauth = E["VBS_ACC_NOAUTH_ENDPOINT"] + "/backups/detail"
    na = {"X-Auth-Token": E["VBS_ACC_NOAUTH_TOKEN"], "OpenStack-API-Version": "volume 3.64"}
    st, data, _ = request("GET", noauth + "?name=vbs-acc-known", headers=na)
    ok = st == 200 and len(data["backups"]) == 1
    check(ok, "Cinder (noauth) X-Auth-Token user:project -> %s" % st)
    if ok:
        b = data["backups"][0]
        check(b.get("os-backup-project-attr:project_id") == project and
              b.get("user_id") == E["VBS_ACC_OS_USER_ID"] and
              b.get("encryption_key_id") == "3c5e7a91-2b4d-4f6a-8c0e-1a3b5c7d9e02",
              "noauth 3.64 shows project id, user_id, encryption_key_id")
        fact("known backup via noauth 3.64", json.dumps(b, sort_keys=True))

    st, data, hdrs = request("GET", base + "?sort_key=bogus", headers=auth)
    check(st == 400 and "Invalid sort key" in json.dumps(data), "sort_key=bogus -> 400 Invalid sort key")
    fact("sort_key=bogus", "%s %s request-id %s" % (st, json.dumps(data), hdrs.get("x-openstack-request-id")))
    for q in ("sort_key=container_format", "sort_key=disk_format", "sort_key=name",
              "sort_dir=bogus", "limit=-1", "offset=-1", "limit=0", "limit=5000",
              "marker=00000000-0000-0000-0000-000000000000", "status=bogus", "bogus=1",
              "sort=name:asc", "sort_key=name&sort_dir=asc&limit=3", "with_count=true&limit=1"):
        h = dict(auth, **{"OpenStack-API-Version": "volume 3.64"})
        st, data, hdrs = request("GET", base + "?" + q, headers=h)
        if isinstance(data, dict) and "backups" in data:
            summary = "%d backups, first %s, count %s" % (len(data["backups"]),
                                                          [x.get("name") for x in data["backups"][:3]],
                                                          data.get("count"))
        else:
            summary = json.dumps(data)
        fact("3.64 " + q, "%s %s request-id %s" % (st, summary, hdrs.get("x-openstack-request-id")))
    st, data, _ = request("GET", base + "?sort_key=name", headers=auth)
    fact("sort_key=name without microversion", "%s %s" % (st, json.dumps(data)[:200]))

    st, data, hdrs = request("GET", base, headers={"X-Auth-Token": "bogus"})
    check(st == 401, "Cinder bad token -> 401")
    fact("bad token", "%s %s WWW-Authenticate %s" % (st, json.dumps(data), hdrs.get("WWW-Authenticate")))
    st, data, hdrs = request("GET", base)
    fact("no token", "%s %s" % (st, json.dumps(data)))

    status, _, hdrs = request("POST", E["VBS_ACC_OS_AUTH_URL"] + "/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": E["VBS_ACC_OTHER_USERNAME"], "password": E["VBS_ACC_OTHER_PASSWORD"],
            "domain": {"name": "Default"}}}},
        "scope": {"project": {"id": E["VBS_ACC_OTHER_PROJECT_ID"]}}}})
    other_tok = hdrs.get("X-Subject-Token")
    st, data, _ = request("GET", E["VBS_ACC_CINDER_URL"] + "/v3/" + E["VBS_ACC_OTHER_PROJECT_ID"] +
                          "/backups/detail", headers={"X-Auth-Token": other_tok})
    check(st == 200 and len(data["backups"]) == int(E["VBS_ACC_OTHER_SEEDED_TOTAL"]),
          "other project's user sees its own %s backups" % E["VBS_ACC_OTHER_SEEDED_TOTAL"])
    st, data, _ = request("GET", base, headers={"X-Auth-Token": other_tok})
    check(st == 400, "other project's token on the demo project's URL -> 400")
    fact("other token on demo URL", "%s %s" % (st, json.dumps(data)))

    scope_checks(total, base, tok)

    if FAILED:
        print("%d check(s) failed" % len(FAILED))
        sys.exit(1)


def scope_checks(total, base, member_tok):
    """What the admin role changes (all_tenants, the project attribute, with_count) and what a
    member's rescoped token reaches."""
    everyone = total + int(E["VBS_ACC_OTHER_SEEDED_TOTAL"])
    other = E["VBS_ACC_OTHER_PROJECT_ID"]
    mv = {"OpenStack-API-Version": "volume 3.64"}
    st, admin_tok, _ = token({"methods": ["password"], "password": {"user": {
        "name": E["VBS_ACC_OS_ADMIN_USERNAME"], "password": E["VBS_ACC_OS_ADMIN_PASSWORD"],
        "domain": {"name": "Default"}}}})
    check(st == 201 and admin_tok, "Keystone password auth of the project admin -> token (%s)" % st)
    admin = dict(mv, **{"X-Auth-Token": admin_tok})
    st, data, _ = request("GET", base + "?all_tenants=1&with_count=true&limit=1", headers=admin)
    check(st == 200 and data.get("count") == everyone,
          "admin all_tenants=1 with_count -> every project's %d backups (%s, count %s)" % (
              everyone, st, data.get("count") if st == 200 else data))
    st, data, _ = request("GET", base + "?all_tenants=1&project_id=%s&with_count=true" % other, headers=admin)
    owners = {b.get("os-backup-project-attr:project_id") for b in data["backups"]} if st == 200 else set()
    check(st == 200 and data.get("count") == int(E["VBS_ACC_OTHER_SEEDED_TOTAL"]) and owners == {other},
          "admin all_tenants=1&project_id=<other> -> the other project's backups, each with its project")
    st, data, _ = request("GET", base + "?with_count=true&limit=1", headers=admin)
    fact("admin without all_tenants", "%s count %s" % (st, data.get("count") if st == 200 else data))

    member = dict(mv, **{"X-Auth-Token": member_tok})
    st, data, _ = request("GET", base + "?all_tenants=1&with_count=true&limit=1", headers=member)
    ok = st == 200 and data.get("count") == total and \
        "os-backup-project-attr:project_id" not in data["backups"][0]
    check(ok, "member all_tenants=1 -> 200 with its own project's backups only, no project attribute "
              "(Cinder ignores all_tenants for a non-admin: no 403)")
    fact("member all_tenants=1", "%s count %s" % (st, data.get("count") if st == 200 else data))
    st, data, _ = request("GET", base + "?with_count=true&limit=1",
                          headers={"X-Auth-Token": member_tok, "OpenStack-API-Version": "volume 3.44"})
    fact("member with_count at 3.44", "%s %s" % (st, json.dumps(data)[:200]))
    st, data, _ = request("GET", base + "?project_id=%s&limit=1" % other, headers=member)
    fact("member project_id filter", "%s %s" % (st, json.dumps(data)[:200]))

    # The demo user's password also reaches the other project, with a token scoped to it.
    st, other_tok, _ = token({"methods": ["password"], "password": {"user": {
        "name": E["VBS_ACC_OS_USERNAME"], "password": E["VBS_ACC_OS_PASSWORD"],
        "domain": {"name": "Default"}}}}, project=other)
    st, data, _ = request("GET", E["VBS_ACC_CINDER_URL"] + "/v3/" + other + "/backups/detail",
                          headers={"X-Auth-Token": other_tok})
    check(st == 200 and len(data["backups"]) == int(E["VBS_ACC_OTHER_SEEDED_TOTAL"]),
          "demo user's token scoped to the other project lists its backups (%s)" % st)


if __name__ == "__main__":
    main()
