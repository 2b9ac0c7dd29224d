#!/usr/bin/env python3
"""bench/releases/releases.py: recall and precision of migcheck's
"edited after release" findings on the release history of real repositories.

Not a test: a measurement. See bench/README.md ("releases") and run.sh.

For each repository: a fresh clone, `migcheck init` (no flags) at the
default branch, then for each pair of consecutive release tags vA, vB (one
tag family, semver order, pre-releases left out):

  truth      every migration file in vA's tree that vB modifies, deletes or
             renames: `git diff --name-status -M vA vB -- <migrations.dir>...`
             (M, D, T, R*: the old path), a migration file being one whose
             name starts with a version (digits, or V/U/R/B and digits) and
             ends in .sql, .fizz, .go, .js, .ts, .cjs or .mjs, directly in
             one of the folders init wrote;
  predicted  the files migcheck names with an edited-after-release code in
             `--format json`: `check --range vA..vB`, and, with vB checked
             out, `gate --since vA --skip roundtrip --skip drift` (only the
             check step runs).

Counted per file per pair. The truth follows the tool's identity
(migrations.format): where the tool records the version (golang-migrate,
goose, dbmate, popx), a rename keeping it is no change when the bytes are
the same and an edit of the old path when not, and a deletion and an
addition of one version are such a rename. A finding on the new path of a
rename counts for the old path.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

EDIT_CODES = {
    "modified-deployed", "modified-deployed-down", "deleted-deployed",
    "renamed-deployed", "whitespace-only-change", "comment-only-change",
}
MIGRATION_EXT = (".sql", ".fizz", ".go", ".js", ".ts", ".cjs", ".mjs")
MIGRATION_NAME = re.compile(r"^(?:[VvUuRrBb])?(\d+(?:[._]\d+)*)")
TAG = re.compile(r"^(?P<fam>.*?)(?P<maj>\d+)\.(?P<min>\d+)(?:\.(?P<pat>\d+))?"
                 r"(?P<pre>-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def git(repo, *args, check=True, input=None):
    p = subprocess.run(["git", "-C", repo] + list(args), input=input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="surrogateescape")
    if check and p.returncode != 0:
        raise RuntimeError("git %s: %s" % (" ".join(args), p.stderr.strip()))
    return p


# --- tags -----------------------------------------------------------------

def release_tags(repo, family, prereleases):
    """(family, [tag, ...]) in semver order, one tag per version."""
    fams = {}
    for t in git(repo, "tag", "--list").stdout.split():
        m = TAG.match(t)
        if not m or (m.group("pre") and not prereleases):
            continue
        pre = m.group("pre") or ""
        # a release sorts after its pre-releases; pre-releases by their parts
        prekey = (1,) if not pre else (0,) + tuple(
            (0, int(x), "") if x.isdigit() else (1, 0, x)
            for x in re.split(r"[.-]", pre[1:]))
        key = (int(m.group("maj")), int(m.group("min")),
               int(m.group("pat") or 0), prekey)
        fams.setdefault(m.group("fam"), {}).setdefault(key, t)
    if not fams:
        return None, []
    if family is None:
        family = max(fams, key=lambda f: (len(fams[f]), f == "v"))
    byver = fams.get(family, {})
    return family, [byver[k] for k in sorted(byver)]


# --- the work tree ----------------------------------------------------------

def checkout(clone, rev):
    """Check rev out; paths whose blobs the clone lacks (a partial mirror)
    are left out with non-cone sparse-checkout patterns. Returns how many
    paths were left out this time."""
    if git(clone, "checkout", "-q", "-f", "--detach", rev,
           check=False).returncode == 0:
        return 0
    tree = git(clone, "ls-tree", "-r", "--format=%(objectname) %(path)",
               rev).stdout.splitlines()
    oids = "\n".join(line.split(" ", 1)[0] for line in tree) + "\n"
    out = git(clone, "cat-file", "--batch-check", input=oids).stdout
    missing = {line.split()[0] for line in out.splitlines()
               if line.endswith(" missing")}
    paths = [line.split(" ", 1)[1] for line in tree
             if line.split(" ", 1)[0] in missing]
    if not paths:
        raise RuntimeError("git checkout %s failed" % rev)
    sc = os.path.join(git(clone, "rev-parse", "--git-dir").stdout.strip(),
                      "info", "sparse-checkout")
    pats = ["/*"]
    if os.path.exists(sc):
        with open(sc) as f:
            pats = f.read().splitlines() or ["/*"]
    pats += ["!/" + re.sub(r"([*?\[\\!#])", r"\\\1", p) for p in paths]
    git(clone, "sparse-checkout", "set", "--no-cone", "--stdin",
        input="\n".join(pats) + "\n", check=False)
    git(clone, "checkout", "-q", "-f", "--detach", rev)
    return len(paths)


# --- truth ----------------------------------------------------------------

def is_migration(path, dirs):
    d, base = os.path.split(path)
    return (d in dirs and base.endswith(MIGRATION_EXT)
            and MIGRATION_NAME.match(base) is not None)


def version_of(path):
    m = MIGRATION_NAME.match(os.path.basename(path))
    return tuple(int(x) for x in re.split(r"[._]", m.group(1)))


# formats whose tool records a migration by its version (and, for
# golang-migrate, the direction in the name): a rename that keeps them is
# the same migration to the tool (README "Identity")
BY_VERSION = {"golang-migrate", "goose", "dbmate", "popx"}


def identity(path, fmt):
    """What the tool records of the file, or None when it records the whole
    name (sql-migrate, Sequelize, plain, Flyway's description)."""
    if fmt not in BY_VERSION:
        return None
    d, base = os.path.split(path)
    m = MIGRATION_NAME.match(base)
    if m is None:
        return None
    # dbmate keeps the digits as written; the others read a number
    v = m.group(1) if fmt == "dbmate" else version_of(path)
    part = ".up." if ".up." in base else ".down." if ".down." in base else ""
    return (d, v, part)


def same_blob(clone, a, pa, b, pb):
    x = git(clone, "rev-parse", "%s:%s" % (a, pa), check=False).stdout.strip()
    y = git(clone, "rev-parse", "%s:%s" % (b, pb), check=False).stdout.strip()
    return x and x == y


def diff(clone, a, b, dirs, fmt=None):
    """truth {old path: status}, renames {new: old}, added [path]

    Judged by the tool's identity (fmt): a rename that keeps what the tool
    records is the same migration, so it is no change when its bytes are
    the same (dropped) and an edit of the old path when they are not; a
    file deleted and one added with the same identity (git saw no rename:
    the content changed past its threshold) are paired the same way."""
    out = git(clone, "diff", "--name-status", "-M", a, b, "--", *dirs).stdout
    truth, renames, added, deleted = {}, {}, [], []
    for line in out.splitlines():
        f = line.split("\t")
        st = f[0]
        if st[0] in "MT" and is_migration(f[1], dirs):
            truth[f[1]] = st[0]
        elif st[0] == "D" and is_migration(f[1], dirs):
            truth[f[1]] = "D"
            deleted.append(f[1])
        elif st[0] == "R":
            if is_migration(f[1], dirs):
                ident = identity(f[1], fmt)
                if ident is not None and ident == identity(f[2], fmt):
                    if st != "R100" and not same_blob(clone, a, f[1], b, f[2]):
                        truth[f[1]] = "R(same version, edited)"
                        renames[f[2]] = f[1]
                    continue
                truth[f[1]] = "R"
                renames[f[2]] = f[1]
            elif is_migration(f[2], dirs):
                added.append(f[2])
        elif st[0] in "AC" and is_migration(f[-1], dirs):
            added.append(f[-1])
    # pair a deletion and an addition the tool reads as one migration
    for old in deleted:
        ident = identity(old, fmt)
        if ident is None:
            continue
        for new in added:
            if identity(new, fmt) == ident and new not in renames:
                truth[old] = "D+A(same version)"
                renames[new] = old
                added.remove(new)
                break
    return truth, renames, added


def max_versions(clone, rev, dirs):
    out = git(clone, "ls-tree", "--name-only", rev, "--", *[d + "/" for d in dirs],
              check=False).stdout
    best = {}
    for p in out.splitlines():
        if is_migration(p, dirs):
            d = os.path.dirname(p)
            v = version_of(p)
            if d not in best or v > best[d]:
                best[d] = v
    return best


# --- migcheck ---------------------------------------------------------------

def findings(doc):
    """One (code, file, message) per file: a grouped finding's items are
    expanded (current machine formats may group)."""
    for f in (doc or {}).get("findings", []):
        items = f.get("items") or []
        if items:
            for it in items:
                yield f.get("code"), it.get("file"), f.get("message")
        else:
            yield f.get("code"), f.get("file"), f.get("message")


def run_migcheck(migcheck, clone, args):
    t0 = time.perf_counter()
    p = subprocess.run([migcheck, "--format", "json", "--color", "never"] + args,
                       cwd=clone, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, errors="surrogateescape")
    dt = time.perf_counter() - t0
    try:
        doc = json.loads(p.stdout) if p.stdout.strip() else None
    except ValueError:
        doc = None
    return p.returncode, doc, dt, p.stderr.strip()


def score(doc, truth, renames, added, maxv, dirs):
    pred, other, ooo_false = {}, {}, []
    for code, f, msg in findings(doc):
        if f is None:
            continue
        if code in EDIT_CODES:
            # a finding on the new path of a rename (or of a file the tool
            # reads as the deleted one) counts for the old path
            key = renames.get(f, f) if f not in truth else f
            pred.setdefault(key, []).append((code, msg, f))
        else:
            other.setdefault(f, []).append((code, msg))
        if code == "out-of-order" and f in added:
            d = os.path.dirname(f)
            if d not in maxv or version_of(f) > maxv[d]:
                ooo_false.append((f, msg))
    tp = set(pred) & set(truth)
    return tp, pred, other, ooo_false


# --- one repository ---------------------------------------------------------

def bench_repo(src, name, opts, details):
    clone = os.path.join(opts.bench_dir, name)
    if os.path.exists(clone):
        shutil.rmtree(clone)
    log("%s: cloning %s" % (name, src))
    git(".", "clone", "-q", "--no-checkout", src, clone)
    left_out = checkout(clone, "HEAD")
    if left_out:
        log("%s: %d paths left out of the work tree (blobs missing from the clone)"
            % (name, left_out))
    p = subprocess.run([opts.migcheck, "init"], cwd=clone, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    init_said = p.stderr.strip()
    for line in init_said.splitlines():
        log("%s: %s" % (name, line))
    if p.returncode != 0:
        return {"repo": name, "error": "init exit %d" % p.returncode}
    cfg = os.path.join(clone, ".migcheck")
    dirs = git(".", "config", "-f", cfg, "--get-all", "migrations.dir",
               check=False).stdout.split()
    refs = git(".", "config", "-f", cfg, "--get-all", "deploy.ref",
               check=False).stdout.split()
    fmt = git(".", "config", "-f", cfg, "--get", "migrations.format",
              check=False).stdout.strip() or None
    family, tags = release_tags(clone, opts.family, opts.prereleases)
    pairs, backwards, forked = [], [], 0
    for a, b in zip(tags, tags[1:]):
        if git(clone, "merge-base", "--is-ancestor", b, a, check=False).returncode == 0:
            backwards.append("%s..%s" % (a, b))   # vA was tagged on top of vB
            continue
        if git(clone, "merge-base", "--is-ancestor", a, b, check=False).returncode != 0:
            forked += 1                            # e.g. a maintenance branch
        pairs.append((a, b))
    if backwards:
        log("%s: left out %d pair(s) whose vB is an ancestor of vA: %s"
            % (name, len(backwards), " ".join(backwards)))
    if opts.max_pairs is not None:
        pairs = pairs[-opts.max_pairs:] if opts.max_pairs > 0 else []
    log("%s: dirs %s, deploy.ref %s, %d '%s' releases, %d pairs (%d with vA not an "
        "ancestor of vB)" % (name, " ".join(dirs), " ".join(refs), len(tags), family,
                             len(pairs), forked))

    r = {"repo": name, "family": family, "dirs": dirs, "deploy_refs": refs,
         "pairs": len(pairs), "backwards": backwards, "forked": forked,
         "truth": 0, "time": 0.0,
         "check": {"tp": 0, "pred": 0, "ooo_false": 0, "errors": 0, "time": 0.0,
                   "max_time": 0.0},
         "gate": {"tp": 0, "pred": 0, "ooo_false": 0, "errors": 0, "time": 0.0,
                  "max_time": 0.0}}
    t_repo = time.perf_counter()
    for i, (a, b) in enumerate(pairs):
        truth, renames, added = diff(clone, a, b, dirs, fmt)
        maxv = max_versions(clone, a, dirs)
        checkout(clone, b)
        r["truth"] += len(truth)
        runs = {
            "check": ["check", "--range", "%s..%s" % (a, b)],
            "gate": ["gate", "--since", a, "--skip", "roundtrip", "--skip", "drift"],
        }
        for mode, args in runs.items():
            rc, doc, dt, err = run_migcheck(opts.migcheck, clone, args)
            m = r[mode]
            m["time"] += dt
            m["max_time"] = max(m["max_time"], dt)
            if rc >= 2 or doc is None:
                m["errors"] += 1
                details.append((name, "%s..%s" % (a, b), mode, "exit %d" % rc, "",
                                "", err.splitlines()[-1] if err else ""))
            tp, pred, other, ooo_false = score(doc, truth, renames, added, maxv, dirs)
            m["tp"] += len(tp)
            m["pred"] += len(pred)
            m["ooo_false"] += len(ooo_false)
            pair = "%s..%s" % (a, b)
            for f in sorted(set(truth) - tp):
                said = "; ".join("%s: %s" % c for c in other.get(f, [])) or "nothing"
                details.append((name, pair, mode, "FN", f, "git " + truth[f], said))
            for f in sorted(set(pred) - tp):
                said = "; ".join("%s (%s): %s" % (c, pf, msg) for c, msg, pf in pred[f])
                olds = [o for n, o in renames.items() if n == f]
                gs = ("added in range" if f in added else
                      "new path of rename from %s" % olds[0] if olds else "unchanged")
                details.append((name, pair, mode, "FP", f, "git " + gs, said))
            for f, msg in ooo_false:
                details.append((name, pair, mode, "false-ooo", f,
                                "git added, version above all at %s" % a,
                                "out-of-order: %s" % msg))
        if opts.progress and (i + 1) % opts.progress == 0:
            log("%s: %d/%d pairs" % (name, i + 1, len(pairs)))
    r["time"] = time.perf_counter() - t_repo
    return r


# --- output -----------------------------------------------------------------

def pct(n, d):
    return "-" if d == 0 else "%.1f%%" % (100.0 * n / d)


def table(results):
    head = ("| repo | family | pairs | truth | check recall | check precision "
            "| gate recall | gate precision | false ooo (check/gate) "
            "| exit ≥2 (check/gate) | check s/pair (max) | time |")
    lines = [head, "|" + "---|" * 12]
    tot = {"pairs": 0, "truth": 0, "time": 0.0}
    tm = {m: {"tp": 0, "pred": 0, "ooo_false": 0, "errors": 0, "time": 0.0,
              "max_time": 0.0} for m in ("check", "gate")}
    for r in results:
        if "error" in r:
            lines.append("| %s | %s |%s" % (r["repo"], r["error"], " |" * 10))
            continue
        for k in tot:
            tot[k] += r[k]
        for m in tm:
            for k in tm[m]:
                tm[m][k] = max(tm[m][k], r[m][k]) if k == "max_time" else tm[m][k] + r[m][k]
        lines.append(row(r["repo"], r["family"], r, r["check"], r["gate"]))
    lines.append(row("**overall**", "", tot, tm["check"], tm["gate"]))
    return "\n".join(lines)


def row(name, fam, r, c, g):
    c_s = c["time"] / r["pairs"] if r["pairs"] else 0.0
    return ("| %s | %s | %d | %d | %s (%d) | %s (%d/%d) | %s (%d) | %s (%d/%d) "
            "| %d/%d | %d/%d | %.3f (%.2f) | %.0f s |" % (
                name, "`%s`" % fam if fam else ("" if name.startswith("**") else "`(none)`"),
                r["pairs"], r["truth"],
                pct(c["tp"], r["truth"]), c["tp"], pct(c["tp"], c["pred"]), c["tp"], c["pred"],
                pct(g["tp"], r["truth"]), g["tp"], pct(g["tp"], g["pred"]), g["tp"], g["pred"],
                c["ooo_false"], g["ooo_false"], c["errors"], g["errors"],
                c_s, c["max_time"], r["time"]))


def main():
    ap = argparse.ArgumentParser(
        prog="bench/releases/run.sh",
        description="recall and precision of migcheck's edited-after-release "
                    "findings over consecutive releases")
    ap.add_argument("repos", nargs="+", metavar="repo",
                    help="URL or path of a git repository (bare or not), "
                         "optionally NAME=SOURCE; cloned afresh")
    ap.add_argument("--max-pairs", type=int, metavar="N",
                    help="only the newest N pairs of each repository")
    ap.add_argument("--family", metavar="PREFIX",
                    help="tag family: the text before the version (default: "
                         "the family with the most releases, e.g. 'v')")
    ap.add_argument("--prereleases", action="store_true",
                    help="count tags such as v1.2.0-rc.1 as releases")
    ap.add_argument("--details", metavar="FILE",
                    help="write every mismatch as TSV (default BENCH_DIR/mismatches.tsv)")
    ap.add_argument("--progress", type=int, default=50, metavar="N",
                    help="report progress every N pairs (0: never)")
    opts = ap.parse_args()
    opts.migcheck = os.path.abspath(os.environ.get("MIGCHECK") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "migcheck"))
    opts.bench_dir = os.path.abspath(os.environ.get("BENCH_DIR",
                                                    "/tmp/migcheck-bench-releases"))
    if not os.access(opts.migcheck, os.X_OK):
        log("run.sh: no migcheck binary at '%s' (build first, or set MIGCHECK)"
            % opts.migcheck)
        return 3
    os.makedirs(opts.bench_dir, exist_ok=True)
    for v in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "MIGCHECK_DATABASE_URL",
              "MIGCHECK_SCRATCH_URL"):
        os.environ.pop(v, None)
    os.environ["LC_ALL"] = "C"
    log("migcheck: %s (%s)" % (opts.migcheck, subprocess.run(
        [opts.migcheck, "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()))

    results, details = [], []
    for spec in opts.repos:
        if "=" in spec and not spec.startswith(("/", ".")) and "://" not in spec.split("=")[0]:
            name, src = spec.split("=", 1)
        else:
            src = spec
            base = os.path.basename(spec.rstrip("/"))
            if base in ("repo", ".git"):
                base = os.path.basename(os.path.dirname(spec.rstrip("/")))
            name = re.sub(r"\.git$", "", base).split("+")[-1]
        try:
            results.append(bench_repo(src, name, opts, details))
        except RuntimeError as e:
            log("%s: %s" % (name, e))
            results.append({"repo": name, "error": str(e)})

    path = opts.details or os.path.join(opts.bench_dir, "mismatches.tsv")
    with open(path, "w") as f:
        f.write("repo\tpair\tmode\tkind\tfile\tgit\tmigcheck\n")
        for d in details:
            f.write("\t".join(str(x).replace("\t", " ").replace("\n", " ")
                              for x in d) + "\n")
    with open(os.path.join(opts.bench_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(table(results))
    print("\nmismatches: %s (%d rows)" % (path, len(details)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
