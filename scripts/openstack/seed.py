"""Seed backups straight into Cinder's sqlite database (the only way without a backup service).

Usage: /usr/bin/python3 seed.py DB ENV_OUT DEMO_PROJECT DEMO_USER OTHER_PROJECT OTHER_USER ADMIN_USER
                               [REGION_TWO_DB]

Deterministic (fixed random seed): the same ids, names and counts on every run, except the
project and user ids, which Keystone generates. Everything goes in one transaction per database.

The demo project gets DEMO_TOTAL visible backups: every status, several volumes, duplicate names,
null names, unicode names, incremental chains (parent_id / num_dependent_backups), Huawei-style
service_metadata strings, JSON descriptions {"DESC": ..., "INC": ...} and plain ones, metadata
rows, encryption key ids, and a few soft-deleted rows (deleted = 1) that must stay invisible.
Creation and update times are distinct to the second, so any order check that compares whole
seconds is exact. The other project gets OTHER_TOTAL backups, some with the same name and
volume id as demo backups, which a listing of the demo project must never show; "other-01" is
the name of exactly one backup of either project.

REGION_TWO_DB, the database of RegionTwo's Cinder, gets REGION_TWO_TOTAL backups of the demo project
and REGION_TWO_OTHER_TOTAL of the other one, every name starting with REGION_TWO_PREFIX, which no
RegionOne backup has: a listing shows which region answered.

KNOWN_* below describes one demo backup field by field; the acceptance tests assert them
(internal/provider/openstack_acc_test.go repeats the values: change both together).
Writes `export K=V` lines to ENV_OUT for run.sh to source.
"""
import collections
import datetime as dt
import json
import random
import shlex
import sqlite3
import sys
import uuid

DEMO_TOTAL = 2537          # visible backups of the demo project, known chain included
OTHER_TOTAL = 31           # backups of the other project
DELETED_TOTAL = 13         # soft-deleted demo backups (never listed)
REGION_TWO_TOTAL = 6       # RegionTwo: demo project
REGION_TWO_OTHER_TOTAL = 2  # RegionTwo: other project
REGION_TWO_PREFIX = "vbs-acc-region-two-"

NS = uuid.UUID("6f1c5a52-4f0e-4d43-9d0a-2b1f1c0a7e11")


def uid(*parts):
    return str(uuid.uuid5(NS, "/".join(str(p) for p in parts)))


# The statuses the provider validates (internal/vbs Statuses). Cinder 2023.1 knows no
# "error_restoring" (a Huawei VBS status): a row with it makes every listing that reaches it fail
# with HTTP 500 ("Field value error_restoring is invalid"), so it is never seeded; a filter on it
# must give an empty list.
STATUSES = ["available", "error", "restoring", "creating", "deleting", "error_deleting",
            "error_restoring"]
SEED_STATUSES = STATUSES[:-1]
STATUS_WEIGHTS = [70, 8, 4, 5, 4, 4]
VOLUMES = [uid("volume", i) for i in range(8)]
VOLUME_WEIGHTS = [30, 20, 15, 10, 10, 7, 5, 3]
FILTER_VOLUME = VOLUMES[2]     # many backups: filters, paging
SORT_VOLUME = VOLUMES[6]       # about 130 backups: every sort key both ways, a few pages each
DUP_NAME = "vbs-acc-dup"
AZS = ["nova", "az1.dc1", "cn-north-4a"]
CONTAINERS = ["volumebackups", "vbs-backups", None]

