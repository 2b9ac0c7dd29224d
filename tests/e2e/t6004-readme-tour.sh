#!/bin/sh
# t6004: README.md's 2-minute tour, run as written: every ```sh block in
# order (with /tmp/shop moved under the test's temp dir), each following
# plain ``` block compared with what the commands before it printed (a
# block ending in '...' is a prefix).
. "$(dirname "$0")/lib.sh"

tour () {
	mkdir bin && ln -s "$MIGCHECK" bin/migcheck &&
	PATH=$PWD/bin:$PATH && export PATH &&
	python3 - "$MIGCHECK_SRC/README.md" "$PWD" <<'PY'
import os, re, subprocess, sys
readme, work = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
tour = text[text.index("## A 2-minute tour"):text.index("## Commands")]
blocks = re.findall(r"```(\w*)\n(.*?)```", tour, re.S)
assert blocks and blocks[0][0] == "sh", "the tour starts with a sh block"
shop = os.path.join(work, "shop")
script, expected = [], []
for kind, body in blocks:
    if kind == "sh":
        n = len(script)
        script.append(f"echo '@@ block {n}'\n" + body.replace("/tmp/shop", shop))
    elif kind == "":
        expected.append((len(script) - 1, body))
out = subprocess.run(["sh", "-c", "cd \"$1\" && " + "\n".join(script), "tour",
                      os.path.dirname(readme)], capture_output=True, text=True)
if out.returncode != 0:
    print(f"# the tour failed (exit {out.returncode}): {out.stderr}")
    sys.exit(1)
got = {}
parts = re.split(r"^@@ block (\d+)\n", out.stdout, flags=re.M)
for i in range(1, len(parts), 2):
    got[int(parts[i])] = parts[i + 1]
bad = 0
for n, want in expected:
    have = got.get(n, "")
    if want.endswith("...\n"):
        ok = have.startswith(want[:-4])
    else:
        ok = have == want
    if not ok:
        bad = 1
        print(f"# README tour block {n}: expected\n" + "".join("#  " + l + "\n" for l in want.splitlines()))
        print("# but got\n" + "".join("#  " + l + "\n" for l in have.splitlines()))
print(f"# {len(expected)} outputs compared")
sys.exit(bad)
PY
}
run_test "README's tour prints what README says" tour

finish
