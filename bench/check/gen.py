#!/usr/bin/env python3
"""gen.py: a git fast-import stream for the check/log benchmark.

usage: gen.py COMMITS MIGRATIONS OTHER_FILES | git fast-import --quiet

Commit 1 holds OTHER_FILES files outside the migrations folder (in 500
folders); the remaining commits edit one of those files each, and
MIGRATIONS golang-migrate migrations (an .up.sql and a .down.sql each) are
added spread evenly over them. refs/remotes/origin/main (the deploy ref)
points 10 commits before the tip; a release tag every COMMITS/20 commits.
"""
import sys

def main():
    ncommits, nmig, nother = (int(a) for a in sys.argv[1:4])
    out = sys.stdout.buffer
    w = out.write
    t0 = 1704067200

    def data(b):
        w(b"data %d\n" % len(b))
        w(b)
        w(b"\n")

    def commit(mark, msg, ts, parent):
        w(b"commit refs/heads/main\nmark :%d\n" % mark)
        w(b"author A U Thor <author@example.com> %d +0000\n" % ts)
        w(b"committer C O Mitter <committer@example.com> %d +0000\n" % ts)
        data(msg.encode())
        if parent:
            w(b"from :%d\n" % parent)

    # schedule: migration k lands in commit 2 + k * (ncommits - 1) // nmig
    per_commit = {}
    for k in range(nmig):
        c = 2 + (k * (ncommits - 1)) // nmig
        per_commit.setdefault(min(c, ncommits), []).append(k)

    commit(1, "initial import", t0, 0)
    for i in range(nother):
        path = "src/pkg%03d/file%05d.txt" % (i % 500, i)
        w(b"M 100644 inline %s\n" % path.encode())
        data(b"file %d\n" % i)
    tag_every = max(1, ncommits // 20)
    deploy_at = max(1, ncommits - 10)
    for c in range(2, ncommits + 1):
        migs = per_commit.get(c, [])
        msg = ("add migration %d" % migs[0]) if migs else ("edit file %d" % (c % nother))
        commit(c, msg, t0 + c * 60, c - 1)
        if migs:
            for k in migs:
                v = b"%014d" % (20200101000000 + k)
                w(b"M 100644 inline db/migrations/%s_table_%d.up.sql\n" % (v, k))
                data(b"CREATE TABLE t%d (id int PRIMARY KEY, name text);\n" % k)
                w(b"M 100644 inline db/migrations/%s_table_%d.down.sql\n" % (v, k))
                data(b"DROP TABLE t%d;\n" % k)
        else:
            i = c % nother
            w(b"M 100644 inline src/pkg%03d/file%05d.txt\n" % (i % 500, i))
            data(b"file %d rev %d\n" % (i, c))
        if c % tag_every == 0:
            w(b"reset refs/tags/v%d\nfrom :%d\n" % (c // tag_every, c))
        if c == deploy_at:
            w(b"reset refs/remotes/origin/main\nfrom :%d\n" % c)
    w(b"done\n")

if __name__ == "__main__":
    main()