# The known chain: a full backup, the known incremental backup, and one incremental child.
KNOWN_VOLUME = uid("volume", "known")
KNOWN_PARENT_ID = "1f3a9c2e-6b7d-4e58-8a90-0c1d2e3f4a5b"
KNOWN_ID = "5d9b7e1a-3c4f-4a6b-9e8d-7f0a1b2c3d4e"
KNOWN_CHILD_ID = "9a8b7c6d-5e4f-4321-8fed-cba987654321"
KNOWN_SNAPSHOT_ID = "2b4d6f80-1a3c-4e5a-9b7d-0f2e4a6c8e01"
KNOWN_ENCRYPTION_KEY_ID = "3c5e7a91-2b4d-4f6a-8c0e-1a3b5c7d9e02"
KNOWN_VK = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
KNOWN_SERVICE_METADATA = json.dumps({
    "bootable": False, "backupurl": "b4f2c6d8-0e1a-4c3b-9d5f-7a8b9c0d1e2f", "BackupSize": 0,
    "progress": "0", "snap_id": "c7d9e1f3-5a7b-4c9d-8e0f-2a4b6c8d0e1f", "Type": 1, "DL": 3,
    "VK": KNOWN_VK, "ST": 1, "AT": 12.5, "SP": "/bk/known", "CS": 2048, "VT": "SSD",
    "CMKID": "d8e0f2a4-6b8c-4d0e-9f1a-3b5c7d9e1f20", "BT": 2, "SS": 37.5,
    "BP": "unit-1", "VMID": "e9f1a3b5-7c9d-4e1f-8a2b-4c6d8e0f2a31", "OMID": "omid-7",
    "ebk_T_I": "job-4711", "custom": {"a": 1},
}, separators=(", ", ": "))
KNOWN = {
    "id": KNOWN_ID,
    "display_name": "vbs-acc-known",
    "display_description": '{"DESC": "known backup for the acceptance tests", "INC": 1}',
    "status": "available",
    "size": 40,
    "object_count": 41,
    "container": "vbs-acc-container",
    "availability_zone": "az-acc-1",
    "volume_id": KNOWN_VOLUME,
    "snapshot_id": KNOWN_SNAPSHOT_ID,
    "parent_id": KNOWN_PARENT_ID,
    "num_dependent_backups": 1,
    "fail_reason": None,
    "created_at": "2024-05-06 07:08:09.123456",
    "updated_at": "2024-05-06 07:18:10.654321",
    "data_timestamp": "2024-05-06 07:00:00.000000",
    "encryption_key_id": KNOWN_ENCRYPTION_KEY_ID,
    "service_metadata": KNOWN_SERVICE_METADATA,
}
KNOWN_METADATA = {"env": "acc", "owner": "vbs"}

COLUMNS = ["created_at", "updated_at", "deleted_at", "deleted", "id", "volume_id", "user_id",
           "project_id", "host", "availability_zone", "display_name", "display_description",
           "container", "status", "fail_reason", "service_metadata", "service", "size",
           "object_count", "parent_id", "temp_volume_id", "temp_snapshot_id",
           "num_dependent_backups", "snapshot_id", "data_timestamp", "restore_volume_id",
           "encryption_key_id"]


def fmt(t):
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")


class Clock:
    """Hands out times that are distinct to the second."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.used = set()

    def reserve(self, text):
        self.used.add(text[:19])

    def take(self, t):
        while fmt(t)[:19] in self.used:
            t += dt.timedelta(seconds=1)
        self.used.add(fmt(t)[:19])
        return t.replace(microsecond=self.rnd.randrange(1000000))


def huawei_service_metadata(rnd, incremental):
    meta = {
        "bootable": rnd.random() < 0.3,
        "backupurl": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
        "BackupSize": rnd.choice([0, 1024, "2048"]),
        "progress": rnd.choice(["0", "100", 100, "55"]),
        "snap_id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
        "Type": 1 if incremental else 0,
        "DL": rnd.randrange(4),
        "ST": rnd.choice([0, 0, 1, 4, 5]),
        "AT": round(rnd.uniform(0.5, 300), 1),
    }
    if rnd.random() < 0.2:
        meta["VK"] = "%064x" % rnd.getrandbits(256)
    if rnd.random() < 0.3:
        meta["VT"] = rnd.choice(["SATA", "SAS", "SSD"])
    return json.dumps(meta, separators=(", ", ": "))


def description(rnd, name, incremental):
    roll = rnd.random()
    if roll < 0.75:
        return json.dumps({"DESC": "backup %s" % (name or "without a name"),
                           "INC": 1 if incremental else 0})
    if roll < 0.88:
        return "plain description of %s" % (name or "a backup")
    if roll < 0.95:
        return None
    return ""


def name_for(rnd, i):
    roll = rnd.random()
    if roll < 0.015:
        return None
    if roll < 0.03:
        return rnd.choice(["备份-日常", "sauvegarde-été", "резервная-копия"])
    if roll < 0.55:
        return "nightly-%03d" % rnd.randrange(120)       # many duplicates
    return "backup-%05d" % i


def insert(db, rows, metadata):
    """Writes rows (and backup_metadata rows) in one transaction; reports whether metadata was kept."""
    con = sqlite3.connect(db, timeout=30)
    with con:
        cols = [r[1] for r in con.execute("PRAGMA table_info(backups)")]
        missing = [c for c in COLUMNS if c not in cols]
        if missing:
            sys.exit("backups table lacks columns %s (schema: %s)" % (missing, cols))
        con.executemany("INSERT INTO backups (%s) VALUES (%s)" % (
            ", ".join(COLUMNS), ", ".join("?" * len(COLUMNS))),
            [tuple(r[c] for c in COLUMNS) for r in rows])
        has_meta = con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                               "AND name='backup_metadata'").fetchone()
        if has_meta:
            con.executemany("INSERT INTO backup_metadata (created_at, updated_at, deleted, "
                            "backup_id, key, value) VALUES (?, ?, 0, ?, ?, ?)",
                            [(c, c, b, k, v) for c, b, k, v in metadata])
    con.close()
    return bool(has_meta)


def region_two_rows(demo_project, demo_user, other_project, other_user):
    """RegionTwo's backups: few, and named so that no RegionOne backup can be taken for one."""
    rows = []
    start = dt.datetime(2024, 6, 1)
    for project, user, n, label in ((demo_project, demo_user, REGION_TWO_TOTAL, ""),
                                    (other_project, other_user, REGION_TWO_OTHER_TOTAL, "other-")):
        for i in range(n):
            created = start + dt.timedelta(hours=len(rows), microseconds=1000 * i)
            row = dict.fromkeys(COLUMNS)
            row.update(
                id=uid("region-two", project, i), created_at=fmt(created),
                updated_at=fmt(created + dt.timedelta(minutes=5)), deleted=0,
                volume_id=uid("region-two-volume", i % 2), user_id=user, project_id=project,
                host="backup-host@vbs", service="cinder.backup.drivers.nfs.NFSBackupDriver",
                availability_zone="az-two", display_name="%s%s%02d" % (REGION_TWO_PREFIX, label, i),
                display_description="RegionTwo backup", container="region-two", status="available",
                size=2, object_count=4, num_dependent_backups=0, data_timestamp=fmt(created))
            rows.append(row)
    return rows


def main():
    db, env_out, demo_project, demo_user, other_project, other_user, admin_user = sys.argv[1:8]
    region_two_db = sys.argv[8] if len(sys.argv) > 8 else None
    rnd = random.Random(20240506)
    clock = Clock(rnd)
    for known_time in (KNOWN["created_at"], KNOWN["updated_at"]):
        clock.reserve(known_time)

    rows, metadata = [], []

    def add(row, meta=None):
        full = dict.fromkeys(COLUMNS)
        full.update(deleted=0, host="backup-host@vbs", service="cinder.backup.drivers.nfs.NFSBackupDriver")
        full.update(row)
        rows.append(full)
        for k, v in (meta or {}).items():
            metadata.append((full["created_at"], full["id"], k, v))
        return full

    # The known chain (its parent and child are ordinary demo backups).
    add(dict(KNOWN, user_id=demo_user, project_id=demo_project), KNOWN_METADATA)
    add(dict(id=KNOWN_PARENT_ID, volume_id=KNOWN_VOLUME, user_id=demo_user,
             project_id=demo_project, availability_zone="az-acc-1", display_name="vbs-acc-known-full",
             display_description='{"DESC": "full backup under the known one", "INC": 0}',
             container="vbs-acc-container", status="available", size=40, object_count=80,
             num_dependent_backups=1, created_at="2024-05-05 07:08:09.000001",
             updated_at="2024-05-05 07:28:09.000002", data_timestamp="2024-05-05 07:08:09.000001",
             service_metadata=huawei_service_metadata(rnd, False)))
    add(dict(id=KNOWN_CHILD_ID, volume_id=KNOWN_VOLUME, user_id=demo_user,
             project_id=demo_project, availability_zone="az-acc-1", display_name="vbs-acc-known-child",
             display_description='{"DESC": "incremental backup on top of the known one", "INC": 1}',
             container="vbs-acc-container", status="creating", size=40, object_count=0,
             parent_id=KNOWN_ID, num_dependent_backups=0, created_at="2024-05-07 07:08:09.000003",
             updated_at="2024-05-07 07:08:19.000004", data_timestamp="2024-05-07 07:08:09.000003",
             service_metadata=huawei_service_metadata(rnd, True)))
    for t in ("2024-05-05 07:08:09", "2024-05-05 07:28:09", "2024-05-07 07:08:09",
              "2024-05-07 07:08:19"):
        clock.reserve(t)

    # Seven backups share one name: four on FILTER_VOLUME (three available, one error).
    dup_plan = [(FILTER_VOLUME, "available")] * 3 + [(FILTER_VOLUME, "error")] + \
               [(VOLUMES[0], "available"), (VOLUMES[1], "creating"), (VOLUMES[5], "available")]

    last_on_volume = {}
    by_id = {r["id"]: r for r in rows}
    t = dt.datetime(2023, 1, 1, 0, 0, 0)
    n_regular = DEMO_TOTAL - len(rows)
    dup_slots = {int(n_regular * (k + 1) / (len(dup_plan) + 1)): plan for k, plan in enumerate(dup_plan)}
    for i in range(n_regular):
        t += dt.timedelta(seconds=rnd.randrange(600, 9000))
        created = clock.take(t)
        if i in dup_slots:
            volume, status = dup_slots[i]
            name = DUP_NAME
        else:
            volume = rnd.choices(VOLUMES, VOLUME_WEIGHTS)[0]
            status = rnd.choices(SEED_STATUSES, STATUS_WEIGHTS)[0]
            name = name_for(rnd, i)
            if name == DUP_NAME:
                name = "not-" + DUP_NAME
        parent = last_on_volume.get(volume)
        incremental = parent is not None and parent["status"] == "available" and rnd.random() < 0.6
        size = rnd.choice([1, 5, 10, 20, 40, 80, 100, 250, 500])
        row = dict(
            id=str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            created_at=fmt(created),
            updated_at=fmt(clock.take(created + dt.timedelta(seconds=rnd.randrange(1, 3 * 86400)))),
            volume_id=volume,
            user_id=demo_user if rnd.random() < 0.9 else admin_user,
            project_id=demo_project,
            availability_zone=rnd.choice(AZS),
            display_name=name,
            display_description=description(rnd, name, incremental),
            container=rnd.choice(CONTAINERS),
            status=status,
            fail_reason=("backup driver failed: error %d" % rnd.randrange(100))
            if status.startswith("error") else None,
            service_metadata=huawei_service_metadata(rnd, incremental) if rnd.random() < 0.85
            else rnd.choice([None, "not json", "[]"]),
            size=size,
            object_count=None if rnd.random() < 0.03 else (0 if status == "creating" else size * 2),
            parent_id=parent["id"] if incremental else None,
            num_dependent_backups=0,
            snapshot_id=str(uuid.UUID(int=rnd.getrandbits(128), version=4)) if rnd.random() < 0.2 else None,
            data_timestamp=fmt(created - dt.timedelta(seconds=rnd.randrange(0, 3600)))
            if rnd.random() < 0.97 else None,
            encryption_key_id=str(uuid.UUID(int=rnd.getrandbits(128), version=4))
            if rnd.random() < 0.05 else None,
        )
        if incremental:
            parent["num_dependent_backups"] += 1
        meta = None
        if rnd.random() < 0.1:
            meta = {"purpose": rnd.choice(["nightly", "weekly", "manual"]),
                    "index": str(i)}
        full = add(row, meta)
        by_id[full["id"]] = full
        if status in ("available", "creating"):
            last_on_volume[volume] = full

    assert len(rows) == DEMO_TOTAL, len(rows)
    visible = list(rows)

    # Soft-deleted rows: they must never be listed.
    for i in range(DELETED_TOTAL):
        created = clock.take(dt.datetime(2024, 3, 1) + dt.timedelta(hours=5 * i))
        add(dict(id=uid("deleted", i), created_at=fmt(created), updated_at=fmt(created),
                 deleted_at=fmt(created + dt.timedelta(hours=1)), deleted=1,
                 volume_id=FILTER_VOLUME, user_id=demo_user, project_id=demo_project,
                 display_name=DUP_NAME, display_description="deleted", status="deleted",
                 size=1, object_count=2))

    # The other project: same duplicate name, same filter volume id, all statuses.
    for i in range(OTHER_TOTAL):
        created = clock.take(dt.datetime(2024, 2, 1) + dt.timedelta(hours=7 * i))
        add(dict(id=uid("other", i), created_at=fmt(created),
                 updated_at=fmt(clock.take(created + dt.timedelta(minutes=30))),
                 volume_id=FILTER_VOLUME if i % 3 == 0 else uid("other-volume", i % 4),
                 user_id=other_user, project_id=other_project, availability_zone="nova",
                 display_name=DUP_NAME if i % 2 == 0 else "other-%02d" % i,
                 display_description=json.dumps({"DESC": "other project", "INC": 0}),
                 container="other", status=SEED_STATUSES[i % len(SEED_STATUSES)], size=3, object_count=6,
                 num_dependent_backups=0, data_timestamp=fmt(created),
                 service_metadata=huawei_service_metadata(rnd, False)))

    has_meta = insert(db, rows, metadata)
    if region_two_db:
        insert(region_two_db, region_two_rows(demo_project, demo_user, other_project, other_user), [])

    statuses = collections.Counter(r["status"] for r in visible)
    volumes = collections.Counter(r["volume_id"] for r in visible)
    names = collections.Counter(r["display_name"] for r in visible)
    combined = sum(1 for r in visible if r["display_name"] == DUP_NAME
                   and r["status"] == "available" and r["volume_id"] == FILTER_VOLUME)
    env = {
        "VBS_ACC_SEEDED_TOTAL": len(visible),
        "VBS_ACC_OTHER_SEEDED_TOTAL": OTHER_TOTAL,
        "VBS_ACC_OTHER_UNIQUE_NAME": "other-01",
        "VBS_ACC_OTHER_UNIQUE_ID": uid("other", 1),
        "VBS_ACC_KNOWN_BACKUP_ID": KNOWN_ID,
        "VBS_ACC_KNOWN_PARENT_ID": KNOWN_PARENT_ID,
        "VBS_ACC_KNOWN_CHILD_ID": KNOWN_CHILD_ID,
        "VBS_ACC_KNOWN_VOLUME_ID": KNOWN_VOLUME,
        "VBS_ACC_FILTER_NAME": DUP_NAME,
        "VBS_ACC_FILTER_NAME_COUNT": names[DUP_NAME],
        "VBS_ACC_FILTER_VOLUME_ID": FILTER_VOLUME,
        "VBS_ACC_FILTER_VOLUME_COUNT": volumes[FILTER_VOLUME],
        "VBS_ACC_FILTER_COMBINED_COUNT": combined,
        "VBS_ACC_SORT_VOLUME_ID": SORT_VOLUME,
        "VBS_ACC_SORT_VOLUME_COUNT": volumes[SORT_VOLUME],
        "VBS_ACC_STATUS_COUNTS": ",".join("%s=%d" % (s, statuses[s]) for s in STATUSES),
        "VBS_ACC_NULL_NAME_COUNT": names[None],
        "VBS_ACC_METADATA_ROWS": len(metadata) if has_meta else 0,
    }
    if region_two_db:
        env.update({
            "VBS_ACC_REGION_TWO_TOTAL": REGION_TWO_TOTAL,
            "VBS_ACC_REGION_TWO_OTHER_TOTAL": REGION_TWO_OTHER_TOTAL,
            "VBS_ACC_REGION_TWO_NAME_PREFIX": REGION_TWO_PREFIX,
        })
    with open(env_out, "w") as out:
        for key, value in env.items():
            out.write("export %s=%s\n" % (key, shlex.quote(str(value))))


if __name__ == "__main__":
    main()
